#include "core/job_run.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

JobRun run(uint32_t state, int64_t start, int64_t end) {
    JobRun r;
    r.state = state;
    r.time_start = start;
    r.time_end = end;
    return r;
}

constexpr int64_t kNow = 1'000'000;

TEST(JobRun, FinalStatesAndRequeuedRunsAreOver) {
    EXPECT_FALSE(run_is_over(run(0, 0, 0), kNow));    // pending
    EXPECT_FALSE(run_is_over(run(1, 100, 0), kNow));  // running
    EXPECT_FALSE(run_is_over(run(2, 100, 0), kNow));  // suspended
    for (uint32_t state = 3; state <= 11; ++state) {  // COMPLETE .. OOM
        EXPECT_TRUE(run_is_over(run(state, 100, 200), kNow)) << state;
    }
    EXPECT_TRUE(run_is_over(run(1024, 100, 104), kNow));  // requeued run, as slurmdbd wrote it
    EXPECT_FALSE(run_is_over(run(1024, 0, 0), kNow));
    EXPECT_TRUE(run_is_over(run(4 | 0x8000, 0, 50), kNow));  // a flag on a final state
}

// Found by the chaos suite: with MariaDB killed while jobs started and ended,
// slurmdbd wrote runs final before their start; charged then, they cost 0 s.
TEST(JobRun, AFinalRunThatHeldNodesWaitsForItsStartTime) {
    JobRun early = run(3, 0, kNow - 5);  // COMPLETE, start not recorded yet
    early.nodes_alloc = 1;
    EXPECT_TRUE(run_is_final(early));
    EXPECT_TRUE(run_awaits_start(early, kNow));
    EXPECT_FALSE(run_is_over(early, kNow));
    // Once the start arrives it is over and costs its time.
    early.time_start = kNow - 6;
    EXPECT_TRUE(run_is_over(early, kNow));
    EXPECT_EQ(run_elapsed_s(early), 1);
    // A start that never arrives: charged as recorded after the wait.
    early.time_start = 0;
    EXPECT_TRUE(run_is_over(early, kNow - 5 + kStartRecordWait_s));
    // Seen too: a start at the end's second while the row was being fixed.
    early.time_start = kNow - 5;
    EXPECT_TRUE(run_awaits_start(early, kNow));
    EXPECT_TRUE(run_is_over(early, kNow - 5 + kStartRecordWait_s));
    // A job cancelled while pending held no nodes: over at once.
    EXPECT_TRUE(run_is_over(run(4, 0, kNow - 5), kNow));
}

TEST(JobRun, AFinalRunWithTimeButNoNodesWaitsForItsStartRecord) {
    // the completion arrived first: its start time, no node count yet
    JobRun early = run(3, kNow - 8, kNow - 5);
    early.nodes_alloc = 0;
    EXPECT_TRUE(run_awaits_start(early, kNow));
    EXPECT_FALSE(run_is_over(early, kNow));
    // the start record sets the nodes: over, and costs 3 s on 1 node
    early.nodes_alloc = 1;
    EXPECT_TRUE(run_is_over(early, kNow));
    // a record that is never corrected: charged as recorded after the wait
    early.nodes_alloc = 0;
    EXPECT_TRUE(run_is_over(early, kNow - 5 + kStartRecordWait_s));
}

TEST(JobRun, LiveJobsThatMayStillRun) {
    EXPECT_TRUE(job_still_active(0));
    EXPECT_TRUE(job_still_active(1));
    EXPECT_TRUE(job_still_active(2));
    EXPECT_TRUE(job_still_active(3 | 0x8000));  // completing
    EXPECT_FALSE(job_still_active(3));
    EXPECT_FALSE(job_still_active(4));
}

TEST(JobRun, ElapsedIsZeroForRunsThatNeverStarted) {
    EXPECT_EQ(run_elapsed_s(run(4, 0, 50)), 0);  // cancelled while pending
    EXPECT_EQ(run_elapsed_s(run(3, 100, 160)), 60);
    EXPECT_EQ(run_elapsed_s(run(3, 100, 90)), 0);  // clock went backwards
}

TEST(JobRun, ArrayTasksBelongToTheArraysHold) {
    JobRun task;
    task.job_id = 12;
    task.array_job_id = 10;
    EXPECT_EQ(hold_job_id(task), 10);
    task.array_job_id = 0;
    EXPECT_EQ(hold_job_id(task), 12);
}

TEST(JobRun, ChargeKeyIsTheJobAndSubmitTimePackedWithoutLoss) {
    JobRun first;
    first.job_id = 4242;
    first.time_submit = 1'795'727'067;
    JobRun requeued = first;  // the next run of a requeued job: a new submit time
    requeued.time_submit += 10;
    JobRun other_job = first;
    other_job.job_id = 4243;
    EXPECT_EQ(run_charge_key(first), int64_t{1'795'727'067} * 67'108'864 + 4242);
    EXPECT_NE(run_charge_key(first), run_charge_key(requeued));
    EXPECT_NE(run_charge_key(first), run_charge_key(other_job));
    // SLURM's largest possible job id and a submit time in 4000 AD still fit.
    first.job_id = 67'043'328;
    first.time_submit = 64'060'588'800;
    ASSERT_TRUE(run_charge_key(first));
    EXPECT_GT(*run_charge_key(first), 0);
    first.job_id = 67'108'864;
    EXPECT_EQ(run_charge_key(first), std::nullopt);
    first.job_id = 0;
    EXPECT_EQ(run_charge_key(first), std::nullopt);
}

// slurmdbd's tres_alloc: TRES id 1 is the CPU count, the rest is ignored.
TEST(JobRun, TresAllocGivesTheCpusAndRefusesWhatIsNotIdEqualsCount) {
    EXPECT_EQ(*tres_alloc_cpus("1=8,2=2000,3=18446744073709551614,4=2,5=8"), 8);
    EXPECT_EQ(*tres_alloc_cpus("4=1"), 0);
    EXPECT_EQ(*tres_alloc_cpus(""), 0);
    for (const char* bad : {"1", "1=", "=4", "1=x", "1=-2", "cpu=4", "1=4,,4=1"}) {
        auto cpus = tres_alloc_cpus(bad);
        ASSERT_FALSE(cpus) << bad;
        EXPECT_NE(cpus.error().find("not id=count pairs"), std::string::npos);
    }
}

}  // namespace
}  // namespace asbb
