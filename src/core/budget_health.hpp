// The burst advisor's view of a budget (its /api/v1/asba endpoints): a
// health score from 0 to 100, a risk level and a decision among the
// advisor's PREFER_AWS, EITHER, PREFER_LOCAL and EMERGENCY_ONLY. Pure and
// integer-only.
#pragma once

#include <cstdint>
#include <string>

#include "core/money.hpp"

namespace asbb {

struct BudgetFigures {
    Money allocated;
    Money spent;
    Money held;
    int64_t period_start = 0;
    int64_t period_end = 0;
};

struct BudgetHealth {
    int health_score = 0;    // 0..100
    std::string risk_level;  // low, medium, high
    Money burn_rate_per_day;
    int64_t days_remaining = 0;
};

// health = the percentage still available, less half of how far spending
// runs ahead of the period's elapsed time (in percentage points).
BudgetHealth budget_health(const BudgetFigures& figures, int64_t now_s);

// PREFER_LOCAL when the cost does not fit; otherwise by health: >= 60
// PREFER_AWS, >= 30 EITHER, >= 10 PREFER_LOCAL, below EMERGENCY_ONLY.
std::string burst_decision(bool fits, int health_score);

// part / whole in percent with two decimals, without a sign ("12.50"), for the
// advisor API's messages; "0" when whole <= 0. (usage_math's percent_text is the
// one-decimal "12.5%" of the listings.)
std::string percent_hundredths_text(Money part, Money whole);

}  // namespace asbb
