// compute_forecast on constructed series (issue 5, acceptance 2). Every
// expected figure is worked out by hand in the comment next to it; amounts
// in the comments are dollars, the assertions are micro-dollars.
#include "core/forecast.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace asbb {
namespace {

constexpr int64_t kUsd = 1'000'000;

std::vector<int64_t> dollars(std::initializer_list<int64_t> values) {
    std::vector<int64_t> micro;
    for (int64_t v : values) micro.push_back(v * kUsd);
    return micro;
}

Forecast forecast_ok(std::vector<int64_t> series, int64_t period_days, int64_t allocated_micro) {
    auto f = compute_forecast({std::move(series), period_days, allocated_micro});
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error());
    return f.ok() ? *f : Forecast{};
}

TEST(Forecast, FlatSeries) {
    // $5 a day for 4 days of a 10-day period, $40 allocated.
    Forecast f = forecast_ok(dollars({5, 5, 5, 5}), 10, 40 * kUsd);
    EXPECT_EQ(f.period_days, 10);
    EXPECT_EQ(f.days_elapsed, 4);
    EXPECT_EQ(f.days_left, 6);                      // 10 - 4
    EXPECT_EQ(f.spent_micro, 20 * kUsd);            // 4 x 5
    EXPECT_EQ(f.mean_daily_micro, 5 * kUsd);        // 20 / 4
    EXPECT_EQ(f.recent_days, 4);                    // fewer than 7 days elapsed
    EXPECT_EQ(f.recent_daily_micro, 5 * kUsd);      // 20 / 4
    EXPECT_EQ(f.trend_slope_micro, 0);              // n=4 Sx=6 Sxx=14 Sy=20 Sxy=30: Bn=4*30-6*20=0
    EXPECT_EQ(f.trend_today_micro, 5 * kUsd);       // a = (20 - 0*6)/4 = 5
    EXPECT_EQ(f.projected_left_micro, 30 * kUsd);   // 6 days x 5
    EXPECT_EQ(f.projected_total_micro, 50 * kUsd);  // 20 + 30
    // Cumulative: day 3 20, day 4 25, day 5 30, day 6 35, day 7 40 >= 40.
    EXPECT_EQ(f.runs_out_day, 7);
    // (40 - 20) / 6 = 3.3333333... -> 3.333333
    EXPECT_EQ(f.on_budget_daily_micro, 3'333'333);
}

TEST(Forecast, RisingSeries) {
    // $0, 1, 1, 3 on days 0-3 of an 8-day period, $20 allocated.
    Forecast f = forecast_ok(dollars({0, 1, 1, 3}), 8, 20 * kUsd);
    EXPECT_EQ(f.days_left, 4);                   // 8 - 4
    EXPECT_EQ(f.spent_micro, 5 * kUsd);          // 0+1+1+3
    EXPECT_EQ(f.mean_daily_micro, 1'250'000);    // 5 / 4 = 1.25
    EXPECT_EQ(f.recent_daily_micro, 1'250'000);  // the same 4 days
    // n=4 Sx=0+1+2+3=6 Sxx=0+1+4+9=14 Sy=5 Sxy=0*0+1*1+2*1+3*3=12
    // D = 4*14 - 6^2 = 20, Bn = 4*12 - 6*5 = 18, slope = 18/20 = 0.9
    EXPECT_EQ(f.trend_slope_micro, 900'000);
    // intercept = (5 - 0.9*6)/4 = -0.1; today (x=3): -0.1 + 2.7 = 2.6
    EXPECT_EQ(f.trend_today_micro, 2'600'000);
    // x=4..7: 3.5 + 4.4 + 5.3 + 6.2 = 19.4
    EXPECT_EQ(f.projected_left_micro, 19'400'000);
    EXPECT_EQ(f.projected_total_micro, 24'400'000);  // 5 + 19.4
    // 15 more needed: 3.5 (day 4), 7.9 (day 5), 13.2 (day 6), 19.4 (day 7) >= 15.
    EXPECT_EQ(f.runs_out_day, 7);
    EXPECT_EQ(f.on_budget_daily_micro, 3'750'000);  // (20 - 5) / 4
}

TEST(Forecast, FallingSeriesStopsAtZero) {
    // $9, 6, 4 on days 0-2 of a 6-day period, $100 allocated.
    Forecast f = forecast_ok(dollars({9, 6, 4}), 6, 100 * kUsd);
    EXPECT_EQ(f.spent_micro, 19 * kUsd);
    EXPECT_EQ(f.mean_daily_micro, 6'333'333);  // 19 / 3 = 6.3333333...
    EXPECT_EQ(f.recent_daily_micro, 6'333'333);
    // n=3 Sx=3 Sxx=5 Sy=19 Sxy=0*9+1*6+2*4=14
    // D = 3*5 - 9 = 6, Bn = 3*14 - 3*19 = -15, slope = -15/6 = -2.5
    EXPECT_EQ(f.trend_slope_micro, -2'500'000);
    // intercept = (19 + 2.5*3)/3 = 8.8333...; today (x=2): 8.8333... - 5 = 3.8333333...
    EXPECT_EQ(f.trend_today_micro, 3'833'333);
    // x=3: 8.8333... - 7.5 = 1.3333333...; x=4: -1.1666... and x=5: -3.666... count as 0.
    EXPECT_EQ(f.projected_left_micro, 1'333'333);
    // 19 + 4/3 = 20.3333333... (one rounding of the exact sum)
    EXPECT_EQ(f.projected_total_micro, 20'333'333);
    EXPECT_EQ(f.runs_out_day, std::nullopt);        // 20.33 < 100
    EXPECT_EQ(f.on_budget_daily_micro, 27 * kUsd);  // (100 - 19) / 3
}

TEST(Forecast, OneDay) {
    // $12.50 on the first day of a 30-day period, $100 allocated.
    Forecast f = forecast_ok({12'500'000}, 30, 100 * kUsd);
    EXPECT_EQ(f.days_elapsed, 1);
    EXPECT_EQ(f.days_left, 29);
    EXPECT_EQ(f.mean_daily_micro, 12'500'000);  // 12.5 / 1
    EXPECT_EQ(f.recent_days, 1);
    EXPECT_EQ(f.recent_daily_micro, 12'500'000);
    EXPECT_EQ(f.trend_slope_micro, 0);  // one point: a flat line through it
    EXPECT_EQ(f.trend_today_micro, 12'500'000);
    EXPECT_EQ(f.projected_left_micro, 362'500'000);  // 29 x 12.5
    EXPECT_EQ(f.projected_total_micro, 375 * kUsd);  // 12.5 + 362.5
    // 87.5 more needed = 7 days x 12.5: days 1..7, so day 7.
    EXPECT_EQ(f.runs_out_day, 7);
    // 87.5 / 29 = 3.01724137... -> 3.017241
    EXPECT_EQ(f.on_budget_daily_micro, 3'017'241);
}

TEST(Forecast, EmptyNoSpendYet) {
    // Five days without spend in a 30-day period, $100 allocated.
    Forecast f = forecast_ok({0, 0, 0, 0, 0}, 30, 100 * kUsd);
    EXPECT_EQ(f.days_elapsed, 5);
    EXPECT_EQ(f.days_left, 25);
    EXPECT_EQ(f.spent_micro, 0);
    EXPECT_EQ(f.mean_daily_micro, 0);
    EXPECT_EQ(f.recent_daily_micro, 0);
    EXPECT_EQ(f.trend_slope_micro, 0);  // Bn = 5*0 - 10*0 = 0
    EXPECT_EQ(f.trend_today_micro, 0);
    EXPECT_EQ(f.projected_left_micro, 0);
    EXPECT_EQ(f.projected_total_micro, 0);
    EXPECT_EQ(f.runs_out_day, std::nullopt);
    EXPECT_EQ(f.on_budget_daily_micro, 4 * kUsd);  // 100 / 25

    // The period has not started: no day elapsed, every day left.
    Forecast before = forecast_ok({}, 30, 100 * kUsd);
    EXPECT_EQ(before.days_elapsed, 0);
    EXPECT_EQ(before.days_left, 30);
    EXPECT_EQ(before.recent_days, 0);
    EXPECT_EQ(before.mean_daily_micro, 0);
    EXPECT_EQ(before.projected_total_micro, 0);
    EXPECT_EQ(before.runs_out_day, std::nullopt);
    EXPECT_EQ(before.on_budget_daily_micro, 3'333'333);  // 100 / 30 = 3.3333333...
}

TEST(Forecast, PeriodAlreadyEnded) {
    // All 4 days of a 4-day period: $10, 20, 30, 50; $100 allocated.
    Forecast f = forecast_ok(dollars({10, 20, 30, 50}), 4, 100 * kUsd);
    EXPECT_EQ(f.days_left, 0);
    EXPECT_EQ(f.spent_micro, 110 * kUsd);
    EXPECT_EQ(f.mean_daily_micro, 27'500'000);    // 110 / 4
    EXPECT_EQ(f.recent_daily_micro, 27'500'000);  // all 4 days
    // n=4 Sx=6 Sxx=14 Sy=110 Sxy=0+20+60+150=230
    // D = 20, Bn = 4*230 - 6*110 = 260, slope = 13; intercept = (110 - 78)/4 = 8
    EXPECT_EQ(f.trend_slope_micro, 13 * kUsd);
    EXPECT_EQ(f.trend_today_micro, 47 * kUsd);  // 8 + 13*3
    EXPECT_EQ(f.projected_left_micro, 0);       // no day left
    EXPECT_EQ(f.projected_total_micro, 110 * kUsd);
    // Cumulative 10, 30, 60, 110: the allocation was reached on day 3.
    EXPECT_EQ(f.runs_out_day, 3);
    EXPECT_EQ(f.on_budget_daily_micro, std::nullopt);  // no day left to spend on
}

TEST(Forecast, RecentBurnIsTheLastSevenDays) {
    // $100 on days 0-2, nothing on days 3-8, $7 on day 9 of 20; $1000 allocated.
    Forecast f = forecast_ok(dollars({100, 100, 100, 0, 0, 0, 0, 0, 0, 7}), 20, 1000 * kUsd);
    EXPECT_EQ(f.recent_days, 7);
    EXPECT_EQ(f.recent_daily_micro, 1 * kUsd);  // days 3-9: 7 / 7
    EXPECT_EQ(f.mean_daily_micro, 30'700'000);  // 307 / 10
}

TEST(Forecast, RoundsOnceHalfAwayFromZero) {
    // Micro-dollar series, so the halves show: mean 3/2 = 1.5 -> 2.
    Forecast two = forecast_ok({1, 2}, 2, 0);
    EXPECT_EQ(two.mean_daily_micro, 2);
    // {1, 0, 0}: Bn = 3*(0*1+1*0+2*0) - 3*1 = -3, D = 6: slope -0.5 -> -1;
    // intercept (1 + 0.5*3)/3 = 5/6, today (x=2): 5/6 - 1 = -1/6 -> 0.
    Forecast falling = forecast_ok({1, 0, 0}, 5, 10);
    EXPECT_EQ(falling.trend_slope_micro, -1);
    EXPECT_EQ(falling.trend_today_micro, 0);
    EXPECT_EQ(falling.projected_left_micro, 0);  // the line is below 0 after day 1
    // 1/3 = 0.333... -> 0, mean 1/3 -> 0; on budget (10 - 1)/2 = 4.5 -> 5.
    EXPECT_EQ(falling.mean_daily_micro, 0);
    EXPECT_EQ(falling.on_budget_daily_micro, 5);
    // Overspent: nothing is left to spend, and it ran out on day 0.
    Forecast over = forecast_ok({10}, 3, 5);
    EXPECT_EQ(over.on_budget_daily_micro, 0);
    EXPECT_EQ(over.runs_out_day, 0);
}

TEST(Forecast, RefusesInconsistentInputAndOverflow) {
    EXPECT_FALSE(compute_forecast({{}, 0, 0}).ok());
    EXPECT_FALSE(compute_forecast({{1, 2, 3}, 2, 0}).ok());
    const int64_t max = std::numeric_limits<int64_t>::max();
    auto huge = compute_forecast({{max, max, max}, 3, 0});
    ASSERT_FALSE(huge.ok());
    EXPECT_NE(huge.error().find("too large"), std::string::npos);
}

TEST(Forecast, ChartLevels) {
    // 8 x spend / largest, half up; any spend at least 1; none (or a refund) 0.
    EXPECT_EQ(chart_levels({0, 1, 4, 8}), (std::vector<int>{0, 1, 4, 8}));
    EXPECT_EQ(chart_levels({1, 1000}), (std::vector<int>{1, 8}));       // 0.008 -> at least 1
    EXPECT_EQ(chart_levels({3, 16, -5}), (std::vector<int>{2, 8, 0}));  // 1.5 -> 2
    EXPECT_EQ(chart_levels({}), (std::vector<int>{}));
}

}  // namespace
}  // namespace asbb
