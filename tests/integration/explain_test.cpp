// asbb explain (issue 12, item 4) on a real MariaDB, with holds placed by the
// plugin's engine and charged, closed and expired by the poller's real pass:
// golden output for an array job, a requeued job, a job whose hold was
// resized, and an expired hold (--hold=ID); an array task's id finds its
// array's hold; bad input is refused with nothing written. Hold ids are
// random, so the goldens show them as <hold N>.
#include <regex>

#include "db/rates.hpp"
#include "integration/support/cli_test.hpp"
#include "reconcile.hpp"
#include "submit/engine.hpp"

namespace asbb::test {
namespace {

using Verdict = submit::SubmitDecision::Verdict;

constexpr int64_t kNow = 1'773'576'000;  // 2026-03-15T12:00:00Z
constexpr uint32_t kComplete = 3, kRequeued = 1024;

class Explain : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kNow);
        CliTest::SetUp();
        db::Rate rate;
        rate.partition = "aws-cpu";
        rate.instance_type = "c5.xlarge";
        rate.node_hour_price = Money{360'000};
        rate.cpus_per_node = 4;
        rate.default_time_limit_s = 3600;
        db::set_rate(session(), rate, "test", now_s_);
        make_budget("physics", 20'000'000);
        make_limit(make_budget("proj001", 10'000'000), "aws-cpu", 5'000'000);
        const std::string path = write_config("BreakerSeconds=3600\n");
        auto seams = submit::EngineSeams::real();
        seams.now_s = [this] { return engine_now_s_; };
        engine_ = std::make_unique<submit::SubmitEngine>(path, dir_, seams);
    }
    void TearDown() override {
        engine_.reset();
        CliTest::TearDown();
        restore_clock();
    }

    // A hold placed by the plugin's engine for alice on proj001.
    std::string submit(SubmitShape shape) {
        submit::SubmitInput in;
        in.account = "proj001";
        in.partition = "aws-cpu";
        in.user_name = "alice";
        in.uid = 1001;
        in.shape = std::move(shape);
        auto d = engine_->submit(in);
        EXPECT_EQ(d.verdict, Verdict::kAccept) << d.message << " / " << d.log;
        holds_.push_back(d.hold_id);
        return d.hold_id;
    }

    void insert_run(int64_t job_id, uint32_t state, int64_t start, int64_t end, int64_t nodes,
                    const std::string& hold_id, int64_t array_job = 0) {
        session().exec("INSERT INTO `" + slurm_db_ +
                           "`.lab_job_table (admin_comment, id_assoc, id_job, id_array_job, state,"
                           " time_submit, time_start, time_end, nodes_alloc, `partition`)"
                           " VALUES (?, 4, ?, ?, ?, ?, ?, ?, ?, 'aws-cpu')",
                       {"asbb:hold=" + hold_id, job_id, array_job, int64_t{state}, next_submit_++,
                        start, end, nodes});
    }

    void pass(int64_t now_s) {
        poller::PassOptions options;
        options.cluster = "lab";
        options.slurm = slurm();
        auto report =
            poller::reconcile_pass(session(), options, std::vector<poller::LiveJob>{}, now_s);
        EXPECT_TRUE(report.problems.empty());
    }

    // The command's output with each hold id replaced by <hold N>.
    std::string explained(std::vector<std::string> args) {
        std::string text = out(std::move(args));
        return anonymized(text);
    }
    std::string anonymized(std::string text) {
        for (size_t i = 0; i < holds_.size(); ++i) {
            text = std::regex_replace(text, std::regex(holds_[i]),
                                      "<hold " + std::to_string(i + 1) + ">");
        }
        return text;
    }

    std::unique_ptr<submit::SubmitEngine> engine_;
    int64_t engine_now_s_ = kNow;
    int64_t next_submit_ = kNow;
    std::vector<std::string> holds_;
};

SubmitShape shape(std::optional<int64_t> nodes, std::optional<int64_t> minutes,
                  std::string array = "") {
    SubmitShape s;
    s.min_nodes = nodes;
    s.time_limit_min = minutes;
    s.array_inx = std::move(array);
    return s;
}

TEST_F(Explain, AnArrayJobEachTasksRunChargedAndTheRestReleased) {
    const std::string hold = submit(shape(1, 10, "0-3"));
    for (int task = 0; task < 3; ++task) {  // task 3 never ran: cancelled while pending
        insert_run(101 + task, kComplete, kNow + 60, kNow + 60 + 300 * (task + 1), 1, hold, 100);
    }
    pass(kNow + 3600);
    const std::string golden =
        "Explaining job 100 on cluster lab: 1 hold(s)\n"
        "\n"
        "Hold <hold 1> (charged)\n"
        "  Placed     2026-03-15T12:00:00 for alice, account proj001, partition aws-cpu, cluster "
        "lab\n"
        "  Job        100\n"
        "  Shape      1 node(s) x 600 s x 4 task(s)\n"
        "             nodes from -N; time from --time; tasks from --array=0-3\n"
        "  Price      $0.36 per node-hour, locked at placement\n"
        "  Estimate   1 x 600 s x 4 x $0.36 / 3600 s = $0.24\n"
        "  Hold       $0.24 x HoldFactor 1.2 = $0.288\n"
        "  Levels     (what each had available just before the hold)\n"
        "    1 account proj001: $10.00 of $10.00, period 2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "    1 limit proj001/aws-cpu: $5.00 of $5.00 (the limit as set now)\n"
        "    2 ancestor physics: $20.00 of $20.00, period "
        "2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "  Journal\n"
        "    #3 2026-03-15T12:00:00 hold $0.288 (held +$0.288) by plugin: hold for job of 1 "
        "node(s), 600 s, 4 task(s) (nodes from -N; time from --time; tasks from --array=0-3)\n"
        "    #4 2026-03-15T13:00:00 charge $0.03 (held -$0.03, spent +$0.03) by poller: job 101: "
        "300 s x 1 node(s), computed\n"
        "        run of job 101 (array 100) submitted 2026-03-15T12:00:00: 300 s x 1 node(s) x "
        "$0.36 / 3600 s = $0.03\n"
        "    #5 2026-03-15T13:00:00 charge $0.06 (held -$0.06, spent +$0.06) by poller: job 102: "
        "600 s x 1 node(s), computed\n"
        "        run of job 102 (array 100) submitted 2026-03-15T12:00:01: 600 s x 1 node(s) x "
        "$0.36 / 3600 s = $0.06\n"
        "    #6 2026-03-15T13:00:00 charge $0.09 (held -$0.09, spent +$0.09) by poller: job 103: "
        "900 s x 1 node(s), computed\n"
        "        run of job 103 (array 100) submitted 2026-03-15T12:00:02: 900 s x 1 node(s) x "
        "$0.36 / 3600 s = $0.09\n"
        "    #7 2026-03-15T13:00:00 release $0.108 (held -$0.108) by poller: job 100 ended\n"
        "  Now        held $0.00, charged $0.18, given back $0.108\n";
    EXPECT_EQ(explained({"explain", "100"}), golden);
    // A task's id names its array's hold.
    std::string by_task = explained({"explain", "102"});
    EXPECT_EQ(by_task.substr(0, by_task.find('\n')),
              "Explaining job 102 on cluster lab (a task of array 100): 1 hold(s)");
    EXPECT_EQ(by_task.substr(by_task.find('\n')), golden.substr(golden.find('\n')));
}

TEST_F(Explain, ARequeuedJobIsChargedForEachRun) {
    const std::string hold = submit(shape(2, 30));
    insert_run(200, kRequeued, kNow + 60, kNow + 660, 2, hold);  // a node failed: requeued
    insert_run(200, kComplete, kNow + 700, kNow + 1300, 2, hold);
    pass(kNow + 3600);
    EXPECT_EQ(
        explained({"explain", "200"}),
        "Explaining job 200 on cluster lab: 1 hold(s)\n"
        "\n"
        "Hold <hold 1> (charged)\n"
        "  Placed     2026-03-15T12:00:00 for alice, account proj001, partition aws-cpu, cluster "
        "lab\n"
        "  Job        200\n"
        "  Shape      2 node(s) x 1800 s x 1 task(s)\n"
        "             nodes from -N; time from --time\n"
        "  Price      $0.36 per node-hour, locked at placement\n"
        "  Estimate   2 x 1800 s x 1 x $0.36 / 3600 s = $0.36\n"
        "  Hold       $0.36 x HoldFactor 1.2 = $0.432\n"
        "  Levels     (what each had available just before the hold)\n"
        "    1 account proj001: $10.00 of $10.00, period 2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "    1 limit proj001/aws-cpu: $5.00 of $5.00 (the limit as set now)\n"
        "    2 ancestor physics: $20.00 of $20.00, period "
        "2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "  Journal\n"
        "    #3 2026-03-15T12:00:00 hold $0.432 (held +$0.432) by plugin: hold for job of 2 "
        "node(s), 1800 s, 1 task(s) (nodes from -N; time from --time)\n"
        "    #4 2026-03-15T13:00:00 charge $0.12 (held -$0.12, spent +$0.12) by poller: job 200: "
        "600 s x 2 node(s), computed\n"
        "        run of job 200, requeued, submitted 2026-03-15T12:00:00: 600 s x 2 node(s) x "
        "$0.36 / 3600 s = $0.12\n"
        "    #5 2026-03-15T13:00:00 charge $0.12 (held -$0.12, spent +$0.12) by poller: job 200: "
        "600 s x 2 node(s), computed\n"
        "        run of job 200 submitted 2026-03-15T12:00:01: 600 s x 2 node(s) x $0.36 / 3600 s "
        "= $0.12\n"
        "    #6 2026-03-15T13:00:00 release $0.192 (held -$0.192) by poller: job 200 ended\n"
        "  Now        held $0.00, charged $0.24, given back $0.192\n");
}

TEST_F(Explain, AResizedHoldShowsTheResizeAndTheChargeAgainstTheNewSize) {
    const std::string hold = submit(shape(1, 10));
    ASSERT_TRUE(db::link_hold(session(), hold, "lab", 300, kNow + 30));
    submit::ModifyInput change;
    change.job_id = 300;
    change.time_limit_min = 30;  // scontrol update TimeLimit=30
    engine_now_s_ = kNow + 120;
    ASSERT_TRUE(engine_->modify(change).allow);
    insert_run(300, kComplete, kNow + 200, kNow + 1700, 1, hold);
    pass(kNow + 3600);
    EXPECT_EQ(
        explained({"explain", "300"}),
        "Explaining job 300 on cluster lab: 1 hold(s)\n"
        "\n"
        "Hold <hold 1> (charged)\n"
        "  Placed     2026-03-15T12:00:00 for alice, account proj001, partition aws-cpu, cluster "
        "lab\n"
        "  Job        300\n"
        "  Shape      1 node(s) x 1800 s x 1 task(s) (as resized; placed as the journal's first "
        "row says)\n"
        "             nodes from -N; time from --time\n"
        "  Price      $0.36 per node-hour, locked at placement\n"
        "  Estimate   1 x 1800 s x 1 x $0.36 / 3600 s = $0.18\n"
        "  Hold       $0.18 x HoldFactor 1.2 = $0.216\n"
        "  Levels     (what each had available just before the hold)\n"
        "    1 account proj001: $10.00 of $10.00, period 2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "    1 limit proj001/aws-cpu: $5.00 of $5.00 (the limit as set now)\n"
        "    2 ancestor physics: $20.00 of $20.00, period "
        "2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "  Journal\n"
        "    #3 2026-03-15T12:00:00 hold $0.072 (held +$0.072) by plugin: hold for job of 1 "
        "node(s), 600 s, 1 task(s) (nodes from -N; time from --time)\n"
        "    #4 2026-03-15T12:02:00 hold $0.144 (held +$0.144) by plugin: hold resized to 0.216 "
        "for 1 node(s), 1800 s, 1 task(s)\n"
        "    #5 2026-03-15T13:00:00 charge $0.15 (held -$0.15, spent +$0.15) by poller: job 300: "
        "1500 s x 1 node(s), computed\n"
        "        run of job 300 submitted 2026-03-15T12:00:00: 1500 s x 1 node(s) x $0.36 / 3600 s "
        "= $0.15\n"
        "    #6 2026-03-15T13:00:00 release $0.066 (held -$0.066) by poller: job 300 ended\n"
        "  Now        held $0.00, charged $0.15, given back $0.066\n");
}

TEST_F(Explain, AnExpiredHoldThatNeverBecameAJob) {
    SubmitShape eight_cpus;
    eight_cpus.min_cpus = 8;  // no -N, no --time: 2 nodes at 4 CPUs each, the default hour
    const std::string hold = submit(eight_cpus);
    pass(kNow + 700);  // past OrphanHoldTTL (600 s), no job ever carried it
    EXPECT_EQ(
        explained({"explain", "--hold=" + hold}),
        "Explaining hold <hold 1>: 1 hold(s)\n"
        "\n"
        "Hold <hold 1> (expired)\n"
        "  Placed     2026-03-15T12:00:00 for alice, account proj001, partition aws-cpu, cluster "
        "lab\n"
        "  Job        none linked\n"
        "  Shape      2 node(s) x 3600 s x 1 task(s)\n"
        "             nodes from 8 CPUs at 4 per node; time from the partition's default\n"
        "  Price      $0.36 per node-hour, locked at placement\n"
        "  Estimate   2 x 3600 s x 1 x $0.36 / 3600 s = $0.72\n"
        "  Hold       $0.72 x HoldFactor 1.2 = $0.864\n"
        "  Levels     (what each had available just before the hold)\n"
        "    1 account proj001: $10.00 of $10.00, period 2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "    1 limit proj001/aws-cpu: $5.00 of $5.00 (the limit as set now)\n"
        "    2 ancestor physics: $20.00 of $20.00, period "
        "2026-03-14T12:00:00..2026-04-14T12:00:00\n"
        "  Journal\n"
        "    #3 2026-03-15T12:00:00 hold $0.864 (held +$0.864) by plugin: hold for job of 2 "
        "node(s), 3600 s, 1 task(s) (nodes from 8 CPUs at 4 per node; time from the partition's "
        "default)\n"
        "    #4 2026-03-15T12:11:40 expire $0.864 (held -$0.864) by poller: no job after the "
        "orphan TTL\n"
        "  Now        held $0.00, charged $0.00, given back $0.864 ($0.864 by expiry)\n");
}

TEST_F(Explain, BadInputIsRefusedWithOneLine) {
    submit(shape(1, 10));
    expect_refused({"explain"}, 2, "give a JOBID or --hold=ID");
    expect_refused({"explain", "12", "--hold=" + holds_[0]}, 2, "give a JOBID or --hold=ID");
    expect_refused({"explain", "abc"}, 2, "JOBID");
    expect_refused({"explain", "0"}, 2, "JOBID");
    expect_refused({"explain", "--hold=xyz"}, 2, "--hold");
    expect_refused({"explain", "999"}, 1, "asbb has no hold of job 999 on cluster lab");
    expect_refused({"explain", "--hold=0123456789abcdef0123456789abcdef"}, 1,
                   "asbb has no hold of hold 0123456789abcdef0123456789abcdef");
    expect_refused({"explain", "12", "--cluster=la'b"}, 2, "cluster");
}

}  // namespace
}  // namespace asbb::test
