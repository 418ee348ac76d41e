#include "core/job_shape.hpp"

#include <gtest/gtest.h>

#include "core/rejection.hpp"

namespace asbb {
namespace {

TEST(ArrayTasks, EveryFormSbatchTakes) {
    EXPECT_EQ(*count_array_tasks(""), 1);
    EXPECT_EQ(*count_array_tasks("0-9"), 10);
    EXPECT_EQ(*count_array_tasks("0-9%2"), 10);
    EXPECT_EQ(*count_array_tasks("1,3,5-7"), 5);
    EXPECT_EQ(*count_array_tasks("0-15:4"), 4);
    EXPECT_EQ(*count_array_tasks("7"), 1);
    for (const char* bad : {"9-0", "a", "1,,2", "0-9%", "0-3:0", "-1", "0-99999999"}) {
        EXPECT_FALSE(count_array_tasks(bad).ok()) << bad;
    }
}

TEST(Nodes, FromNodesElseCpusAtThePartitionsCpusPerNode) {
    SubmitShape submit;
    submit.min_nodes = 3;
    EXPECT_EQ(*resolve_nodes(submit, {4, std::nullopt}), 3);
    SubmitShape tasks;
    tasks.num_tasks = 8;
    EXPECT_EQ(*resolve_nodes(tasks, {4, std::nullopt}), 2);
    tasks.cpus_per_task = 2;
    EXPECT_EQ(*resolve_nodes(tasks, {4, std::nullopt}), 4);
    EXPECT_EQ(*resolve_nodes(tasks, {}), 1);  // unknown node size: one node
    SubmitShape nothing;
    EXPECT_EQ(*resolve_nodes(nothing, {4, std::nullopt}), 1);
}

TEST(Nodes, NtasksPerNodeStandsInForAnUnsetNumTasks) {
    // SLURM 23.02+: num_tasks is NO_VAL (unset) for --ntasks-per-node jobs.
    SubmitShape submit;
    submit.ntasks_per_node = 8;
    submit.cpus_per_task = 2;
    auto request = resolve_request(submit);
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request->tasks, std::optional<int64_t>{8});  // 1 node x 8
    EXPECT_EQ(request->cpus, 16);
    EXPECT_EQ(*resolve_nodes(submit, {4, std::nullopt}), 4);

    submit.min_nodes = 3;
    request = resolve_request(submit);
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request->tasks, std::optional<int64_t>{24});  // 3 nodes x 8
    EXPECT_EQ(request->cpus, 48);
    EXPECT_EQ(*resolve_nodes(submit, {4, std::nullopt}), 3);  // -N is exact

    // num_tasks, when SLURM did set it (22.05), wins.
    submit.num_tasks = 5;
    EXPECT_EQ(resolve_request(submit)->cpus, 10);
    // SLURM's own CPU figure counts when it is larger.
    submit.min_cpus = 64;
    EXPECT_EQ(resolve_request(submit)->cpus, 64);
}

// asbb explain says where a hold's figures came from: the branch
// resolve_nodes and resolve_job_shape took, in words.
TEST(ShapeOrigin, NamesTheBranchTheSizingTook) {
    const PartitionShape four_cpus_two_gpus{4, 3600, 2};
    SubmitShape given;
    given.min_nodes = 3;
    given.time_limit_min = 10;
    EXPECT_EQ(describe_shape_origin(given, four_cpus_two_gpus), "nodes from -N; time from --time");
    SubmitShape cpus;
    cpus.num_tasks = 8;
    EXPECT_EQ(describe_shape_origin(cpus, four_cpus_two_gpus),
              "nodes from 8 CPUs at 4 per node; time from the partition's default");
    SubmitShape gpus;
    gpus.num_tasks = 2;
    gpus.tres_per_job = "gres/gpu:6";  // 3 nodes for the GPUs beat 1 for the CPUs
    EXPECT_EQ(*resolve_nodes(gpus, four_cpus_two_gpus), 3);
    EXPECT_EQ(describe_shape_origin(gpus, four_cpus_two_gpus),
              "nodes from 6 GPUs at 2 per node; time from the partition's default");
    SubmitShape nothing;
    nothing.array_inx = std::string(60, '1');
    const std::string origin = describe_shape_origin(nothing, {});
    EXPECT_EQ(origin.substr(0, 44), "1 node (no -N, no CPU or GPU count to place)");
    EXPECT_TRUE(origin.ends_with("; tasks from --array=" + std::string(40, '1') + "...")) << origin;
}

TEST(Nodes, GpusBeyondOneNodeNeedMoreNodes) {
    const PartitionShape four_gpus{std::nullopt, std::nullopt, 4};
    SubmitShape per_job;
    per_job.tres_per_job = "gres/gpu:10";  // --gpus=10, 23.11+ spelling
    EXPECT_EQ(*resolve_nodes(per_job, four_gpus), 3);
    per_job.tres_per_job = "gres:gpu:10";  // 22.05 spelling
    EXPECT_EQ(*resolve_nodes(per_job, four_gpus), 3);
    EXPECT_EQ(*resolve_nodes(per_job, {}), 1);  // GPUs per node unknown

    SubmitShape per_task;
    per_task.num_tasks = 6;
    per_task.tres_per_task = "cpu=1,gres/gpu:1";
    EXPECT_EQ(*resolve_nodes(per_task, four_gpus), 2);
    per_task.num_tasks.reset();
    per_task.ntasks_per_node = 3;
    per_task.min_nodes = 2;
    auto request = resolve_request(per_task);
    ASSERT_TRUE(request.ok());
    EXPECT_EQ(request->gpus, 6);  // 2 nodes x 3 tasks x 1 GPU

    // Per-node GPUs are per node already: they add no nodes.
    SubmitShape per_node;
    per_node.tres_per_node = "gres/gpu:tesla:4";
    EXPECT_EQ(resolve_request(per_node)->gpus_per_node, 4);
    EXPECT_EQ(*resolve_nodes(per_node, four_gpus), 1);

    // The larger of CPUs and GPUs decides.
    SubmitShape both;
    both.num_tasks = 16;
    both.tres_per_job = "gres/gpu=4";
    EXPECT_EQ(*resolve_nodes(both, {8, std::nullopt, 4}), 2);
}

TEST(Nodes, UnreadableGpuRequestIsRefused) {
    SubmitShape submit;
    submit.tres_per_node = "gres/gpu:two";
    submit.tres_per_node = "gres/gpu=two";
    auto nodes = resolve_nodes(submit, {});
    ASSERT_FALSE(nodes.ok());
    EXPECT_NE(nodes.error().find("gres/gpu=two"), std::string::npos) << nodes.error();
    submit.time_limit_min = 10;
    EXPECT_FALSE(resolve_job_shape(submit, {}, "aws-gpu").ok());
}

TEST(JobShape, TimeFromTheJobElseThePartitionDefaultElseRefused) {
    SubmitShape submit;
    submit.time_limit_min = 90;
    submit.array_inx = "0-9";
    auto shape = resolve_job_shape(submit, {}, "aws-gpu");
    ASSERT_TRUE(shape.ok());
    EXPECT_EQ(shape->time_limit_s, 5400);
    EXPECT_EQ(shape->array_tasks, 10);

    SubmitShape no_time;
    auto defaulted = resolve_job_shape(no_time, {std::nullopt, 3600}, "aws-cpu");
    ASSERT_TRUE(defaulted.ok());
    EXPECT_EQ(defaulted->time_limit_s, 3600);

    auto refused = resolve_job_shape(no_time, {}, "aws-gpu");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("--time"), std::string::npos);

    SubmitShape unlimited;
    unlimited.time_unlimited = true;
    EXPECT_FALSE(resolve_job_shape(unlimited, {std::nullopt, 3600}, "aws-gpu").ok());
}

TEST(Rejection, NamesTheLevelTheAmountsAndThePeriod) {
    ShortfallText text{LevelKind::kAncestor, "physics", "aws-gpu", "2025-01-01..2025-12-31",
                       Money{120'500'000}};
    EXPECT_EQ(insufficient_funds_message(Money{432'000'000}, Money{360'000'000}, 1'200'000, text),
              "asbb: job needs $432.00 (est. $360.00 \xc3\x97 1.2) on aws-gpu but parent account "
              "physics has $120.50 available (budget 2025-01-01..2025-12-31)");
    text.level = LevelKind::kPartitionLimit;
    EXPECT_NE(insufficient_funds_message(Money{1}, Money{1}, 1'000'000, text)
                  .find("partition limit of account physics on aws-gpu"),
              std::string::npos);
    EXPECT_NE(no_active_period_message("proj001", "2024-01-01..2024-12-31").find("proj001"),
              std::string::npos);
}

}  // namespace
}  // namespace asbb
