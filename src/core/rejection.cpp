#include "core/rejection.hpp"

#include "core/hold_sizing.hpp"

namespace asbb {

std::string insufficient_funds_message(Money hold, Money estimate, int64_t hold_factor_ppm,
                                       const ShortfallText& shortfall) {
    std::string who;
    switch (shortfall.level) {
        case LevelKind::kAccount:
            who = "account " + shortfall.account;
            break;
        case LevelKind::kAncestor:
            who = "parent account " + shortfall.account;
            break;
        case LevelKind::kPartitionLimit:
            who = "the partition limit of account " + shortfall.account + " on " +
                  shortfall.partition;
            break;
    }
    return "asbb: job needs " + format_money_dollars(hold) + " (est. " +
           format_money_dollars(estimate) + " \xc3\x97 " + format_hold_factor(hold_factor_ppm) +
           ") on " + shortfall.partition + " but " + who + " has " +
           format_money_dollars(shortfall.available) + " available (budget " + shortfall.period +
           ")";
}

std::string no_active_period_message(const std::string& account, const std::string& period) {
    return "asbb: account " + account + " has no budget for the current period (last: " + period +
           "); ask your allocation manager";
}

}  // namespace asbb
