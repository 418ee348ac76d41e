// The arithmetic of `asbb forecast`: burn rates, a least-squares trend of
// daily spend and what it projects for the rest of a budget period. Exact:
// every figure is a rational number computed in 128-bit integers and rounded
// once, at the end, to whole micro-dollars (half away from zero, which is
// half up for the figures that cannot be negative). No floating point, so the
// same ledger gives the same figures on every machine.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

// Days the recent burn rate looks back over (today included).
inline constexpr int64_t kRecentBurnDays = 7;

struct ForecastInput {
    // Spend of each elapsed day of the period, the first day first and today
    // (or the period's last day, once it is over) last. May be empty: the
    // period has not started.
    std::vector<int64_t> daily_spend_micro;
    int64_t period_days = 0;  // days in the whole period, >= 1 and >= the series
    int64_t allocated_micro = 0;
};

struct Forecast {
    int64_t period_days = 0;
    int64_t days_elapsed = 0;        // the series' length
    int64_t days_left = 0;           // after the last elapsed day
    int64_t spent_micro = 0;         // the series' sum
    int64_t mean_daily_micro = 0;    // spent / days elapsed (0 before the period)
    int64_t recent_days = 0;         // min(kRecentBurnDays, days elapsed)
    int64_t recent_daily_micro = 0;  // spend of the last recent_days / recent_days
    // The least-squares line through (day index, spend of that day): its
    // slope (change of daily spend from one day to the next) and its value on
    // the last elapsed day. One day or none: a flat line through that day.
    int64_t trend_slope_micro = 0;
    int64_t trend_today_micro = 0;
    // The line summed over the days left, a day where it is below 0 counting
    // as 0 (spend never goes negative on its own), and spent plus that.
    int64_t projected_left_micro = 0;
    int64_t projected_total_micro = 0;
    // Index (0 = the period's first day) of the first day by whose end the
    // spend, actual then projected, reaches the allocation; none when it does
    // not within the period.
    std::optional<int64_t> runs_out_day;
    // (allocation - spent) / days left: the daily spend that would end the
    // period exactly on budget; 0 when nothing is left; none when no day is.
    std::optional<int64_t> on_budget_daily_micro;
};

// Refuses an inconsistent input (period_days < 1, a series longer than the
// period) and figures beyond 128-bit arithmetic (periods of centuries).
Expected<Forecast> compute_forecast(const ForecastInput& input);

// Heights 0-8 for a bar chart of daily spend: 0 for a day without spend (or
// a refund), else round_half_up(8 x spend / the largest day's spend) but at
// least 1, so that any spend is visible.
std::vector<int> chart_levels(const std::vector<int64_t>& daily_spend_micro);

}  // namespace asbb
