// The arithmetic of `asbb usage`: roll-ups, the totals rule, burn, days
// left, percentages and ages, each against figures worked out by hand.
#include "core/usage_math.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

UsageFigures figures(int64_t spent, int64_t held, int64_t holds = 0) {
    return {Money{spent}, Money{held}, holds};
}

// root > physics > {proj001, proj002}; root > chem
const std::vector<int> kDepths = {0, 1, 2, 2, 1};

TEST(SubtreeSums, EachNodeSumsItselfAndEverythingBelow) {
    auto sums = subtree_sums(kDepths, {figures(1, 10, 1), figures(2, 20), figures(4, 40, 2),
                                       figures(8, 80, 3), figures(16, 160)});
    ASSERT_EQ(sums.size(), 5u);
    EXPECT_EQ(sums[0].spent.micro, 31);
    EXPECT_EQ(sums[0].held.micro, 310);
    EXPECT_EQ(sums[0].open_holds, 6);
    EXPECT_EQ(sums[1].spent.micro, 14);
    EXPECT_EQ(sums[1].held.micro, 140);
    EXPECT_EQ(sums[1].open_holds, 5);
    EXPECT_EQ(sums[2].spent.micro, 4);
    EXPECT_EQ(sums[3].spent.micro, 8);
    EXPECT_EQ(sums[4].spent.micro, 16);
}

TEST(SubtreeSums, SeveralTopLevelNodesStaySeparate) {
    auto sums =
        subtree_sums({0, 1, 0, 1}, {figures(1, 0), figures(2, 0), figures(4, 0), figures(8, 0)});
    EXPECT_EQ(sums[0].spent.micro, 3);
    EXPECT_EQ(sums[2].spent.micro, 12);
    EXPECT_TRUE(subtree_sums({}, {}).empty());
}

TEST(NearestMarkedAncestor, SkipsUnbudgetedLevelsAndSiblings) {
    // root (budgeted) > physics (not) > proj001 (budgeted); root > chem (budgeted)
    auto nearest = nearest_marked_ancestor(kDepths, {true, false, true, false, true});
    EXPECT_EQ(nearest, (std::vector<int>{-1, 0, 0, 0, 0}));
    // physics budgeted, root not: chem's nearest is none; a sibling never counts.
    nearest = nearest_marked_ancestor(kDepths, {false, true, true, true, true});
    EXPECT_EQ(nearest, (std::vector<int>{-1, -1, 1, 1, -1}));
}

TEST(DaysLeft, CountsAStartedDayAsOne) {
    const int64_t start = 1'000'000;
    const int64_t end = start + 10 * kSecondsPerDay;
    EXPECT_EQ(days_left(start, end, start - 5), 10);  // not started: the whole period
    EXPECT_EQ(days_left(start, end, start), 10);
    EXPECT_EQ(days_left(start, end, start + 1), 10);  // 9 days and 86399 s
    EXPECT_EQ(days_left(start, end, start + kSecondsPerDay), 9);
    EXPECT_EQ(days_left(start, end, end - 1), 1);
    EXPECT_EQ(days_left(start, end, end), 0);
    EXPECT_EQ(days_left(start, end, end + 99), 0);
}

TEST(DailyBurn, IsSpentOverElapsedDaysRoundedOnce) {
    const int64_t start = 0;
    const int64_t end = 365 * kSecondsPerDay;
    // $10 after 12 hours: $20 a day.
    EXPECT_EQ(daily_burn(Money{10'000'000}, start, end, kSecondsPerDay / 2).micro, 20'000'000);
    // $230.75 after 73.5 days: 3.13945578... -> 3.139456
    EXPECT_EQ(daily_burn(Money{230'750'000}, start, end, 6'350'400).micro, 3'139'456);
    // After the end the whole period counts: 999.99 / 365 = 2.7396986... -> 2.739699
    EXPECT_EQ(daily_burn(Money{999'990'000}, start, end, end + 1000).micro, 2'739'699);
    // Half a micro-dollar rounds away from zero, also for a negative spend.
    EXPECT_EQ(daily_burn(Money{1}, start, end, 2 * kSecondsPerDay).micro, 1);
    EXPECT_EQ(daily_burn(Money{-1}, start, end, 2 * kSecondsPerDay).micro, -1);
    EXPECT_EQ(daily_burn(Money{5'000'000}, 100, end, 100).micro, 0);  // not started
}

TEST(PercentText, OneDecimalHalfUp) {
    EXPECT_EQ(percent_text(Money{230'750'000}, Money{50'000'000'000}), "0.5%");  // 0.4615
    EXPECT_EQ(percent_text(Money{80'500'000}, Money{20'000'000'000}), "0.4%");   // 0.4025
    EXPECT_EQ(percent_text(Money{5}, Money{1000}), "0.5%");                      // exactly .05
    EXPECT_EQ(percent_text(Money{4}, Money{1000}), "0.4%");
    EXPECT_EQ(percent_text(Money{3}, Money{2}), "150.0%");
    EXPECT_EQ(percent_text(Money{0}, Money{1}), "0.0%");
    EXPECT_EQ(percent_text(Money{1}, Money{0}), "-");
    EXPECT_EQ(percent_text(Money{-1}, Money{10}), "-");
}

TEST(CompareRatio, IsExactAndPutsZeroWholesLast) {
    EXPECT_GT(compare_ratio(Money{230'750'000}, Money{50'000'000'000}, Money{80'500'000},
                            Money{20'000'000'000}),
              0);
    EXPECT_EQ(compare_ratio(Money{1}, Money{3}, Money{2}, Money{6}), 0);
    // 1e15 / (1e15 + 1) against (1e15 - 1) / 1e15: differ only past double precision
    const int64_t big = 1'000'000'000'000'000;
    EXPECT_GT(compare_ratio(Money{big}, Money{big + 1}, Money{big - 1}, Money{big}), 0);
    EXPECT_LT(compare_ratio(Money{5}, Money{0}, Money{0}, Money{10}), 0);
    EXPECT_GT(compare_ratio(Money{0}, Money{10}, Money{5}, Money{0}), 0);
}

TEST(FormatElapsed, SlurmForms) {
    EXPECT_EQ(format_elapsed(0), "00:00:00");
    EXPECT_EQ(format_elapsed(3600), "01:00:00");
    EXPECT_EQ(format_elapsed(57'600), "16:00:00");
    EXPECT_EQ(format_elapsed(95'400), "1-02:30:00");
    EXPECT_EQ(format_elapsed(24'840'000), "287-12:00:00");
    EXPECT_EQ(format_elapsed(-5), "00:00:00");
}

}  // namespace
}  // namespace asbb
