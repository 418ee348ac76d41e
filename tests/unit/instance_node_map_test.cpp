// InstanceNodeMap: from an EC2 instance and a bill line's hour to the SLURM
// node it was, as `asbb bill import` uses `asbb bill map`'s spans.
#include "core/instance_node_map.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kT0 = 1'793'851'200;  // 2026-11-05T04:00:00Z

TEST(InstanceNodeMap, ALineIsOnTheNodeItsInstanceWasThen) {
    const InstanceNodeMap map({{"cpu1", "i-0a1b2c3d4e5f60718", kT0 - 300, std::nullopt},
                               {"cpu2", "i-0b2c3d4e5f6071829", kT0 - 300, std::nullopt}});
    EXPECT_EQ(map.span_count(), 2u);
    // The hour it was assigned in counts: it began before the assignment.
    EXPECT_EQ(map.node_of("i-0a1b2c3d4e5f60718", kT0 - kHour, kT0), "cpu1");
    EXPECT_EQ(map.node_of("i-0b2c3d4e5f6071829", kT0 + 5 * kHour, kT0 + 6 * kHour), "cpu2");
    EXPECT_EQ(map.node_of("i-0ffffffffffffffff", kT0, kT0 + kHour), "");
}

TEST(InstanceNodeMap, ANodesNextInstanceEndsItsSpan) {
    const InstanceNodeMap map({{"cpu2", "i-0b2c3d4e5f6071829", kT0, std::nullopt},
                               {"cpu2", "i-0c3d4e5f607182930", kT0 + 3 * kHour, std::nullopt}});
    EXPECT_EQ(map.node_of("i-0b2c3d4e5f6071829", kT0 + kHour, kT0 + 2 * kHour), "cpu2");
    // Hours of the old instance after the node got the new one (or far
    // beyond the launch grace) are no longer that node's.
    EXPECT_EQ(map.node_of("i-0b2c3d4e5f6071829", kT0 + 4 * kHour, kT0 + 5 * kHour), "");
    EXPECT_EQ(map.node_of("i-0c3d4e5f607182930", kT0 + 4 * kHour, kT0 + 5 * kHour), "cpu2");
}

TEST(InstanceNodeMap, AnInstanceLaunchedInTheHourBeforeItsAssignmentCounts) {
    const InstanceNodeMap map({{"cpu1", "i-0a1b2c3d4e5f60718", kT0 + 5, std::nullopt}});
    // Launched 03:59, logged 04:00:05: the 03:00 hour ends before the span.
    EXPECT_EQ(map.node_of("i-0a1b2c3d4e5f60718", kT0 - kHour, kT0), "cpu1");
    EXPECT_EQ(map.node_of("i-0a1b2c3d4e5f60718", kT0 - 3 * kHour, kT0 - 2 * kHour), "");
}

TEST(InstanceNodeMap, AnInstanceOnTwoNodesGoesWhereItWasLongest) {
    // An admin's CSV: the instance was renamed at 04:40.
    const InstanceNodeMap map({{"cpu1", "i-0a1b2c3d4e5f60718", kT0 - kHour, kT0 + 40 * 60},
                               {"cpu9", "i-0a1b2c3d4e5f60718", kT0 + 40 * 60, std::nullopt}});
    EXPECT_EQ(map.node_of("i-0a1b2c3d4e5f60718", kT0, kT0 + kHour), "cpu1");
    EXPECT_EQ(map.node_of("i-0a1b2c3d4e5f60718", kT0 + kHour, kT0 + 2 * kHour), "cpu9");
}

TEST(InstanceNodeMap, NamesAndIdsAreChecked) {
    EXPECT_TRUE(is_instance_id("i-0a1b2c3d4e5f60718"));
    EXPECT_TRUE(is_instance_id("i-0a1b2c3d"));
    EXPECT_FALSE(is_instance_id("i-0A1B2C3D"));
    EXPECT_FALSE(is_instance_id("i-01"));
    EXPECT_FALSE(is_instance_id("vol-0a1b2c3d"));
    EXPECT_TRUE(is_node_name("queue-dy-c5large-12"));
    EXPECT_FALSE(is_node_name("cpu[1-2]"));
    EXPECT_FALSE(is_node_name("-cpu"));
    EXPECT_FALSE(is_node_name("cpu'1"));
    EXPECT_FALSE(is_node_name(""));
}

}  // namespace
}  // namespace asbb
