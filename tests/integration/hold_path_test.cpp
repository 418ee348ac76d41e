// The hold path's promises (issue 10), against the real server:
//   - the plugin (SubmitEngine), `asbb estimate` and POST /api/v1/budget/check
//     give the same verdict, the same amount and the same words, for every
//     combination of "in BudgetedPartitions" and "has a rate", and for a job
//     over each level (its account, an ancestor, a partition limit);
//   - a pending job's hold cannot grow once its budget period has ended,
//     and the refusal reads as a new hold's would;
//   - a budget row locked by another session is "busy" within the deadline,
//     and the breaker stays closed;
//   - a reply lost after COMMIT leaves one hold and one journal row, with
//     FailPolicy=open and closed alike.
#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include <sys/stat.h>

#include "db/check.hpp"
#include "db/ledger.hpp"
#include "db/mariadb_session.hpp"
#include "integration/support/faulty_session.hpp"
#include "integration/support/service_fixture.hpp"
#include "submit/engine.hpp"

namespace asbb::test {
namespace {

using submit::SubmitDecision;
using submit::SubmitEngine;
using Verdict = SubmitDecision::Verdict;

constexpr int64_t kDollar = 1'000'000;
constexpr unsigned kLostConnection = 2013;

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

// The field after "key": in a flat JSON reply, as text.
std::string json_field(const std::string& body, const std::string& key) {
    const std::string quoted = "\"" + key + "\":";
    const size_t at = body.find(quoted);
    if (at == std::string::npos) return "";
    size_t start = at + quoted.size();
    if (body[start] == '"') {
        const size_t end = body.find('"', start + 1);
        return body.substr(start + 1, end - start - 1);
    }
    const size_t end = body.find_first_of(",}", start);
    return body.substr(start, end - start);
}

// What one of the three answered for a job.
struct Verdicts {
    bool fits = false;
    std::string message;      // the refusal, or empty
    int64_t hold_micro = -1;  // -1 when nothing is held
};

class HoldPathTest : public ServiceTest {
  protected:
    void SetUp() override {
        ServiceTest::SetUp();
        if (HasFatalFailure()) return;
        // Rated but not budgeted, to check that only BudgetedPartitions counts.
        db::Rate rate;
        rate.partition = "cloud-rated";
        rate.instance_type = "c5.large";
        rate.node_hour_price = Money{2 * kDollar};
        db::set_rate(session(), rate, "test", now_s_);
    }

    SubmitEngine& engine(const std::string& extra = "",
                         submit::EngineSeams seams = submit::EngineSeams::real()) {
        const std::string path = dir_ + "/plugin.conf";
        std::ifstream base(config_path_);
        std::string text((std::istreambuf_iterator<char>(base)), std::istreambuf_iterator<char>());
        std::ofstream file(path);
        file << text << "BreakerSeconds=3600\n" << extra;
        file.close();
        chmod(path.c_str(), 0600);
        engine_ = std::make_unique<SubmitEngine>(path, dir_, std::move(seams));
        return *engine_;
    }

    static submit::SubmitInput job(const std::string& partition, int64_t nodes,
                                   const std::string& account = "proj001") {
        submit::SubmitInput in;
        in.account = account;
        in.partition = partition;
        in.user_name = "sys";
        in.uid = kUserUid;
        in.shape.min_nodes = nodes;
        in.shape.time_limit_min = 60;
        return in;
    }

    Verdicts by_plugin(const std::string& partition, int64_t nodes) {
        const SubmitDecision d = engine_->submit(job(partition, nodes));
        Verdicts v;
        v.fits = d.verdict != Verdict::kReject;
        v.message = v.fits ? "" : d.message;
        if (d.verdict == Verdict::kAccept) {
            v.hold_micro = scalar("SELECT amount_micro FROM hold WHERE id = ?", {d.hold_id});
            // Given back, so that the next case starts from the same balances.
            db::in_transaction(session(), [&] {
                db::release_hold(session(), d.hold_id, db::ReleaseKind::kRelease, "test", "test",
                                 now_s_);
            });
        }
        return v;
    }

    Verdicts by_estimate(const std::string& partition, int64_t nodes) {
        const std::vector<std::string> args = {"--config=" + config_path_,
                                               "-P",
                                               "estimate",
                                               "--account=proj001",
                                               "--partition=" + partition,
                                               "--nodes=" + std::to_string(nodes),
                                               "--time=01:00:00"};
        const CliResult table = run_cli({"--config=" + config_path_, "estimate",
                                         "--account=proj001", "--partition=" + partition,
                                         "--nodes=" + std::to_string(nodes), "--time=01:00:00"});
        const CliResult parsable = run_cli(args);
        EXPECT_EQ(parsable.status, 0) << parsable.err;
        // Account|Partition|Nodes|TimeLimit|Estimate|Hold|Source|Fits
        const std::string row = parsable.out.substr(parsable.out.find('\n') + 1);
        std::vector<std::string> cells;
        size_t start = 0;
        for (size_t bar; (bar = row.find_first_of("|\n", start)) != std::string::npos;
             start = bar + 1) {
            cells.push_back(row.substr(start, bar - start));
        }
        Verdicts v;
        v.fits = cells.size() > 7 && cells[7] == "yes";
        const std::string last_line =
            table.out.substr(table.out.rfind('\n', table.out.size() - 2) + 1);
        v.message = v.fits ? "" : last_line.substr(0, last_line.size() - 1);
        if (v.fits && cells.size() > 5 && !contains(table.out, "not budgeted")) {
            v.hold_micro = parse_money(cells[5])->micro;
        }
        return v;
    }

    Verdicts by_service(const std::string& partition, int64_t nodes) {
        const Reply r = as(kAdminUid, "POST", "/api/v1/budget/check",
                           R"({"account":"proj001","partition":")" + partition + R"(","nodes":)" +
                               std::to_string(nodes) + R"(,"cpus":1,"wall_time":"01:00:00"})");
        EXPECT_EQ(r.status, 200) << r.body;
        Verdicts v;
        v.fits = json_field(r.body, "available") == "true";
        v.message = v.fits ? "" : json_field(r.body, "message");
        if (v.fits && json_field(r.body, "budgeted") == "true") {
            v.hold_micro = parse_money(json_field(r.body, "hold_amount"))->micro;
        }
        return v;
    }

    void expect_same(const std::string& partition, int64_t nodes, bool fits,
                     const std::string& message_part) {
        SCOPED_TRACE(partition + ", " + std::to_string(nodes) + " node(s)");
        const Verdicts plugin = by_plugin(partition, nodes);
        const Verdicts estimate = by_estimate(partition, nodes);
        const Verdicts service = by_service(partition, nodes);
        EXPECT_EQ(plugin.fits, fits) << plugin.message;
        EXPECT_EQ(estimate.fits, plugin.fits) << estimate.message;
        EXPECT_EQ(service.fits, plugin.fits) << service.message;
        EXPECT_EQ(estimate.message, plugin.message);
        EXPECT_EQ(service.message, plugin.message);
        EXPECT_EQ(estimate.hold_micro, plugin.hold_micro);
        EXPECT_EQ(service.hold_micro, plugin.hold_micro);
        EXPECT_TRUE(contains(plugin.message, message_part)) << plugin.message;
    }

    std::unique_ptr<SubmitEngine> engine_;
};

TEST_F(HoldPathTest, PluginEstimateAndCheckAgreeOnEveryPartitionKind) {
    engine("PluginDeadline=5000\n");
    // In BudgetedPartitions with a rate: a hold of 1 node x 1 h x $2 x 1.2.
    expect_same("aws-cpu", 1, true, "");
    EXPECT_EQ(by_plugin("aws-cpu", 1).hold_micro, 2'400'000);
    // In BudgetedPartitions without a rate: refused by all three alike.
    expect_same("aws-gpu", 1, false, "is budgeted but has no rate");
    // A rate but not in BudgetedPartitions, and neither: nothing is held.
    expect_same("cloud-rated", 1, true, "");
    expect_same("local", 1, true, "");
    EXPECT_EQ(count("hold"), 2);  // the plugin's two on aws-cpu, both released
}

TEST_F(HoldPathTest, PluginEstimateAndCheckAgreeOnWhichLevelIsShort) {
    engine("PluginDeadline=5000\n");
    // The account: proj001 has $1,000; 500 nodes need $1,200.
    expect_same("aws-cpu", 500, false, "account proj001 has $1000.00 available");
    // An ancestor: physics left with $100; 50 nodes need $120.
    ASSERT_TRUE(db::in_transaction(session(), [&] {
                    return db::withdraw(session(), physics_, Money{9'900 * kDollar}, "test", "test",
                                        now_s_);
                }).ok());
    expect_same("aws-cpu", 50, false, "account physics has $100.00 available");
    // A partition limit: $50 on aws-cpu for proj001; 25 nodes need $60.
    db::in_transaction(session(), [&] {
        db::deposit(session(), physics_, Money{9'900 * kDollar}, "t", "t", now_s_);
    });
    make_limit(proj001_, "aws-cpu", 50 * kDollar);
    expect_same("aws-cpu", 25, false, "aws-cpu");
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(HoldPathTest, AHoldCannotGrowAfterItsPeriodEnded) {
    // The plugin's clock moves past the period's end between submit and update.
    int64_t now_s = now_s_;
    submit::EngineSeams seams = submit::EngineSeams::real();
    seams.now_s = [&now_s] { return now_s; };
    SubmitEngine& e = engine("PluginDeadline=5000\n", seams);
    const SubmitDecision placed = e.submit(job("aws-cpu", 1));
    ASSERT_EQ(placed.verdict, Verdict::kAccept) << placed.message;
    session().exec("UPDATE hold SET state = 'linked', job_id = 777 WHERE id = ?", {placed.hold_id});
    const int64_t held = scalar("SELECT SUM(held_micro) FROM budget");
    now_s = scalar("SELECT period_end FROM budget WHERE id = ?", {proj001_}) + 60;

    submit::ModifyInput grow;
    grow.job_id = 777;
    grow.time_limit_min = 240;
    const auto refused = e.modify(grow);
    EXPECT_FALSE(refused.allow);
    const SubmitDecision fresh = e.submit(job("aws-cpu", 1));
    EXPECT_EQ(fresh.verdict, Verdict::kReject);
    EXPECT_TRUE(contains(fresh.message, "has no budget for the current period")) << fresh.message;
    EXPECT_EQ(refused.message, fresh.message);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), held);  // nothing grew
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(HoldPathTest, ALockedBudgetRowIsBusyNotAnOutage) {
    SubmitEngine& e = engine("PluginDeadline=400\nFailPolicy=closed\n");
    ASSERT_EQ(e.submit(job("aws-cpu", 1)).verdict, Verdict::kAccept);  // a warm session
    auto locker = connect();
    locker->run("START TRANSACTION");
    locker->query("SELECT id FROM budget WHERE account = 'proj001' FOR UPDATE");
    const auto started = std::chrono::steady_clock::now();
    const SubmitDecision busy = e.submit(job("aws-cpu", 1));
    const auto waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count();
    EXPECT_EQ(busy.verdict, Verdict::kReject);
    EXPECT_TRUE(contains(busy.message, "busy")) << busy.message;
    EXPECT_FALSE(contains(busy.message, "unavailable")) << busy.message;
    EXPECT_TRUE(contains(busy.log, "not an outage")) << busy.log;
    // Answered by the server within the deadline, not by the deadline.
    EXPECT_LT(waited_ms, 400) << busy.log;
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // 2 s in all
    locker->run("ROLLBACK");
    // The breaker (BreakerSeconds=3600) never opened: the next job goes in.
    const SubmitDecision after = e.submit(job("aws-cpu", 1));
    EXPECT_EQ(after.verdict, Verdict::kAccept) << after.message << " / " << after.log;
    EXPECT_EQ(count("hold"), 2);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// The server is down while `down` is set: every connection attempt fails
// as an unreachable server does. tries counts the attempts.
submit::EngineSeams down_while(const std::atomic<bool>& down, std::atomic<int>& tries) {
    submit::EngineSeams seams = submit::EngineSeams::real();
    seams.open_session = [&down, &tries](const db::ConnectParams& params,
                                         submit::EngineSeams::Clock::time_point deadline)
        -> std::unique_ptr<db::DeadlineSession> {
        ++tries;
        if (down) {
            throw db::DbError(db::DbErrorKind::kConnection, 2002,
                              "test: Can't connect to local server");
        }
        return std::make_unique<db::MariaSession>(params, deadline);
    };
    return seams;
}

// BreakerSeconds is an hour: only the half-open probe can close the breaker.
// While it is open, calls between probes do not try the server; a failed
// probe keeps it open; the first probe after the server is back closes it.
TEST_F(HoldPathTest, TheBreakerHalfOpensAndClosesOnceTheDatabaseIsBack) {
    std::atomic<bool> down{true};
    std::atomic<int> tries{0};
    SubmitEngine& e = engine("PluginDeadline=2000\nBreakerProbeMs=1000\n", down_while(down, tries));
    const SubmitDecision failed = e.submit(job("aws-cpu", 1));
    EXPECT_EQ(failed.verdict, Verdict::kReject);
    EXPECT_TRUE(contains(failed.message, "unavailable")) << failed.message;
    const int after_failure = tries;
    const SubmitDecision skipped = e.submit(job("aws-cpu", 1));
    EXPECT_TRUE(contains(skipped.log, "circuit breaker open")) << skipped.log;
    EXPECT_EQ(tries, after_failure) << "a call between probes tried the server";

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const SubmitDecision failed_probe = e.submit(job("aws-cpu", 1));
    EXPECT_EQ(failed_probe.verdict, Verdict::kReject);
    EXPECT_GT(tries, after_failure) << "no probe was made";
    const int after_probe = tries;
    e.submit(job("aws-cpu", 1));
    EXPECT_EQ(tries, after_probe) << "a failed probe closed the breaker";

    down = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const SubmitDecision probe = e.submit(job("aws-cpu", 1));
    EXPECT_EQ(probe.verdict, Verdict::kAccept) << probe.message << " / " << probe.log;
    const SubmitDecision next = e.submit(job("aws-cpu", 1));
    EXPECT_EQ(next.verdict, Verdict::kAccept) << next.message << " / " << next.log;
    EXPECT_EQ(count("hold"), 2);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// Every hold the plugin's sessions place loses a deadlock (a certification
// conflict on multi-writer Galera) while `conflicting` is set.
submit::EngineSeams conflicting_while(const std::atomic<bool>& conflicting) {
    submit::EngineSeams seams = submit::EngineSeams::real();
    seams.open_session = [&conflicting](const db::ConnectParams& params,
                                        submit::EngineSeams::Clock::time_point deadline) {
        auto real = std::make_unique<db::MariaSession>(params, deadline);
        return std::make_unique<FaultySession>(
            std::move(real), [&conflicting](std::string_view sql, int) -> unsigned {
                return conflicting && sql.starts_with("CALL asbb_place_hold") ? 1213 : 0;
            });
    };
    return seams;
}

// Deadlocks are retried (up to kDeadlockRetries, with pauses) only while the
// deadline leaves room: then the job is told "busy" within the deadline, and
// the breaker stays closed, since the server answered every time.
TEST_F(HoldPathTest, ConflictsThatOutlastTheDeadlineAreBusyWithinItNotAnOutage) {
    std::atomic<bool> conflicting{true};
    SubmitEngine& e =
        engine("PluginDeadline=150\nFailPolicy=closed\n", conflicting_while(conflicting));
    const auto started = std::chrono::steady_clock::now();
    const SubmitDecision busy = e.submit(job("aws-cpu", 1));
    const auto waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count();
    EXPECT_EQ(busy.verdict, Verdict::kReject);
    EXPECT_TRUE(contains(busy.message, "busy")) << busy.message;
    EXPECT_FALSE(contains(busy.message, "unavailable")) << busy.message;
    EXPECT_LT(waited_ms, 150 + 50) << busy.log;  // the deadline, and scheduling slack
    conflicting = false;
    const SubmitDecision after = e.submit(job("aws-cpu", 1));
    EXPECT_EQ(after.verdict, Verdict::kAccept) << after.message << " / " << after.log;
    EXPECT_EQ(count("hold"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// The plugin's sessions lose the reply of the first CALL that placed a hold.
submit::EngineSeams losing_one_reply(bool& lost) {
    submit::EngineSeams seams = submit::EngineSeams::real();
    seams.open_session = [&lost](const db::ConnectParams& params,
                                 submit::EngineSeams::Clock::time_point deadline) {
        auto real = std::make_unique<db::MariaSession>(params, deadline);
        return std::make_unique<FaultySession>(
            std::move(real), [](std::string_view, int) -> unsigned { return 0; },
            [&lost](std::string_view sql, int) -> unsigned {
                if (lost || !sql.starts_with("CALL asbb_place_hold")) return 0;
                lost = true;
                return kLostConnection;
            });
    };
    return seams;
}

class LostReplyTest : public HoldPathTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(LostReplyTest, ALostReplyAfterCommitHoldsOnce) {
    bool lost = false;
    SubmitEngine& e = engine(std::string("PluginDeadline=5000\nFailPolicy=") + GetParam() +
                                 "\nSpoolDir=" + dir_ + "/spool\n",
                             losing_one_reply(lost));
    const SubmitDecision d = e.submit(job("aws-cpu", 1));
    EXPECT_TRUE(lost);
    // Retried on a new connection with the same hold id, which it finds.
    EXPECT_EQ(d.verdict, Verdict::kAccept) << d.message << " / " << d.log;
    EXPECT_EQ(count("hold"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'hold'"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold WHERE id = ?", {d.hold_id}), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

INSTANTIATE_TEST_SUITE_P(EachFailPolicy, LostReplyTest, ::testing::Values("open", "closed"));

}  // namespace
}  // namespace asbb::test
