// The poller's pass against a real MariaDB: job rows as slurmdbd 22.05 writes
// them (see notes/slurm-lab-findings.md §5-6) are inserted into a job table
// of that shape; the pass charges each run once at its hold's locked price,
// closes the holds of ended jobs, expires orphans, and survives reruns.
#include <filesystem>
#include <fstream>
#include "db/check.hpp"
#include "db/rates.hpp"
#include "integration/support/test_db.hpp"

#include "cost_files.hpp"
#include "reconcile.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;
constexpr uint32_t kPending = 0, kRunning = 1, kComplete = 3, kCancelled = 4, kRequeued = 1024;

class Poller : public LedgerTest {
  protected:
    // A hold on proj001 at $3.60 per node-hour (1 micro-dollar per node-second).
    db::HoldRequest placed(int64_t nodes, int64_t seconds, int64_t tasks = 1) {
        auto request = hold_request("proj001", 0);
        request.node_hour_price = Money{3'600'000};
        request.hold_factor_ppm = 1'200'000;
        request.shape = JobShape{nodes, seconds, tasks};
        request.size = *size_hold(request.shape, request.node_hour_price, request.hold_factor_ppm);
        EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        return request;
    }

    int64_t insert_run(int64_t job_id, uint32_t state, int64_t start, int64_t end, int64_t nodes,
                       const std::string& comment, int64_t array_job = 0) {
        session().exec("INSERT INTO `" + slurm_db_ +
                           "`.lab_job_table (admin_comment, id_assoc, id_job, id_array_job, state,"
                           " time_submit, time_start, time_end, nodes_alloc, `partition`)"
                           " VALUES (?, 3, ?, ?, ?, ?, ?, ?, ?, 'aws-cpu')",
                       {comment.empty() ? db::Param{nullptr} : db::Param{comment}, job_id,
                        array_job, int64_t{state}, next_submit_++, start, end, nodes});
        return static_cast<int64_t>(session().last_insert_id());
    }

    void finish(int64_t inx, uint32_t state, int64_t start, int64_t end,
                const std::string& comment) {
        session().exec("UPDATE `" + slurm_db_ +
                           "`.lab_job_table SET state = ?, time_start = ?, time_end = ?,"
                           " admin_comment = ? WHERE job_db_inx = ?",
                       {int64_t{state}, start, end, comment, inx});
    }

    poller::PassReport pass(
        const std::optional<std::vector<poller::LiveJob>>& live = std::vector<poller::LiveJob>{}) {
        poller::PassOptions options;
        options.cost_dir = cost_dir_;
        options.spool_dir = spool_dir_;
        options.cluster = "lab";
        options.slurm = slurm();
        options.batch_rows = 3;  // several batches even in small tests
        options.orphan_hold_ttl_s = 600;
        options.linked_hold_grace_s = 3600;
        return poller::reconcile_pass(session(), options, live, now_s_);
    }

    static std::string tag(const db::HoldRequest& r) { return "asbb:hold=" + r.id.hex(); }
    int64_t spent() { return scalar("SELECT spent_micro FROM budget WHERE account = 'proj001'"); }
    int64_t held() { return scalar("SELECT held_micro FROM budget WHERE account = 'proj001'"); }
    std::string state_of(const db::HoldRequest& r) {
        return session().query("SELECT state FROM hold WHERE id = ?", {r.id.hex()}).at(0).str(0);
    }

    void write_cost_file(int64_t job_id, const std::string& json) {
        cost_dir_ = dir_ + "/costs";
        std::filesystem::create_directories(cost_dir_);
        std::ofstream(cost_dir_ + "/job-" + std::to_string(job_id) + "-asbb-reconciliation.json")
            << json;
    }

    // A line as the plugin appends it under FailPolicy=open (src/submit/spool.cpp).
    void spool_hold(const HoldId& id, int64_t nodes, int64_t seconds) {
        spool_dir_ = dir_ + "/spool";
        std::filesystem::create_directories(spool_dir_);
        std::ofstream(spool_dir_ + "/unsecured-holds.jsonl", std::ios::app)
            << R"({"hold_id":")" << id.hex()
            << R"(","cluster":"lab","account":"proj001","partition":"aws-cpu","user":"alice",)"
            << R"("uid":1001,"nodes":)" << nodes << R"(,"time_limit_s":)" << seconds
            << R"(,"array_tasks":1,"submitted_at":1,"reason":"database unavailable"})"
            << "\n";
    }

    int64_t next_submit_ = 1'700'000'000;
    std::string cost_dir_;
    std::string spool_dir_;
};

TEST_F(Poller, FinishedJobIsChargedElapsedTimesNodesAtTheLockedPriceAndTheRestReleased) {
    make_budget("physics", 1000 * kDollar);
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(2, 3600);  // holds 2 x 3600 x $0.001 x 1.2 = $8.64
    insert_run(41, kComplete, 1000, 1600, 2, tag(hold));
    auto report = pass();
    EXPECT_EQ(report.runs_charged, 1);
    EXPECT_EQ(spent(), 1200 * 1000);  // 600 s x 2 nodes x $0.001
    EXPECT_EQ(held(), 0);
    EXPECT_EQ(state_of(hold), "charged");
    EXPECT_EQ(scalar("SELECT spent_micro FROM budget WHERE account = 'physics'"), 1'200'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());

    auto again = pass();  // nothing new: nothing charged twice
    EXPECT_EQ(again.runs_charged, 0);
    EXPECT_EQ(spent(), 1'200'000);
    session().exec("UPDATE poller_state SET high_water_inx = 0");  // a lost watermark
    auto rerun = pass();
    EXPECT_EQ(rerun.runs_already_charged, 1);
    EXPECT_EQ(spent(), 1'200'000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 1);
}

// slurmdbd 24.11 and later number job rows from about 1.6e19 (seen on
// 24.11.5 and 26.05.5: 16237315925738647552 and up), beyond int64; the DB
// source reads, orders and remembers them as BIGINT UNSIGNED.
TEST_F(Poller, JobRowIdsAbove2To63AsSlurmdbd2411WritesThemAreChargedOnce) {
    session().exec("ALTER TABLE `" + slurm_db_ +
                   "`.lab_job_table AUTO_INCREMENT = 16237315925738647552");
    make_budget("proj001", 100 * kDollar);
    auto first = placed(1, 3600);
    auto second = placed(1, 3600);
    auto third = placed(1, 3600);
    insert_run(51, kComplete, 1000, 1100, 1, tag(first));
    insert_run(52, kRunning, 1000, 0, 1, tag(second));
    EXPECT_GT(scalar("SELECT COUNT(*) FROM `" + slurm_db_ +
                     "`.lab_job_table WHERE job_db_inx > 9223372036854775807"),
              0);
    auto report = pass();
    EXPECT_EQ(report.runs_charged, 1);
    // the running one was remembered by its (unsigned) id and is read again
    session().exec(
        "UPDATE `" + slurm_db_ + "`.lab_job_table SET state = ?, time_end = 1200 WHERE id_job = 52",
        {int64_t{kComplete}});
    insert_run(53, kComplete, 1000, 1300, 1, tag(third));
    auto later = pass();
    EXPECT_EQ(later.runs_charged, 2);
    EXPECT_EQ(spent(), (100 + 200 + 300) * 1000);
    EXPECT_EQ(pass().runs_charged, 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 3);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, RunsThatFinishOutOfOrderAreEachChargedOnce) {
    make_budget("proj001", 100 * kDollar);
    auto slow = placed(1, 3600);
    auto fast = placed(1, 3600);
    const int64_t slow_row = insert_run(50, kRunning, 1000, 0, 1, "");
    insert_run(51, kComplete, 1000, 1100, 1, tag(fast));
    std::vector<poller::LiveJob> live{{50, kRunning, slow.id.hex()}};
    auto first = pass(live);
    EXPECT_EQ(first.runs_charged, 1);
    EXPECT_EQ(spent(), 100'000);
    EXPECT_EQ(state_of(slow), "linked");  // linked from the live job, still held
    finish(slow_row, kComplete, 1000, 1500, tag(slow));
    auto second = pass();
    EXPECT_EQ(second.runs_charged, 1);
    EXPECT_EQ(spent(), 600'000);
    EXPECT_EQ(held(), 0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// Found by the chaos suite (tests/e2e/chaos_test.sh): with MariaDB killed
// while jobs started and ended, slurmdbd wrote a run's row final before its
// start time, and a pass then charged it 0 s; the charge key kept the
// corrected row from being charged. Now the run waits for its start.
TEST_F(Poller, ARunWrittenFinalBeforeItsStartWaitsForTheStart) {
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(1, 3600);
    const int64_t row = insert_run(58, kComplete, 0, now_s_ - 5, 1, tag(hold));
    auto early = pass();
    EXPECT_EQ(early.runs_charged, 0);
    EXPECT_EQ(spent(), 0);
    EXPECT_EQ(state_of(hold), "pending");                         // still held in full
    finish(row, kComplete, now_s_ - 125, now_s_ - 5, tag(hold));  // slurmdbd catches up
    auto late = pass();
    EXPECT_EQ(late.runs_charged, 1);
    EXPECT_EQ(spent(), 120'000);  // 120 s x 1 node x $0.001
    EXPECT_EQ(held(), 0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, RequeuedJobIsChargedForEachRunAgainstOneHold) {
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(1, 3600);
    std::vector<poller::LiveJob> pending{{60, kPending, hold.id.hex()}};
    pass(pending);  // links the hold to job 60
    // slurmdbd: the first run's row marked requeued (no admin_comment yet),
    // the next run a new row.
    insert_run(60, kRequeued, 1000, 1200, 1, "");
    const int64_t second_run = insert_run(60, kPending, 0, 0, 1, "");
    auto during = pass(pending);
    EXPECT_EQ(during.runs_charged, 1);
    EXPECT_EQ(spent(), 200'000);
    EXPECT_EQ(state_of(hold), "linked");  // the job is still going: nothing released
    finish(second_run, kComplete, 1300, 1600, tag(hold));
    auto after = pass();
    EXPECT_EQ(after.runs_charged, 1);
    EXPECT_EQ(spent(), 500'000);
    EXPECT_EQ(held(), 0);
    EXPECT_EQ(state_of(hold), "charged");
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, JobCancelledBeforeItStartedCostsNothingAndReleasesAll) {
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(4, 7200);
    insert_run(70, kCancelled, 0, 1500, 0, tag(hold));
    pass();
    EXPECT_EQ(spent(), 0);
    EXPECT_EQ(held(), 0);
    EXPECT_EQ(state_of(hold), "charged");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'release'"), 1);
}

TEST_F(Poller, ArrayTasksDrawDownOneHold) {
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(1, 600, 3);  // 3 tasks x 600 s
    std::vector<poller::LiveJob> running{{80, kRunning, hold.id.hex()}};
    pass(running);
    insert_run(81, kComplete, 1000, 1100, 1, tag(hold), 80);
    insert_run(82, kComplete, 1000, 1200, 1, tag(hold), 80);
    pass(running);
    EXPECT_EQ(spent(), 300'000);
    EXPECT_EQ(held(), 2'160'000 - 300'000);  // the rest stays held while tasks run
    insert_run(83, kComplete, 1000, 1050, 1, tag(hold), 80);
    pass();
    EXPECT_EQ(spent(), 350'000);
    EXPECT_EQ(held(), 0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, AJobMovedToAnotherAccountIsChargedThere) {
    make_budget("proj001", 100 * kDollar);
    const int64_t chem = make_budget("chem", 100 * kDollar);
    auto old_hold = placed(1, 3600);
    ASSERT_TRUE(db::link_hold(session(), old_hold.id.hex(), "lab", 95, now_s_));
    auto new_hold = old_hold;
    new_hold.id = make_hold_id(1, 2, 3);
    new_hold.account = "chem";
    ASSERT_EQ(db::move_hold(session(), slurm(), old_hold.id.hex(), 95, new_hold).outcome,
              db::HoldOutcome::kPlaced);
    insert_run(95, kComplete, 1000, 1100, 1, tag(old_hold));  // the tag made at submit
    pass();
    EXPECT_EQ(spent(), 0);
    EXPECT_EQ(scalar("SELECT spent_micro FROM budget WHERE id = ?", {chem}), 100'000);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, ACostFileThatArrivesBeforeTheChargeSetsIt) {
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(1, 3600);
    write_cost_file(42, R"({"job_id": 42, "account": "proj001", "partition": "aws-cpu",
                           "actual_cost": 2.5})");
    insert_run(42, kComplete, 1000, 1600, 1, tag(hold));  // computed: $0.60
    pass();
    EXPECT_EQ(spent(), 2'500'000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'adjust'"), 0);
    pass();
    EXPECT_EQ(spent(), 2'500'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, ACostFileThatArrivesAfterTheChargeMakesOneAdjustment) {
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(1, 3600);
    insert_run(43, kComplete, 1000, 1600, 1, tag(hold));
    pass();
    EXPECT_EQ(spent(), 600'000);
    // aws-slurm-burst's floating point: rounded once to the micro-dollar
    write_cost_file(43, R"({"job_id": 43, "actual_cost": 0.30000000000000004})");
    auto report = pass();
    EXPECT_EQ(report.costs_adjusted, 1);
    EXPECT_EQ(spent(), 300'000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 1);
    EXPECT_EQ(scalar("SELECT amount_micro FROM journal WHERE kind = 'adjust'"), -300'000);
    pass();  // read again: nothing more
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'adjust'"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, HoldsSpooledUnderFailPolicyOpenArePlacedAndTheirJobsCharged) {
    make_budget("proj001", 100 * kDollar);
    db::set_rate(session(), {"", "aws-cpu", "c5", Money{3'600'000}, std::nullopt, 0, 4}, "t",
                 now_s_);
    const HoldId id = make_hold_id(1'700'000'000'000, 1, 2);
    spool_hold(id, 2, 3600);  // 2 nodes x 1 h x $3.60 x 1.2 = $8.64
    auto first = pass();
    EXPECT_EQ(first.unsecured_placed, 1);
    EXPECT_EQ(held(), 8'640'000);
    EXPECT_FALSE(std::filesystem::exists(spool_dir_ + "/unsecured-holds.jsonl"));
    insert_run(96, kComplete, 1000, 1600, 2, "asbb:hold=" + id.hex() + " asbb:unsecured");
    pass();
    EXPECT_EQ(spent(), 1'200'000);  // 600 s x 2 nodes x $0.001
    EXPECT_EQ(held(), 0);
    spool_hold(id, 2, 3600);  // the same record again: nothing new
    EXPECT_EQ(pass().unsecured_placed, 0);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Poller, ASpooledHoldWithoutRoomIsRecordedEmptyAndItsRunStillCharged) {
    make_budget("proj001", 1 * kDollar);
    db::set_rate(session(), {"", "aws-cpu", "c5", Money{3'600'000}, std::nullopt, 0, 4}, "t",
                 now_s_);
    const HoldId id = make_hold_id(1'700'000'000'000, 3, 4);
    spool_hold(id, 1, 3600);  // $4.32 does not fit in $1
    EXPECT_EQ(pass().unsecured_placed, 1);
    EXPECT_EQ(held(), 0);
    insert_run(97, kComplete, 1000, 3000, 1, "asbb:hold=" + id.hex() + " asbb:unsecured");
    pass();
    EXPECT_EQ(spent(), 2'000'000);  // spent on AWS: the budget goes negative
    EXPECT_EQ(scalar("SELECT allocated_micro - spent_micro - held_micro FROM budget"), -1'000'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST(CostFiles, BadFilesAreRefusedWithAReason) {
    EXPECT_EQ(poller::parse_cost_file(R"({"job_id": 7, "actual_cost": "12.5"})", "f")->actual.micro,
              12'500'000);
    EXPECT_EQ(
        poller::parse_cost_file(R"({"job_id": 7, "actual_cost": 1.0000005})", "f")->actual.micro,
        1'000'001);
    for (const char* bad : {R"({"job_id": 7, "actual_cost": -1})", R"({"job_id": 7,
         "actual_cost": 1e-3})",
                            R"({"job_id": "x", "actual_cost": 1})", R"({"actual_cost": 1})",
                            R"({"job_id": 7})", "not json", "[]"}) {
        EXPECT_FALSE(poller::parse_cost_file(bad, "f").ok()) << bad;
    }
}

TEST_F(Poller, OrphanedHoldsExpireAfterTheTtlButNotWhileSlurmctldIsUnknown) {
    make_budget("proj001", 100 * kDollar);
    auto old_orphan = placed(1, 3600);
    auto young = placed(1, 3600);
    auto old_but_live = placed(1, 3600);
    session().exec("UPDATE hold SET created_at = ? WHERE id IN (?, ?)",
                   {now_s_ - 3600, old_orphan.id.hex(), old_but_live.id.hex()});
    auto unknown = pass(std::nullopt);  // slurmctld could not be asked
    EXPECT_EQ(unknown.holds_expired, 0);
    // a job pending longer than the TTL whose hold the poller has not linked
    std::vector<poller::LiveJob> live{{90, kPending, old_but_live.id.hex()}};
    auto known = pass(live);
    EXPECT_EQ(known.holds_expired, 1);
    EXPECT_EQ(state_of(old_orphan), "expired");
    EXPECT_EQ(state_of(young), "pending");
    EXPECT_NE(state_of(old_but_live), "expired");
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// Issue 13, defect 1: slurmctld came back from kill -9 knowing only some of
// the jobs whose holds the poller had linked, then reused a lost job's id.
// The hold the reused id's new tag names wins and the old one is released at
// once; a hold whose job nobody knows any more (not even a runaway row in
// slurmdbd keeps it) is expired after LinkedHoldGrace; nothing is released
// while slurmctld cannot be asked.
TEST_F(Poller, LinkedHoldsOfJobsSlurmctldLostAreReleased) {
    make_budget("proj001", 100 * kDollar);
    auto kept = placed(1, 3600);
    auto reused = placed(1, 3600);
    auto lost = placed(1, 3600);
    EXPECT_EQ(pass(std::vector<poller::LiveJob>{{101, kPending, kept.id.hex()},
                                                {102, kPending, reused.id.hex()},
                                                {103, kPending, lost.id.hex()}})
                  .linked,
              3);
    const int64_t before = held();
    // After the crash: 101 survived, 102 is a new job with its own hold, 103
    // is gone (slurmdbd still has it as pending: a runaway job).
    auto fresh = placed(1, 3600);
    insert_run(103, kPending, 0, 0, 0, tag(lost));
    const std::vector<poller::LiveJob> after{{101, kPending, kept.id.hex()},
                                             {102, kPending, fresh.id.hex()}};
    EXPECT_EQ(pass(std::nullopt).holds_vanished, 0);  // slurmctld could not be asked
    auto report = pass(after);
    EXPECT_EQ(report.holds_vanished, 1);
    EXPECT_EQ(state_of(reused), "released");
    EXPECT_EQ(state_of(fresh), "linked");
    EXPECT_EQ(state_of(lost), "linked");  // within the grace
    EXPECT_EQ(state_of(kept), "linked");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE hold_id = ? AND kind = 'release' AND"
                     " reason LIKE 'job 102 now carries hold %'",
                     {reused.id.hex()}),
              1);

    session().exec("UPDATE hold SET updated_at = ? WHERE id = ?", {now_s_ - 3601, lost.id.hex()});
    EXPECT_EQ(pass(after).holds_vanished, 1);
    EXPECT_EQ(state_of(lost), "expired");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE hold_id = ? AND kind = 'expire' AND"
                     " reason LIKE '%LinkedHoldGrace%'",
                     {lost.id.hex()}),
              1);
    EXPECT_EQ(state_of(kept), "linked");
    // Two holds' money is back; the fresh one holds its own.
    EXPECT_EQ(held(),
              before - reused.size.hold.micro - lost.size.hold.micro + fresh.size.hold.micro);
    EXPECT_EQ(pass(after).holds_vanished, 0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// A linked hold whose job slurmctld no longer knows but whose finished run
// slurmdbd has waits for that run's charge, even past the grace: the run is
// charged to it and closes it, and nothing is charged as an overrun.
TEST_F(Poller, ALinkedHoldWaitsForAFinishedRunSlurmdbdHas) {
    make_budget("proj001", 100 * kDollar);
    auto hold = placed(1, 3600);
    EXPECT_EQ(pass(std::vector<poller::LiveJob>{{104, kRunning, hold.id.hex()}}).linked, 1);
    session().exec("UPDATE hold SET updated_at = ? WHERE id = ?", {now_s_ - 7200, hold.id.hex()});
    insert_run(104, kComplete, 1000, 1600, 1, tag(hold));
    auto report = pass(std::vector<poller::LiveJob>{});
    EXPECT_EQ(report.holds_vanished, 0);
    EXPECT_EQ(report.runs_charged, 1);
    EXPECT_EQ(state_of(hold), "charged");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE hold_id = ? AND reason LIKE '%overrun%'",
                     {hold.id.hex()}),
              0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

}  // namespace
}  // namespace asbb::test
