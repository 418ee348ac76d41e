// The plugin's decisions (SubmitEngine, what job_submit/budget calls) against
// the real server: a misconfigured database is reported as such and does not
// open the circuit breaker; calls share a bounded pool of sessions, overlap
// when there are several, and are refused as busy (not as an outage) when
// every session stays taken; a refused job change carries a user message.
//
// Timing: nothing here asserts how fast anything was. Where two calls race,
// the test first waits until the server shows the first one blocked on a
// lock the test holds, then asserts the order of what happened.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include <sys/stat.h>

#include "db/check.hpp"
#include "db/migrate.hpp"
#include "db/rates.hpp"
#include "integration/support/test_db.hpp"
#include "submit/engine.hpp"
#include "util/local_time.hpp"

namespace asbb::test {
namespace {

using submit::SubmitDecision;
using submit::SubmitEngine;
using Verdict = SubmitDecision::Verdict;
using std::chrono::milliseconds;

constexpr int64_t kDollar = 1'000'000;

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

class SubmitEngineTest : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        db::Rate rate;
        rate.partition = "aws-cpu";
        rate.instance_type = "c5.large";
        rate.node_hour_price = Money{kDollar};
        db::set_rate(session(), rate, "test", now_s_);
        make_budget("proj001", 10 * kDollar);
        make_budget("chem", 10 * kDollar);
    }

    void TearDown() override {
        engine_.reset();
        if (!user_.empty()) {
            try {
                session().run("DROP USER IF EXISTS '" + user_ + "'@'localhost'");
            } catch (...) {
                // the next run uses a new name
            }
        }
        LedgerTest::TearDown();
    }

    // An engine on this test's databases. BreakerSeconds is an hour, so an
    // opened breaker would show in every later call of the test.
    SubmitEngine& engine(const std::string& extra = "", const std::string& user = "root",
                         const std::string& pass = "",
                         const std::string& socket = std::getenv("ASBB_TEST_DB_SOCKET")) {
        const std::string path = dir_ + "/plugin.conf";
        std::ofstream file(path);
        file << "DbSocket=" << socket << "\nDbUser=" << user << "\nDbPass=" << pass
             << "\nDbName=" << db_ << "\nSlurmDbName=" << slurm_db_
             << "\nClusterName=lab\nSlurmUser=root\nBudgetedPartitions=aws-cpu\n"
             << "BreakerSeconds=3600\n"
             << extra;
        file.close();
        chmod(path.c_str(), 0600);
        engine_ = std::make_unique<SubmitEngine>(path, dir_);
        return *engine_;
    }

    // One node for an hour at $1: a $1.20 hold.
    static submit::SubmitInput job(const std::string& account) {
        submit::SubmitInput in;
        in.account = account;
        in.partition = "aws-cpu";
        in.user_name = "alice";
        in.uid = 1001;
        in.shape.min_nodes = 1;
        in.shape.time_limit_min = 60;
        return in;
    }

    // A user with every right on asbb's database and none on SLURM's.
    void make_user(const std::string& password) {
        user_ = "it_" + db_.substr(db_.size() - 8);
        session().run("CREATE USER '" + user_ + "'@'localhost' IDENTIFIED BY '" + password + "'");
        session().run("GRANT ALL ON `" + db_ + "`.* TO '" + user_ + "'@'localhost'");
    }

    // Polls until the SQL's count is positive, for up to 10 s.
    bool eventually(const std::string& sql, const db::Params& params = {}) {
        for (int i = 0; i < 1000; ++i) {
            if (scalar(sql, params) > 0) return true;
            std::this_thread::sleep_for(milliseconds(10));
        }
        return false;
    }

    static void expect_misconfigured(const SubmitDecision& d, const std::string& log_needle) {
        EXPECT_EQ(d.verdict, Verdict::kReject) << d.log;
        EXPECT_EQ(d.message,
                  "asbb: the budget plugin is misconfigured for jobs on aws-cpu (see slurmctld's "
                  "log); ask your admin");
        EXPECT_FALSE(contains(d.message, "try again")) << d.message;
        EXPECT_TRUE(contains(d.log, "misconfigured")) << d.log;
        EXPECT_TRUE(contains(d.log, log_needle)) << d.log;
    }

    std::unique_ptr<SubmitEngine> engine_;
    std::string user_;
};

TEST_F(SubmitEngineTest, PlacesAHold) {
    auto d = engine().submit(job("proj001"));
    ASSERT_EQ(d.verdict, Verdict::kAccept) << d.message << " / " << d.log;
    EXPECT_EQ(scalar("SELECT held_micro FROM hold WHERE id = ?", {d.hold_id}), 1'200'000);
}

TEST_F(SubmitEngineTest, MissingColumnIsAMisconfigurationAndRecoversOnceFixed) {
    SubmitEngine& e = engine();
    session().run("ALTER TABLE rate DROP CONSTRAINT rate_gpus_per_node");
    session().run("ALTER TABLE rate DROP COLUMN gpus_per_node");
    expect_misconfigured(e.submit(job("proj001")), "Unknown column 'gpus_per_node'");
    // No breaker: the next submission tries again, and gets the same answer.
    expect_misconfigured(e.submit(job("proj001")), "Unknown column");
    session().run("ALTER TABLE rate ADD COLUMN gpus_per_node INT NULL");
    auto fixed = e.submit(job("proj001"));
    EXPECT_EQ(fixed.verdict, Verdict::kAccept) << fixed.message << " / " << fixed.log;
}

TEST_F(SubmitEngineTest, DatabaseBehindThePluginsMigrationsIsAMisconfiguration) {
    // As if the latest migration had not run (it can run again safely).
    const int latest = db::bundled_schema_version();
    session().exec("DELETE FROM schema_version WHERE version = ?", {int64_t{latest}});
    SubmitEngine& e = engine("FailPolicy=open\n");  // a misconfiguration ignores it
    const std::string want = "database " + db_ + " is at asbb migration " +
                             std::to_string(latest - 1) + ", this plugin needs " +
                             std::to_string(latest) + ": run asbb database migrate";
    expect_misconfigured(e.submit(job("proj001")), want);

    db::ConnectParams admin = server_params();
    admin.multi_statements = true;
    db::MariaSession migrator(admin);
    EXPECT_EQ(db::migrate(migrator, db_).applied.size(), 1u);
    auto migrated = e.submit(job("proj001"));
    EXPECT_EQ(migrated.verdict, Verdict::kAccept) << migrated.message << " / " << migrated.log;
}

TEST_F(SubmitEngineTest, MissingGrantIsAMisconfigurationAndRecoversOnceGranted) {
    make_user("pw");
    SubmitEngine& e = engine("", user_, "pw");
    expect_misconfigured(e.submit(job("proj001")), "denied");
    session().run("GRANT SELECT ON `" + slurm_db_ + "`.* TO '" + user_ + "'@'localhost'");
    auto granted = e.submit(job("proj001"));
    EXPECT_EQ(granted.verdict, Verdict::kAccept) << granted.message << " / " << granted.log;
}

TEST_F(SubmitEngineTest, RefusedLoginIsAMisconfigurationNotAnOutage) {
    make_user("right");
    session().run("GRANT SELECT ON `" + slurm_db_ + "`.* TO '" + user_ + "'@'localhost'");
    SubmitEngine& e = engine("", user_, "wrong");
    expect_misconfigured(e.submit(job("proj001")), "Access denied");
    session().run("ALTER USER '" + user_ + "'@'localhost' IDENTIFIED BY 'wrong'");
    auto fixed = e.submit(job("proj001"));
    EXPECT_EQ(fixed.verdict, Verdict::kAccept) << fixed.message << " / " << fixed.log;
}

TEST_F(SubmitEngineTest, AnOutageStillOpensTheBreaker) {
    SubmitEngine& e = engine("", "root", "", dir_ + "/no-such.sock");
    auto first = e.submit(job("proj001"));
    EXPECT_EQ(first.verdict, Verdict::kReject);
    EXPECT_TRUE(contains(first.message, "the budget service is unavailable")) << first.message;
    EXPECT_TRUE(contains(first.message, "try again in a few minutes")) << first.message;
    auto second = e.submit(job("proj001"));
    EXPECT_TRUE(contains(second.message, "unavailable")) << second.message;
    EXPECT_TRUE(contains(second.log, "circuit breaker open")) << second.log;
}

// PluginSessions=1: while the one session is stuck (its call waits for a
// table lock the test holds), a second call waits at most half its deadline
// for it and is refused as busy, which opens no breaker.
TEST_F(SubmitEngineTest, OneSessionSecondCallerIsBusyNotAnOutage) {
    SubmitEngine& e = engine("PluginSessions=1\nPluginDeadline=5000\n");
    auto locker = connect();
    locker->run("LOCK TABLES rate WRITE");
    auto stuck = std::async(std::launch::async, [&] { return e.submit(job("proj001")); });
    ASSERT_TRUE(
        eventually("SELECT COUNT(*) FROM information_schema.processlist WHERE db = ? AND"
                   " state = 'Waiting for table metadata lock'",
                   {db_}));

    auto busy = e.submit(job("chem"));
    EXPECT_EQ(stuck.wait_for(milliseconds(0)), std::future_status::timeout)
        << "the first call finished before the second was refused";
    EXPECT_EQ(busy.verdict, Verdict::kReject);
    EXPECT_TRUE(contains(busy.message, "busy")) << busy.message;
    EXPECT_FALSE(contains(busy.message, "unavailable")) << busy.message;
    EXPECT_TRUE(contains(busy.log, "PluginSessions")) << busy.log;
    EXPECT_TRUE(contains(busy.log, "not an outage")) << busy.log;

    locker->run("UNLOCK TABLES");
    auto first = stuck.get();
    EXPECT_EQ(first.verdict, Verdict::kAccept) << first.message << " / " << first.log;
    auto after = e.submit(job("chem"));  // the breaker stayed closed
    EXPECT_EQ(after.verdict, Verdict::kAccept) << after.message << " / " << after.log;
}

// PluginSessions=4: a call on another account goes through, all its round
// trips done, while the first call's transaction waits on a row lock.
TEST_F(SubmitEngineTest, FourSessionsCallsOverlap) {
    SubmitEngine& e = engine("PluginSessions=4\nPluginDeadline=5000\n");
    ASSERT_EQ(e.submit(job("chem")).verdict, Verdict::kAccept);  // both sessions warm up alike
    auto locker = connect();
    locker->run("START TRANSACTION");
    locker->query("SELECT id FROM budget WHERE account = 'proj001' FOR UPDATE");
    auto stuck = std::async(std::launch::async, [&] { return e.submit(job("proj001")); });
    // (information_schema.innodb_trx does not list the waiting transaction
    // on MariaDB 10.11; the process list shows its statement.)
    ASSERT_TRUE(
        eventually("SELECT COUNT(*) FROM information_schema.processlist WHERE db = ? AND"
                   " info LIKE 'UPDATE budget SET held_micro%'",
                   {db_}));

    auto through = e.submit(job("chem"));
    EXPECT_EQ(stuck.wait_for(milliseconds(0)), std::future_status::timeout)
        << "the first call finished before the second one";
    EXPECT_EQ(through.verdict, Verdict::kAccept) << through.message << " / " << through.log;

    locker->run("ROLLBACK");
    auto first = stuck.get();
    EXPECT_EQ(first.verdict, Verdict::kAccept) << first.message << " / " << first.log;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold"), 3);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(SubmitEngineTest, ConcurrentCallsEachPlaceOneHold) {
    make_budget("proj002", 10 * kDollar);
    SubmitEngine& e = engine("PluginSessions=3\nPluginDeadline=5000\n");
    const char* accounts[] = {"proj001", "proj002", "chem"};
    std::vector<std::future<SubmitDecision>> calls;
    for (int i = 0; i < 12; ++i) {
        calls.push_back(
            std::async(std::launch::async, [&, i] { return e.submit(job(accounts[i % 3])); }));
    }
    int accepted = 0;
    for (auto& call : calls) {
        auto d = call.get();
        if (d.verdict == Verdict::kAccept) ++accepted;
        // Refused only as busy on a slow machine, never as an outage.
        if (d.verdict != Verdict::kAccept) {
            EXPECT_TRUE(contains(d.message, "busy")) << d.message;
        }
    }
    EXPECT_GT(accepted, 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold"), accepted);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), accepted * 1'200'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

class ModifyTest : public SubmitEngineTest {
  protected:
    // A $1.20 hold for proj001, linked to job 501.
    void SetUp() override {
        SubmitEngineTest::SetUp();
        auto d = engine().submit(job("proj001"));
        ASSERT_EQ(d.verdict, Verdict::kAccept) << d.log;
        ASSERT_TRUE(db::link_hold(session(), d.hold_id, "lab", 501, now_s_));
    }

    static submit::ModifyInput change() {
        submit::ModifyInput in;
        in.job_id = 501;
        return in;
    }
};

TEST_F(ModifyTest, RefusedGrowthTellsTheUserWhy) {
    auto in = change();
    in.time_limit_min = 24 * 60;  // $28.80 > proj001's $10
    auto d = engine_->modify(in);
    EXPECT_FALSE(d.allow);
    EXPECT_EQ(d.message,
              "asbb: job needs $28.80 (est. $24.00 \xc3\x97 1.2) on aws-cpu but account proj001 "
              "has $8.80 available (budget " +
                  format_period(now_s_ - 86'400, now_s_ + 30 * 86'400) + ")");
    EXPECT_TRUE(contains(d.log, "job 501: change refused")) << d.log;
    EXPECT_NE(d.message, d.log);
}

TEST_F(ModifyTest, RefusedMovesTellTheUserWhy) {
    auto in = change();
    in.partition = "aws-gpu";
    auto moved = engine_->modify(in);
    EXPECT_FALSE(moved.allow);
    EXPECT_EQ(moved.message,
              "asbb: job 501 is budgeted on aws-cpu: moving it to partition aws-gpu is refused; "
              "cancel and resubmit it");
    in = change();
    in.time_unlimited = true;
    auto unlimited = engine_->modify(in);
    EXPECT_FALSE(unlimited.allow);
    EXPECT_TRUE(contains(unlimited.message, "finite")) << unlimited.message;
}

// Issue 13, defect 3: a change to a job with no linked hold (budgeted but
// not linked yet, or not budgeted) is allowed unchecked, and logged with the
// job id, so that a later overrun can be traced to it.
TEST_F(ModifyTest, AChangeToAJobWithNoLinkedHoldIsLoggedWithTheJobId) {
    submit::ModifyInput in;
    in.job_id = 777;
    in.time_limit_min = 24 * 60;
    auto d = engine_->modify(in);
    EXPECT_TRUE(d.allow);
    EXPECT_TRUE(d.message.empty()) << d.message;
    EXPECT_TRUE(contains(d.log, "job 777: no open hold is linked")) << d.log;
    in.partition = "local";  // going where nothing is budgeted: nothing to say
    EXPECT_TRUE(engine_->modify(in).log.empty());
}

TEST_F(ModifyTest, AllowedChangeHasNoMessage) {
    auto in = change();
    in.time_limit_min = 120;
    auto d = engine_->modify(in);
    EXPECT_TRUE(d.allow) << d.message;
    EXPECT_EQ(d.message, "");
    EXPECT_TRUE(contains(d.log, "resized to 2.4")) << d.log;
}

TEST_F(ModifyTest, MisconfigurationRefusesWithItsOwnMessage) {
    session().run("ALTER TABLE hold RENAME TO hold_gone");
    auto in = change();
    in.time_limit_min = 120;
    auto d = engine_->modify(in);
    EXPECT_FALSE(d.allow);
    EXPECT_EQ(d.message,
              "asbb: the budget plugin is misconfigured (see slurmctld's log); ask your admin");
    EXPECT_TRUE(contains(d.log, "doesn't exist")) << d.log;
    session().run("ALTER TABLE hold_gone RENAME TO hold");
    EXPECT_TRUE(engine_->modify(in).allow);  // no breaker was opened
}

}  // namespace
}  // namespace asbb::test
