// The spending ceiling asbb job-context hands to aws-slurm-burst.
#include "core/job_context.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

TEST(SpendCeiling, HoldPlusTheTightestLevel) {
    // held 10; levels have 500, 40 and 90 free: the job may spend 10 + 40
    auto ceiling = spend_ceiling(Money{10'000'000},
                                 {{Money{500'000'000}}, {Money{40'000'000}}, {Money{90'000'000}}});
    EXPECT_EQ(ceiling.max_total, Money{50'000'000});
    ASSERT_TRUE(ceiling.tightest_level.has_value());
    EXPECT_EQ(*ceiling.tightest_level, Money{40'000'000});
}

TEST(SpendCeiling, AnOverdrawnLevelLeavesOnlyTheHold) {
    auto ceiling = spend_ceiling(Money{7'000'000}, {{Money{5'000'000}}, {Money{-3'250'000}}});
    EXPECT_EQ(ceiling.max_total, Money{7'000'000});
    EXPECT_EQ(*ceiling.tightest_level, Money{-3'250'000});
}

TEST(SpendCeiling, NoLevelsMeansTheHoldAlone) {
    auto ceiling = spend_ceiling(Money{1}, {});
    EXPECT_EQ(ceiling.max_total, Money{1});
    EXPECT_FALSE(ceiling.tightest_level.has_value());
}

TEST(SpendCeiling, AClosedHoldWithNothingFreeIsZero) {
    EXPECT_EQ(spend_ceiling(Money{0}, {{Money{0}}}).max_total, Money{0});
}

TEST(SpendCeiling, OverflowFallsBackToTheHold) {
    auto ceiling = spend_ceiling(Money{INT64_MAX - 5}, {{Money{10}}});
    EXPECT_EQ(ceiling.max_total, Money{INT64_MAX - 5});
}

}  // namespace
}  // namespace asbb
