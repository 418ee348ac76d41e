// What `asbb account rollover` carries from a budget into the next period:
// nothing, all that is left, a percentage of what is left, or what is left
// up to a cap. Pure: the ledger computes "what is left" under its row lock
// and asks carry_amount for the figure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/money.hpp"

namespace asbb {

struct CarryRule {
    enum class Kind { kNone, kAll, kPercent, kUpTo };
    Kind kind = Kind::kNone;
    int64_t percent_hundredths = 0;  // kPercent: 0 .. 10000 (0.00% .. 100.00%)
    Money cap;                       // kUpTo
};

// "none", "all", "N%" (0 to 100, at most two decimals: "12.5%") or
// "max=AMOUNT" (dollars, as every amount). Refused with the reason: a bare
// number (is "50" dollars or percent?), more than 100% ("carry of more than
// is left"), a negative or malformed amount, anything else.
Expected<CarryRule> parse_carry(std::string_view text);

// The amount to carry when `available` is left: never more than that, and
// nothing when nothing is left (an overcommitted budget carries nothing).
// A percentage is rounded half-up to the micro-dollar, once.
Money carry_amount(const CarryRule& rule, Money available);

// "none", "all", "12.5%", "up to $500.00": how messages name the rule.
std::string describe_carry(const CarryRule& rule);

}  // namespace asbb
