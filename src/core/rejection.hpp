// The one-line messages a user reads when sbatch refuses a job. They name
// the budget level that lacked money, what the job needed and what is left,
// so the user knows whom to ask.
#pragma once

#include <cstdint>
#include <string>

#include "core/money.hpp"
#include "core/shortfall.hpp"

namespace asbb {

struct ShortfallText {
    LevelKind level = LevelKind::kAccount;
    std::string account;
    std::string partition;  // the job's partition
    std::string period;     // "2025-01-01..2025-12-31"
    Money available;
};

// "asbb: job needs $432.00 (est. $360.00 × 1.2) on aws-gpu but account
// physics has $120.50 available (budget 2025-01-01..2025-12-31)"
std::string insufficient_funds_message(Money hold, Money estimate, int64_t hold_factor_ppm,
                                       const ShortfallText& shortfall);

// "asbb: account proj001 has no active budget period (last: 2024-01-01..2024-12-31)"
std::string no_active_period_message(const std::string& account, const std::string& period);

}  // namespace asbb
