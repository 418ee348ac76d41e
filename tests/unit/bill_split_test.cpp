#include "core/bill_split.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

constexpr int64_t kT0 = 1'793'851'200;  // 2026-11-05T04:00:00Z

ExactAmount amount(const char* text) {
    return *ExactAmount::parse(text);
}

NodeLineCost hour(const std::string& node, const char* cost, int64_t start = kT0) {
    return {node, start, start + 3600, amount(cost)};
}

// The parts of every line always sum to the lines: nothing made or lost.
void expect_sums_to(const BillSplit& split, const ExactAmount& lines) {
    ExactAmount sum = split.idle;
    for (const auto& part : split.by_run) sum = *sum.plus(part);
    EXPECT_EQ(sum.text(), lines.text());
}

TEST(BillSplit, AJobAloneOnANodePaysForItWhileItRunsTheRestIsIdle) {
    OccupancyByNode on_node{{"cpu1", {{0, kT0 + 900, kT0 + 2700, 1}}}};
    auto split = split_node_costs({hour("cpu1", "0.36")}, on_node, 1);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->by_run[0].text(), "0.18");
    EXPECT_EQ(split->idle.text(), "0.18");
    EXPECT_EQ(split->lines_with_runs, 1);
}

TEST(BillSplit, JobsSideBySideShareByCpus) {
    OccupancyByNode on_node{{"cpu1", {{0, kT0, kT0 + 3600, 1}, {1, kT0, kT0 + 3600, 3}}}};
    auto split = split_node_costs({hour("cpu1", "1")}, on_node, 2);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->by_run[0].text(), "0.25");
    EXPECT_EQ(split->by_run[1].text(), "0.75");
    EXPECT_TRUE(split->idle.is_zero());
}

TEST(BillSplit, ARunningJobHoldsTheNodeToTheLinesEndAndALineWithoutEndIsAnHour) {
    OccupancyByNode on_node{{"cpu1", {{0, kT0 + 1800, 0, 4}}}};
    NodeLineCost open_ended{"cpu1", kT0, kT0, amount("0.5")};
    auto split = split_node_costs({open_ended}, on_node, 1);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->by_run[0].text(), "0.25");
    EXPECT_EQ(split->idle.text(), "0.25");
}

TEST(BillSplit, ThirdsAreCutTo1e24AndThePartsSumToTheLineExactly) {
    OccupancyByNode on_node{
        {"cpu1", {{0, kT0, kT0 + 3600, 1}, {1, kT0, kT0 + 3600, 1}, {2, kT0, kT0 + 3600, 1}}},
        {"cpu2", {{0, kT0 + 1, kT0 + 7, 1}}}};
    const std::vector<NodeLineCost> lines = {hour("cpu1", "1"), hour("cpu2", "0.0000001"),
                                             hour("cpu3", "2.5")};
    auto split = split_node_costs(lines, on_node, 3);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->by_run[1].text(), "0.333333333333333333333333");
    EXPECT_EQ(split->by_run[2].text(), "0.333333333333333333333334");  // the rest
    EXPECT_EQ(split->lines_with_runs, 2);
    ExactAmount total = *amount("1").plus(amount("0.0000001"));
    expect_sums_to(*split, *total.plus(amount("2.5")));
}

TEST(BillSplit, NodesAndRunsThatDoNotMeetShareNothing) {
    OccupancyByNode on_node{{"cpu1", {{0, kT0 - 7200, kT0, 8}, {1, kT0 + 3600, kT0 + 4000, 8}}},
                            {"cpu2", {{2, kT0, kT0 + 3600, 8}}}};
    auto split = split_node_costs({hour("cpu1", "0.36")}, on_node, 3);
    ASSERT_TRUE(split);
    for (const auto& part : split->by_run) EXPECT_TRUE(part.is_zero());
    EXPECT_EQ(split->idle.text(), "0.36");
    EXPECT_EQ(split->lines_with_runs, 0);
}

TEST(BillSplit, IdleIsAlsoKeptByNode) {
    OccupancyByNode on_node{{"cpu1", {{0, kT0, kT0 + 900, 4}}}};
    auto split = split_node_costs({hour("cpu1", "0.36"), hour("cpu2", "0.72")}, on_node, 1);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->idle.text(), "0.99");
    ASSERT_EQ(split->idle_by_node.size(), 2u);
    EXPECT_EQ(split->idle_by_node.at("cpu1").text(), "0.27");  // 45 of its 60 minutes
    EXPECT_EQ(split->idle_by_node.at("cpu2").text(), "0.72");
}

TEST(BillSplit, ARunIndexOutOfRangeIsAnError) {
    OccupancyByNode on_node{{"cpu1", {{5, kT0, kT0 + 60, 1}}}};
    auto split = split_node_costs({hour("cpu1", "1")}, on_node, 1);
    ASSERT_FALSE(split);
    EXPECT_EQ(split.error(), "node cpu1: a run out of range");
}

}  // namespace
}  // namespace asbb
