// How big a hold is: the estimate of a job's AWS cost and the hold placed for
// it. estimate = nodes x node-hour price x time limit x array tasks, rounded
// once (half-up) to the micro-dollar; hold = estimate x HoldFactor, rounded
// once. The hold is computed from the rounded estimate so that the figures a
// user reads in a rejection ("$432.00 (est. $360.00 x 1.2)") agree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/money.hpp"

namespace asbb {

inline constexpr int64_t kPpm = 1'000'000;  // HoldFactor is stored in parts per million

struct JobShape {
    int64_t nodes = 1;         // >= 1
    int64_t time_limit_s = 0;  // >= 1
    int64_t array_tasks = 1;   // >= 1
};

struct HoldSize {
    Money estimate;
    Money hold;
};

// Errors on a shape outside its range or a result that overflows int64.
Expected<HoldSize> size_hold(const JobShape& shape, Money node_hour_price, int64_t hold_factor_ppm);

// Parses a HoldFactor such as "1.2" into ppm (1200000). Must be >= 1.0 and
// <= 10.0: a factor below one would hold less than the estimate.
Expected<int64_t> parse_hold_factor_ppm(std::string_view text);
// 1200000 -> "1.2", 1000000 -> "1.0" (one decimal at least, so it reads as a
// factor and parses back to the same ppm).
std::string format_hold_factor(int64_t hold_factor_ppm);

// The cost of a finished run: elapsed seconds x nodes x node-hour price / 3600,
// rounded once half-up. Used by the poller; here so both sides agree. Zero
// seconds or zero nodes (a job cancelled before it started) cost zero.
Expected<Money> actual_cost(int64_t elapsed_s, int64_t nodes, Money node_hour_price);

}  // namespace asbb
