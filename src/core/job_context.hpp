// What a burst executor may spend on one job (asbb job-context): the job's
// hold plus the least that is still free at any level the hold counts
// against. Spending more would push some budget or partition limit below
// zero, which is what asbb exists to prevent.
#pragma once

#include <optional>
#include <vector>

#include "core/money.hpp"

namespace asbb {

// The balance of one level of a hold (a budget or a partition limit).
struct LevelBalance {
    Money available;  // allocated (or limit) - spent - held; may be negative
};

struct SpendCeiling {
    Money max_total;                      // held + max(0, tightest available)
    std::optional<Money> tightest_level;  // the smallest available, if any level
};

// held is what the hold still holds (nothing once it is closed). A
// level already overdrawn adds nothing, but never takes away the hold, which
// was reserved for this job.
SpendCeiling spend_ceiling(Money held, const std::vector<LevelBalance>& levels);

}  // namespace asbb
