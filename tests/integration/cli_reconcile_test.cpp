// asbb reconcile JOBID and asbb recover [--dry-run] through the CLI, on a
// real MariaDB with job rows shaped as slurmdbd 22.05 writes them. slurmctld's
// job list is handed in through the CLI's live-jobs hook (the e2e tests use
// the real one); a failing hook stands for an unreachable slurmctld.
#include <sys/stat.h>

#include <fstream>

#include "cli/live_jobs_source.hpp"
#include "db/check.hpp"
#include "integration/support/test_db.hpp"
#include "reconcile.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;
constexpr uint32_t kComplete = 3;

class CliReconcile : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        config_ = "--config=" + write_config();
        live({});
        make_budget("physics", 1000 * kDollar);
        make_budget("proj001", 100 * kDollar);
    }
    void TearDown() override {
        cli::set_live_jobs_source(nullptr);
        LedgerTest::TearDown();
    }

    // slurmctld's answer from now on.
    static void live(std::vector<poller::LiveJob> jobs) {
        cli::set_live_jobs_source([jobs] { return Expected<std::vector<poller::LiveJob>>(jobs); });
    }
    static void slurmctld_down() {
        cli::set_live_jobs_source([] {
            return Expected<std::vector<poller::LiveJob>>(
                make_error(std::string("cannot list jobs from slurmctld: Connection refused")));
        });
    }

    CliResult asbb(std::vector<std::string> args) {
        args.insert(args.begin(), config_);
        return run_cli(args);
    }

    // A hold on proj001 at $3.60 per node-hour ($0.001 per node-second),
    // placed age_s ago.
    db::HoldRequest placed(int64_t nodes, int64_t seconds, int64_t age_s = 0) {
        auto request = hold_request("proj001", 0);
        request.node_hour_price = Money{3'600'000};
        request.hold_factor_ppm = 1'200'000;
        request.shape = JobShape{nodes, seconds, 1};
        request.size = *size_hold(request.shape, request.node_hour_price, request.hold_factor_ppm);
        request.now_s = now_s_ - age_s;
        EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        return request;
    }

    void insert_run(int64_t job_id, int64_t start, int64_t end, int64_t nodes,
                    const db::HoldRequest& hold) {
        session().exec("INSERT INTO `" + slurm_db_ +
                           "`.lab_job_table (admin_comment, id_assoc, id_job, state, time_submit,"
                           " time_start, time_end, nodes_alloc, `partition`)"
                           " VALUES (?, 3, ?, ?, ?, ?, ?, ?, 'aws-cpu')",
                       {"asbb:hold=" + hold.id.hex(), job_id, int64_t{kComplete}, start - 10, start,
                        end, nodes});
    }

    // Everything the ledger holds, as one comparable text.
    std::string ledger_state() {
        std::string state;
        for (const char* sql :
             {"SELECT COUNT(*), COALESCE(SUM(allocated_micro + 3 * held_micro + 7 * spent_micro),"
              " 0) FROM budget",
              "SELECT COUNT(*), COALESCE(SUM(amount_micro + 3 * held_delta_micro), 0) FROM journal",
              "SELECT COUNT(*), COALESCE(SUM(held_micro + 5 * charged_micro + LENGTH(state)), 0)"
              " FROM hold"}) {
            auto rows = session().query(sql);
            state += rows[0].str(0) + "/" + rows[0].str(1) + " ";
        }
        return state;
    }

    std::string state_of(const db::HoldRequest& r) {
        return session().query("SELECT state FROM hold WHERE id = ?", {r.id.hex()}).at(0).str(0);
    }

    std::string config_;
};

TEST_F(CliReconcile, ReconcileChargesTheJobOnceAndASecondCallChangesNothing) {
    auto hold = placed(2, 3600);  // holds $8.64
    insert_run(41, 1000, 1600, 2, hold);
    auto first = asbb({"reconcile", "41", "-P"});
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out,
              "JobID|HoldID|Runs|Charged|Amount|Released|HoldState|Held|TotalCharged\n"
              "41|" +
                  hold.id.hex() + "|1|1|1.20|7.44|charged|0.00|1.20\n");
    EXPECT_EQ(scalar("SELECT spent_micro FROM budget WHERE account = 'proj001'"), 1'200'000);
    EXPECT_EQ(state_of(hold), "charged");
    EXPECT_TRUE(db::check_ledger(session()).empty());

    const std::string before = ledger_state();
    auto second = asbb({"reconcile", "41", "-P", "-n"});
    ASSERT_EQ(second.status, 0) << second.err;
    EXPECT_EQ(second.out, "41|" + hold.id.hex() + "|1|0|0.00|0.00|charged|0.00|1.20\n");
    EXPECT_EQ(ledger_state(), before);
    // The other forms of the listing, whole (nothing left to do: all zero).
    const std::string id = hold.id.hex();
    EXPECT_EQ(asbb({"reconcile", "41"}).out,
              "JobID HoldID                           Runs Charged Amount Released HoldState Held "
              "TotalCharged \n"
              "----- -------------------------------- ---- ------- ------ -------- --------- ---- "
              "------------ \n"
              "   41 " +
                  id + "    1       0   0.00     0.00 charged   0.00         1.20 \n");
    EXPECT_EQ(asbb({"reconcile", "41", "--json"}).out,
              "[\n  {\n    \"job_id\": 41,\n    \"hold_id\": \"" + id +
                  "\",\n    \"runs\": 1,\n    \"charged\": 0,\n    \"amount\": \"0.00\",\n"
                  "    \"released\": \"0.00\",\n    \"hold_state\": \"charged\",\n"
                  "    \"held\": \"0.00\",\n    \"total_charged\": \"1.20\"\n  }\n]\n");
    EXPECT_EQ(asbb({"reconcile", "41", "format=JobID,Charged%9,HoldState"}).out,
              "JobID   Charged HoldState \n"
              "----- --------- --------- \n"
              "   41         0 charged   \n");
    EXPECT_EQ(ledger_state(), before);

    // The poller's next pass finds nothing left to do either.
    poller::PassOptions options;
    options.cluster = "lab";
    options.slurm = slurm();
    auto pass = poller::reconcile_pass(session(), options, std::vector<poller::LiveJob>{}, now_s_);
    EXPECT_EQ(pass.runs_charged, 0);
    EXPECT_EQ(pass.runs_already_charged, 1);
    EXPECT_EQ(ledger_state(), before);
}

TEST_F(CliReconcile, ARunningJobIsLinkedAndItsHoldKeptOpen) {
    auto hold = placed(1, 3600);
    live({{77, 1, hold.id.hex()}});  // RUNNING
    auto result = asbb({"reconcile", "77", "--json"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("\"hold_state\": \"linked\""), std::string::npos) << result.out;
    EXPECT_EQ(scalar("SELECT job_id FROM hold WHERE id = ?", {hold.id.hex()}), 77);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 0);
}

TEST_F(CliReconcile, WithoutSlurmctldTheRunIsChargedButTheHoldStaysOpen) {
    auto hold = placed(1, 3600);
    insert_run(42, 1000, 1100, 1, hold);
    slurmctld_down();
    auto result = asbb({"reconcile", "42", "-P", "-n"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.err.find("warning: cannot list jobs from slurmctld"), std::string::npos);
    EXPECT_EQ(state_of(hold), "pending");  // nothing says the job has ended
    EXPECT_EQ(scalar("SELECT spent_micro FROM budget WHERE account = 'proj001'"), 100'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(CliReconcile, AnUnknownJobIsAOneLineErrorAndChangesNothing) {
    placed(1, 3600);
    const std::string before = ledger_state();
    auto result = asbb({"reconcile", "999"});
    EXPECT_EQ(result.status, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err,
              "asbb: error: job 999 is unknown on cluster lab (not in slurmdbd, slurmctld or the "
              "ledger)\n");
    EXPECT_EQ(ledger_state(), before);
    for (const char* bad : {"abc", "0", "-5", "12x", "4294967294"}) {
        auto refused = asbb({"reconcile", bad});
        // A malformed job id is a usage error; "-5" too is judged as a job id.
        EXPECT_EQ(refused.status, 2) << bad << ": " << refused.err;
        EXPECT_NE(refused.err.find("is not a SLURM job id"), std::string::npos) << refused.err;
        EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    }
    EXPECT_EQ(asbb({"reconcile"}).status, 2);
    EXPECT_EQ(asbb({"reconcile", "1", "2"}).status, 2);
    EXPECT_EQ(ledger_state(), before);
}

TEST_F(CliReconcile, HelpExitsZero) {
    for (const char* verb : {"reconcile", "recover"}) {
        auto result = asbb({verb, "--help"});
        EXPECT_EQ(result.status, 0) << verb;
        EXPECT_NE(result.out.find("asbb " + std::string(verb)), std::string::npos) << result.out;
    }
}

TEST_F(CliReconcile, RecoverDryRunListsTheOrphansAndChangesNothingThenRecoverExpiresThem) {
    auto orphan = placed(1, 3600, 3600);       // an hour old, no job: an orphan
    auto young = placed(1, 3600, 60);          // younger than OrphanHoldTTL (10 min)
    auto pending_job = placed(1, 3600, 3600);  // its job is pending in slurmctld
    live({{88, 0, pending_job.id.hex()}});
    const std::string before = ledger_state();

    auto dry = asbb({"recover", "--dry-run", "-P", "format=HoldID,Account,Held,Action"});
    ASSERT_EQ(dry.status, 0) << dry.err;
    EXPECT_EQ(dry.out,
              "HoldID|Account|Held|Action\n" + orphan.id.hex() + "|proj001|4.32|would expire\n");
    EXPECT_EQ(ledger_state(), before);

    auto done = asbb({"recover", "-p", "-n", "format=HoldID,Action"});
    ASSERT_EQ(done.status, 0) << done.err;
    EXPECT_EQ(done.out, orphan.id.hex() + "|expired|\n");
    EXPECT_EQ(state_of(orphan), "expired");
    EXPECT_EQ(state_of(young), "pending");
    EXPECT_EQ(state_of(pending_job), "pending");
    EXPECT_TRUE(db::check_ledger(session()).empty());

    const std::string after = ledger_state();
    auto again = asbb({"recover", "--json"});
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_EQ(again.out, "[]\n");
    EXPECT_EQ(ledger_state(), after);
}

TEST_F(CliReconcile, RecoverExpiresNothingWhileSlurmctldIsUnreachable) {
    auto orphan = placed(1, 3600, 3600);
    slurmctld_down();
    const std::string before = ledger_state();
    for (bool dry : {true, false}) {
        auto result = dry ? asbb({"recover", "--dry-run"}) : asbb({"recover"});
        EXPECT_EQ(result.status, 3);
        EXPECT_EQ(result.out, "");
        EXPECT_EQ(result.err,
                  "asbb: error: cannot list jobs from slurmctld: Connection refused; no hold was "
                  "expired\n");
    }
    EXPECT_EQ(state_of(orphan), "pending");
    EXPECT_EQ(ledger_state(), before);
}

TEST_F(CliReconcile, RecoverExpiresNothingWhileTheDatabaseIsUnreachable) {
    auto orphan = placed(1, 3600, 3600);
    const std::string path = dir_ + "/down.conf";
    {
        std::ofstream file(path);
        file << "DbHost=127.0.0.1\nDbPort=1\nDbUser=root\nDbPass=\nDbName=" << db_
             << "\nSlurmDbName=" << slurm_db_ << "\nClusterName=lab\nSlurmUser=root\n";
    }
    chmod(path.c_str(), 0600);
    auto result = run_cli({"--config=" + path, "recover"});
    EXPECT_EQ(result.status, 3) << result.err;
    EXPECT_EQ(result.err.rfind("asbb: error: ", 0), 0u);
    EXPECT_EQ(state_of(orphan), "pending");
}

}  // namespace
}  // namespace asbb::test
