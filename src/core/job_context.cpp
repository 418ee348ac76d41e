#include "core/job_context.hpp"

#include <algorithm>

namespace asbb {

SpendCeiling spend_ceiling(Money held, const std::vector<LevelBalance>& levels) {
    SpendCeiling ceiling;
    for (const LevelBalance& level : levels) {
        if (!ceiling.tightest_level || level.available.micro < ceiling.tightest_level->micro) {
            ceiling.tightest_level = level.available;
        }
    }
    const int64_t free_micro =
        ceiling.tightest_level ? std::max<int64_t>(0, ceiling.tightest_level->micro) : 0;
    // Both are bounded by allocations asbb accepted, so this cannot overflow;
    // if it ever did, the hold alone is the safe answer.
    ceiling.max_total = checked_add(held, Money{free_micro}).value_or(held);
    return ceiling;
}

}  // namespace asbb
