// The FailPolicy=open spool between the plugin and the poller (issue 10,
// defects 5 and 6): the plugin appends under flock(LOCK_EX) and follows the
// file when the poller has taken it; the poller takes the file under the
// same lock. Acceptance: with both running, thousands of lines are each
// placed exactly once; a line that cannot be sized is logged with its
// reason, kept in .rejected and holds nothing (no hold of zero).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "db/check.hpp"
#include "db/rates.hpp"
#include "integration/support/test_db.hpp"
#include "reconcile.hpp"
#include "spool_replay.hpp"
#include "submit/spool.hpp"

namespace asbb::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int64_t kDollar = 1'000'000;
constexpr int64_t kHoldOfOneNodeHour = 4'320'000;  // 1 node x 1 h x $3.60 x 1.2

std::string read_all(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

submit::UnsecuredHold spooled(const HoldId& id, int64_t nodes = 1, int64_t seconds = 3600,
                              const std::string& partition = "aws-cpu") {
    submit::UnsecuredHold hold;
    hold.hold_id = id.hex();
    hold.cluster = "lab";
    hold.account = "proj001";
    hold.partition = partition;
    hold.user_name = "alice";
    hold.uid = 1001;
    hold.shape = JobShape{nodes, seconds, 1};
    // The job as the plugin saw it: what replay sizes (seconds 0: no --time).
    hold.submit.min_nodes = nodes;
    if (seconds > 0) hold.submit.time_limit_min = (seconds + 59) / 60;
    hold.partitions = partition;
    hold.submitted_at = 1'700'000'000;
    hold.reason = "database unavailable";
    return hold;
}

class Spool : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        spool_dir_ = dir_ + "/spool";
        fs::create_directories(spool_dir_);
        live_ = submit::spool_file(spool_dir_);
    }

    // $3.60 per node-hour on aws-cpu, no default time limit.
    void set_rate() {
        db::set_rate(session(), {"", "aws-cpu", "c5", Money{3'600'000}, std::nullopt, 0, 4}, "t",
                     now_s_);
    }

    poller::PassOptions options() const {
        poller::PassOptions options;
        options.cluster = "lab";
        options.slurm = slurm();
        options.spool_dir = spool_dir_;
        return options;
    }

    // One replay pass; a distinct now_s per pass, as passes a second apart have.
    poller::ReplayReport replay(poller::PassReport& report) {
        return poller::replay_unsecured_holds(session(), options(), spool_dir_, 1'200'000,
                                              now_s_ + passes_++, report);
    }

    void append(const submit::UnsecuredHold& hold) {
        auto written = submit::append_unsecured_hold(spool_dir_, hold);
        ASSERT_TRUE(written.ok()) << written.error();
    }

    // Hold ids whose 'hold' journal rows are not exactly one (one budgeted level).
    int64_t holds_not_journalled_once() {
        return scalar(
            "SELECT COUNT(*) FROM (SELECT hold_id FROM journal WHERE kind = 'hold'"
            " GROUP BY hold_id HAVING COUNT(*) <> 1) AS t");
    }

    std::string spool_dir_;
    std::string live_;
    int64_t passes_ = 0;
};

TEST_F(Spool, ThousandsOfLinesAppendedDuringReplayAreEachPlacedExactlyOnce) {
    constexpr int kAppenders = 4;
    constexpr int kLinesEach = 750;
    make_budget("proj001", 100'000 * kDollar);
    set_rate();

    std::atomic<int> appenders_running{kAppenders};
    std::atomic<int> append_failures{0};
    std::vector<std::thread> appenders;
    for (int t = 0; t < kAppenders; ++t) {
        appenders.emplace_back([&, t] {
            for (int i = 0; i < kLinesEach; ++i) {
                const HoldId id = make_hold_id(1'700'000'000'000, static_cast<uint16_t>(t + 1),
                                               static_cast<uint64_t>(i + 1));
                if (!submit::append_unsecured_hold(spool_dir_, spooled(id)).ok()) ++append_failures;
            }
            --appenders_running;
        });
    }
    poller::PassReport report;
    int64_t placed = 0;
    int64_t passes_while_appending = 0;
    while (appenders_running > 0) {
        placed += replay(report).placed;
        ++passes_while_appending;
    }
    for (auto& appender : appenders) appender.join();
    placed += replay(report).placed;  // what the last appends left

    EXPECT_EQ(append_failures, 0);
    EXPECT_GT(passes_while_appending, 1);
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
    EXPECT_EQ(placed, kAppenders * kLinesEach);
    EXPECT_EQ(count("hold"), kAppenders * kLinesEach);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT hold_id) FROM journal WHERE kind = 'hold'"),
              kAppenders * kLinesEach);
    EXPECT_EQ(holds_not_journalled_once(), 0);
    std::set<std::string> ids;
    for (const auto& row : session().query("SELECT id FROM hold")) ids.insert(row.str(0));
    for (int t = 0; t < kAppenders; ++t) {
        for (int i = 0; i < kLinesEach; ++i) {
            const HoldId id = make_hold_id(1'700'000'000'000, static_cast<uint16_t>(t + 1),
                                           static_cast<uint64_t>(i + 1));
            EXPECT_EQ(ids.count(id.hex()), 1U) << "line lost: " << id.hex();
        }
    }
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE account = 'proj001'"),
              kAppenders * kLinesEach * kHoldOfOneNodeHour);
    EXPECT_FALSE(fs::exists(live_ + ".processing"));
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Spool, ALineThatCannotBeSizedIsLoggedKeptInRejectedAndHoldsNothing) {
    make_budget("proj001", 100 * kDollar);
    set_rate();  // aws-cpu only, and without a default time limit
    const HoldId good = make_hold_id(1'700'000'000'000, 1, 1);
    const HoldId no_rate = make_hold_id(1'700'000'000'000, 1, 2);
    const HoldId no_time = make_hold_id(1'700'000'000'000, 1, 3);
    const HoldId too_big = make_hold_id(1'700'000'000'000, 1, 4);
    append(spooled(good));
    append(spooled(no_rate, 1, 3600, "aws-gpu"));
    append(spooled(no_time, 1, 0));
    append(spooled(too_big, 1'000'000'000'000, 1'000'000'000));  // overflows int64
    std::ofstream(live_, std::ios::app) << "{\"hold_id\": \"truncated\n";
    const std::string spooled_text = read_all(live_);

    poller::PassReport report;
    auto first = replay(report);
    EXPECT_EQ(first.placed, 1);
    EXPECT_EQ(first.rejected, 4);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold WHERE amount_micro = 0"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold WHERE id = ?", {good.hex()}), 1);
    // One log line each, naming the hold and why.
    auto logged = [&](const std::string& a, const std::string& b) {
        for (const auto& problem : report.problems) {
            if (problem.find(a) != std::string::npos && problem.find(b) != std::string::npos)
                return true;
        }
        return false;
    };
    ASSERT_EQ(report.problems.size(), 4U);
    EXPECT_TRUE(logged(no_rate.hex(), "partition 'aws-gpu' has no rate"));
    EXPECT_TRUE(logged(no_time.hex(), "need a time limit"));
    EXPECT_TRUE(logged(too_big.hex(), "cannot size hold"));
    EXPECT_TRUE(logged("line 5", "unreadable"));
    EXPECT_TRUE(logged(".rejected", "kept in"));
    // The rejected lines as they were, for an admin; the good one is not there.
    const std::string rejected = read_all(live_ + ".rejected");
    EXPECT_EQ(rejected, spooled_text.substr(spooled_text.find('\n') + 1));

    poller::PassReport again;  // not retried
    EXPECT_EQ(replay(again).rejected, 0);
    EXPECT_TRUE(again.problems.empty());
    EXPECT_EQ(read_all(live_ + ".rejected"), rejected);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Spool, TheLogOfAPassCountsRejectedLines) {
    make_budget("proj001", 100 * kDollar);
    set_rate();
    append(spooled(make_hold_id(1'700'000'000'000, 2, 1), 1, 0));
    auto report = poller::reconcile_pass(session(), options(), std::nullopt, now_s_);
    EXPECT_EQ(report.unsecured_placed, 0);
    EXPECT_EQ(report.unsecured_rejected, 1);
    EXPECT_NE(poller::describe(report, 1).find("rejected 1"), std::string::npos);
}

TEST_F(Spool, AFileLeftByAPassThatDiedIsReplayedFirstAndPlacesNothingTwice) {
    make_budget("proj001", 100 * kDollar);
    set_rate();
    const HoldId placed = make_hold_id(1'700'000'000'000, 3, 1);
    const HoldId not_yet = make_hold_id(1'700'000'000'000, 3, 2);
    const HoldId since = make_hold_id(1'700'000'000'000, 3, 3);
    append(spooled(placed));
    poller::PassReport report;
    EXPECT_EQ(replay(report).placed, 1);
    // A pass took a file and died after placing its first line; the plugin
    // has appended another line since.
    append(spooled(placed));
    append(spooled(not_yet));
    fs::rename(live_, live_ + ".processing");
    append(spooled(since));

    EXPECT_EQ(replay(report).placed, 2);
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
    EXPECT_FALSE(fs::exists(live_ + ".processing"));
    EXPECT_FALSE(fs::exists(live_));
    EXPECT_EQ(count("hold"), 3);
    EXPECT_EQ(holds_not_journalled_once(), 0);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget"), 3 * kHoldOfOneNodeHour);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// The poller's side of the lock: a pass waits for an append in progress
// instead of taking the file with half a line in it.
TEST_F(Spool, APassWaitsForAnAppendInProgress) {
    make_budget("proj001", 100 * kDollar);
    set_rate();
    const HoldId id = make_hold_id(1'700'000'000'000, 4, 1);
    // The line as the plugin writes it (appended elsewhere), then an
    // appender in the middle of writing it, holding the lock as the plugin does.
    ASSERT_TRUE(submit::append_unsecured_hold(dir_, spooled(id)).ok());
    const std::string line = read_all(submit::spool_file(dir_));
    int fd = ::open(live_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);
    const size_t half = line.size() / 2;
    ASSERT_EQ(::write(fd, line.data(), half), static_cast<ssize_t>(half));

    poller::PassReport report;
    poller::ReplayReport result;
    std::thread pass([&] { result = replay(report); });
    std::this_thread::sleep_for(200ms);
    ASSERT_EQ(::write(fd, line.data() + half, line.size() - half),
              static_cast<ssize_t>(line.size() - half));
    ::close(fd);
    pass.join();
    EXPECT_EQ(result.placed, 1);
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold WHERE id = ?", {id.hex()}), 1);
}

// The plugin's side: an append waits while the poller holds the lock, and
// when the poller has taken the file meanwhile, writes to a fresh one.
TEST(SpoolProtocol, AnAppendWaitsForTheLockAndFollowsTheFileWhenItIsTaken) {
    char dir_template[] = "/tmp/asbb-spool-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;
    const std::string live = submit::spool_file(dir);
    std::ofstream(live) << "{}\n";
    int fd = ::open(live.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);

    const HoldId id = make_hold_id(1'700'000'000'000, 5, 1);
    Expected<bool> written = make_error("not run");
    std::thread appender([&] { written = submit::append_unsecured_hold(dir, spooled(id), 5000); });
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(read_all(live), "{}\n");  // nothing written under the poller's lock
    fs::rename(live, live + ".processing");
    ::close(fd);
    appender.join();

    ASSERT_TRUE(written.ok()) << written.error();
    EXPECT_EQ(read_all(live + ".processing"), "{}\n");            // nothing after it was taken
    EXPECT_NE(read_all(live).find(id.hex()), std::string::npos);  // in the fresh file
    fs::remove_all(dir);
}

// Inside slurmctld the append never waits without a bound.
TEST(SpoolProtocol, AnAppendGivesUpAtItsDeadlineWhileTheFileStaysLocked) {
    char dir_template[] = "/tmp/asbb-spool-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;
    const std::string live = submit::spool_file(dir);
    int fd = ::open(live.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);

    const auto start = std::chrono::steady_clock::now();
    auto written =
        submit::append_unsecured_hold(dir, spooled(make_hold_id(1'700'000'000'000, 6, 1)), 50);
    const auto waited = std::chrono::steady_clock::now() - start;
    ::close(fd);
    ASSERT_FALSE(written.ok());
    EXPECT_NE(written.error().find("cannot lock " + live), std::string::npos) << written.error();
    EXPECT_GE(waited, 50ms);
    EXPECT_LT(waited, 2s);
    EXPECT_EQ(read_all(live), "");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace asbb::test
