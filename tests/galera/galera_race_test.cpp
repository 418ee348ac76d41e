// The ledger on a 3-node Galera cluster, multi-writer: 64 threads spread
// over the nodes race to place holds on a 3-level tree that fits exactly K.
// Conflicting transactions fail certification (1213 at COMMIT or at any
// statement) and are retried; exactly K holds succeed, every level records
// them, none is doubled, and check_ledger is clean on every node. A second
// run kills one node (kill -9 its mariadbd) mid-race: clients on a DbHost
// list fail over, and every acknowledged hold exists afterwards.
// Skips unless scripts/test.sh started the cluster (ASBB_TEST_GALERA_PORTS,
// ASBB_TEST_GALERA_SOCKET: node 1's socket).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "db/check.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

constexpr int kThreads = 64;

std::vector<int> galera_ports() {
    std::vector<int> ports;
    const char* text = std::getenv("ASBB_TEST_GALERA_PORTS");
    if (text == nullptr) return ports;
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) ports.push_back(std::atoi(item.c_str()));
    return ports;
}

class GaleraRace : public LedgerTest {
  protected:
    void SetUp() override {
        ports_ = galera_ports();
        const char* socket = std::getenv("ASBB_TEST_GALERA_SOCKET");
        if (ports_.size() != 3 || socket == nullptr) {
            GTEST_SKIP() << "no Galera cluster (ASBB_TEST_GALERA_PORTS, ASBB_TEST_GALERA_SOCKET)";
        }
        // The fixture's databases are made on node 1 and replicate.
        setenv("ASBB_TEST_DB_SOCKET", socket, 1);
        LedgerTest::SetUp();
    }
    void TearDown() override {
        if (ports_.size() == 3) LedgerTest::TearDown();
    }
    // A session on the asbb database through the given hosts, in order.
    std::unique_ptr<db::MariaSession> on(std::vector<db::Endpoint> hosts) const {
        db::ConnectParams params;
        params.hosts = std::move(hosts);
        params.user = "asbb_galera";
        params.password = "galera-pass";
        params.database = db_;
        params.lock_wait_timeout_s = 10;
        params.statement_timeout_ms = 30'000;
        return std::make_unique<db::MariaSession>(params);
    }
    db::Endpoint node(int i) const { return {"127.0.0.1", ports_.at(static_cast<size_t>(i))}; }
    std::vector<int> ports_;
};

struct Tally {
    std::mutex mutex;
    std::set<std::string> placed;  // acknowledged hold ids
    int refused = 0;
    int errors = 0;
    std::string first_error;
    void error(const std::string& what) {
        std::lock_guard lock(mutex);
        if (errors++ == 0) first_error = what;
    }
};

TEST_F(GaleraRace, ExactlyKHoldsOnEveryNode) {
    const int k = 20;
    const int64_t amount = 3'000'000;
    // root binds: physics and chem could each take all of it.
    const int64_t root_id = make_budget("root", k * amount);
    const int64_t physics_id = make_budget("physics", k * amount);
    make_budget("proj001", k * amount);
    make_budget("proj002", k * amount);
    make_budget("chem", k * amount);
    const std::vector<std::string> targets = {"proj001", "proj002", "chem"};
    const int attempts_total = 3 * k + kThreads;
    std::atomic<int> next{0};
    std::atomic<bool> go{false};
    Tally tally;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::unique_ptr<db::MariaSession> session;
            try {
                session = on({node(t % 3)});
            } catch (const std::exception& e) {
                tally.error(e.what());
                return;
            }
            while (!go.load()) std::this_thread::yield();
            for (int i = next++; i < attempts_total; i = next++) {
                db::HoldRequest request =
                    hold_request(targets[static_cast<size_t>(i) % targets.size()], amount);
                try {
                    auto result = db::place_hold(*session, slurm(), request);
                    std::lock_guard lock(tally.mutex);
                    if (result.outcome == db::HoldOutcome::kPlaced) {
                        tally.placed.insert(request.id.hex());
                    } else if (result.outcome == db::HoldOutcome::kInsufficient) {
                        ++tally.refused;
                    } else {
                        ++tally.errors;
                    }
                } catch (const std::exception& e) {
                    tally.error(e.what());
                }
            }
        });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(tally.errors, 0) << tally.first_error;
    EXPECT_EQ(static_cast<int>(tally.placed.size()), k);
    EXPECT_EQ(static_cast<int>(tally.placed.size()) + tally.refused, attempts_total);
    for (int n = 0; n < 3; ++n) {
        auto session = on({node(n)});
        session->run("SET SESSION wsrep_sync_wait = 1");  // see every write committed anywhere
        auto value = [&](const std::string& sql, const db::Params& params = {}) {
            return session->query(sql, params)[0].i64(0);
        };
        SCOPED_TRACE("node " + std::to_string(n + 1));
        EXPECT_EQ(value("SELECT COUNT(*) FROM hold"), k);
        EXPECT_EQ(value("SELECT COUNT(*) FROM journal WHERE kind = 'hold'"), k);
        EXPECT_EQ(value("SELECT held_micro FROM budget WHERE id = ?", {root_id}), k * amount);
        EXPECT_EQ(value("SELECT held_micro FROM budget WHERE id = ?", {physics_id}),
                  value("SELECT COALESCE(SUM(amount_micro), 0) FROM hold WHERE account <> 'chem'"));
        for (const std::string& id : tally.placed) {
            EXPECT_EQ(value("SELECT COUNT(*) FROM hold WHERE id = ?", {id}), 1) << id;
        }
        EXPECT_TRUE(db::check_ledger(*session).empty());
    }
}

// Last in the file: it leaves node 3 dead (scripts/test.sh stops the cluster).
TEST_F(GaleraRace, ANodeKilledMidRaceLosesNoAcknowledgedHold) {
    const int k = 20;
    const int64_t amount = 3'000'000;
    const int64_t root_id = make_budget("root", k * amount);
    make_budget("physics", k * amount);
    make_budget("proj001", k * amount);
    const std::string socket = std::getenv("ASBB_TEST_GALERA_SOCKET");
    const std::string victim = socket.substr(0, socket.rfind("/node1/")) + "/node3/mariadbd.pid";
    const int attempts_total = 3 * k + kThreads;
    std::atomic<int> next{0};
    std::atomic<bool> go{false};
    Tally tally;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            // Each client's DbHost list starts on its own node.
            std::vector<db::Endpoint> hosts = {node(t % 3), node((t + 1) % 3), node((t + 2) % 3)};
            while (!go.load()) std::this_thread::yield();
            std::unique_ptr<db::MariaSession> session;
            for (int i = next++; i < attempts_total; i = next++) {
                db::HoldRequest request = hold_request("proj001", amount);
                for (int tries = 0; tries < 3; ++tries) {  // the same hold id each time
                    try {
                        if (!session || !session->connected()) session = on(hosts);
                        auto result = db::place_hold(*session, slurm(), request);
                        std::lock_guard lock(tally.mutex);
                        if (result.outcome == db::HoldOutcome::kPlaced ||
                            result.outcome == db::HoldOutcome::kAlreadyPlaced) {
                            tally.placed.insert(request.id.hex());
                        } else {
                            ++tally.refused;
                        }
                        break;
                    } catch (const db::DbError& e) {
                        if (e.kind() != db::DbErrorKind::kConnection || tries == 2)
                            tally.error(e.what());
                    }
                }
            }
        });
    }
    go = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    std::ifstream pid_file(victim);
    int pid = 0;
    pid_file >> pid;
    ASSERT_GT(pid, 0) << victim;
    ::kill(pid, SIGKILL);
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(tally.errors, 0) << tally.first_error;
    EXPECT_LE(static_cast<int>(tally.placed.size()), k);
    for (int n = 0; n < 2; ++n) {
        auto session = on({node(n)});
        session->run("SET SESSION wsrep_sync_wait = 1");
        auto value = [&](const std::string& sql, const db::Params& params = {}) {
            return session->query(sql, params)[0].i64(0);
        };
        SCOPED_TRACE("surviving node " + std::to_string(n + 1));
        const int64_t holds = value("SELECT COUNT(*) FROM hold");
        EXPECT_LE(holds, k);
        EXPECT_GE(holds, static_cast<int64_t>(tally.placed.size()));
        EXPECT_EQ(value("SELECT held_micro FROM budget WHERE id = ?", {root_id}), holds * amount);
        for (const std::string& id : tally.placed) {
            EXPECT_EQ(value("SELECT COUNT(*) FROM hold WHERE id = ?", {id}), 1) << id;
        }
        EXPECT_TRUE(db::check_ledger(*session).empty());
    }
}

}  // namespace
}  // namespace asbb::test
