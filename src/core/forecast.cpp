#include "core/forecast.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace asbb {

namespace {

using i128 = __int128;

// Thrown by the checked operations; compute_forecast turns it into an error.
struct Overflow {};

i128 add(i128 a, i128 b) {
    i128 sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) throw Overflow{};
    return sum;
}

i128 sub(i128 a, i128 b) {
    i128 difference = 0;
    if (__builtin_sub_overflow(a, b, &difference)) throw Overflow{};
    return difference;
}

i128 mul(i128 a, i128 b) {
    i128 product = 0;
    if (__builtin_mul_overflow(a, b, &product)) throw Overflow{};
    return product;
}

// Floor and ceiling of a / b for b > 0 (C++ division truncates toward 0).
i128 floor_div(i128 a, i128 b) {
    i128 q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

i128 ceil_div(i128 a, i128 b) {
    i128 q = a / b;
    return (a % b != 0 && a > 0) ? q + 1 : q;
}

// The one rounding of every figure: numerator / denominator (> 0) to the
// nearest integer, halves away from zero, as an int64.
int64_t round_div(i128 numerator, i128 denominator) {
    const bool negative = numerator < 0;
    const i128 magnitude = negative ? sub(0, numerator) : numerator;
    const i128 q = add(mul(magnitude, 2), denominator) / mul(denominator, 2);
    const i128 result = negative ? -q : q;
    if (result > std::numeric_limits<int64_t>::max() ||
        result < std::numeric_limits<int64_t>::min()) {
        throw Overflow{};
    }
    return static_cast<int64_t>(result);
}

// The fitted line as trend(t) = (a + c t) / q with q > 0, t the day index.
struct Line {
    i128 a = 0;
    i128 c = 0;
    i128 q = 1;
    i128 slope_numerator = 0;  // slope = slope_numerator / slope_denominator
    i128 slope_denominator = 1;

    i128 at(i128 t) const { return add(a, mul(c, t)); }
};

// Least squares over the points (i, y_i), i = 0..n-1:
//   slope     b = (n Sxy - Sx Sy) / D,  D = n Sxx - Sx^2
//   intercept a = (Sy - b Sx) / n = (Sy D - (n Sxy - Sx Sy) Sx) / (n D)
// so trend(t) = (Sy D - Bn Sx + n Bn t) / (n D) with Bn = n Sxy - Sx Sy.
Line fit_line(const std::vector<int64_t>& y) {
    const i128 n = static_cast<i128>(y.size());
    Line line;
    if (n == 0) return line;  // nothing spent, nothing to extend: 0
    if (n == 1) {
        line.a = y[0];  // a flat line through the one day
        return line;
    }
    i128 sy = 0;
    i128 sxy = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        sy = add(sy, y[i]);
        sxy = add(sxy, mul(static_cast<i128>(i), y[i]));
    }
    const i128 sx = n * (n - 1) / 2;
    const i128 sxx = mul(mul(n - 1, n), 2 * n - 1) / 6;
    const i128 d = sub(mul(n, sxx), mul(sx, sx));  // n^2 (n^2 - 1) / 12 > 0
    const i128 bn = sub(mul(n, sxy), mul(sx, sy));
    line.a = sub(mul(sy, d), mul(bn, sx));
    line.c = mul(n, bn);
    line.q = mul(n, d);
    line.slope_numerator = bn;
    line.slope_denominator = d;
    return line;
}

// Sum of max(0, a + c t) over t = lo..hi (the numerator over line.q). The
// line is positive on one contiguous run of days, found exactly; the sum of
// a + c t over l..h is k a + c (l + h) k / 2 with k = h - l + 1, and
// (l + h) k is always even.
i128 positive_sum(const Line& line, i128 lo, i128 hi) {
    if (line.c > 0) {
        lo = std::max(lo, floor_div(sub(0, line.a), line.c) + 1);  // first t with a + c t > 0
    } else if (line.c < 0) {
        hi = std::min(hi, ceil_div(line.a, sub(0, line.c)) - 1);  // last t with a + c t > 0
    } else if (line.a <= 0) {
        return 0;
    }
    if (hi < lo) return 0;
    const i128 k = hi - lo + 1;
    return add(mul(k, line.a), mul(line.c, mul(lo + hi, k) / 2));
}

Forecast compute(const ForecastInput& input) {
    const std::vector<int64_t>& y = input.daily_spend_micro;
    Forecast f;
    f.period_days = input.period_days;
    f.days_elapsed = static_cast<int64_t>(y.size());
    f.days_left = f.period_days - f.days_elapsed;

    i128 spent = 0;
    for (int64_t day : y) spent = add(spent, day);
    f.spent_micro = round_div(spent, 1);
    if (f.days_elapsed > 0) f.mean_daily_micro = round_div(spent, f.days_elapsed);
    f.recent_days = std::min(kRecentBurnDays, f.days_elapsed);
    if (f.recent_days > 0) {
        i128 recent = 0;
        for (auto it = y.end() - f.recent_days; it != y.end(); ++it) recent = add(recent, *it);
        f.recent_daily_micro = round_div(recent, f.recent_days);
    }

    const Line line = fit_line(y);
    f.trend_slope_micro = round_div(line.slope_numerator, line.slope_denominator);
    if (f.days_elapsed > 0) f.trend_today_micro = round_div(line.at(f.days_elapsed - 1), line.q);
    const i128 first_left = f.days_elapsed;
    const i128 last_left = static_cast<i128>(f.period_days) - 1;
    const i128 projected_left = positive_sum(line, first_left, last_left);
    f.projected_left_micro = round_div(projected_left, line.q);
    f.projected_total_micro = round_div(add(mul(spent, line.q), projected_left), line.q);

    // The first day by whose end the spend reached the allocation: among the
    // elapsed days from the actual spend, then from the projection.
    i128 cumulative = 0;
    for (size_t i = 0; i < y.size() && !f.runs_out_day; ++i) {
        cumulative = add(cumulative, y[i]);
        if (cumulative >= input.allocated_micro) f.runs_out_day = static_cast<int64_t>(i);
    }
    if (!f.runs_out_day && f.days_left > 0) {
        // Projected spend of days first_left..t, times q, is
        // positive_sum(first_left, t): it never falls, so bisect for the
        // first t where it covers what is left of the allocation.
        const i128 needed = mul(sub(input.allocated_micro, spent), line.q);
        if (projected_left >= needed) {
            i128 lo = first_left;
            i128 hi = last_left;
            while (lo < hi) {
                const i128 mid = lo + (hi - lo) / 2;
                if (positive_sum(line, first_left, mid) >= needed) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            f.runs_out_day = static_cast<int64_t>(lo);
        }
    }

    if (f.days_left > 0) {
        const i128 left = sub(input.allocated_micro, spent);
        f.on_budget_daily_micro = left > 0 ? round_div(left, f.days_left) : 0;
    }
    return f;
}

}  // namespace

Expected<Forecast> compute_forecast(const ForecastInput& input) {
    if (input.period_days < 1) return make_error("a budget period has at least one day");
    if (static_cast<int64_t>(input.daily_spend_micro.size()) > input.period_days) {
        return make_error("the daily series (" + std::to_string(input.daily_spend_micro.size()) +
                          " days) is longer than the period (" + std::to_string(input.period_days) +
                          " days)");
    }
    try {
        return compute(input);
    } catch (const Overflow&) {
        return make_error("the forecast's figures are too large to compute exactly");
    }
}

std::vector<int> chart_levels(const std::vector<int64_t>& daily_spend_micro) {
    int64_t largest = 0;
    for (int64_t day : daily_spend_micro) largest = std::max(largest, day);
    std::vector<int> levels;
    levels.reserve(daily_spend_micro.size());
    for (int64_t day : daily_spend_micro) {
        if (day <= 0) {
            levels.push_back(0);
            continue;
        }
        // 8 day / largest, half up, in 128 bits: 8 x int64 may overflow.
        const i128 level =
            (static_cast<i128>(day) * 16 + largest) / (static_cast<i128>(largest) * 2);
        levels.push_back(std::max(1, static_cast<int>(level)));
    }
    return levels;
}

}  // namespace asbb
