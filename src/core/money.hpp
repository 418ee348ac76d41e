// Money is a count of micro-dollars in an int64 (1 USD = 1,000,000). Every
// operation is exact or reports an error: nothing wraps, nothing is approximate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

inline constexpr int64_t kMicroPerUnit = 1'000'000;

// The largest amount asbb accepts in one budget, deposit, limit, cost or
// charge from people or programs (CLI, REST API): one billion dollars. Far
// above any cloud allocation, far below int64 overflow when a few are summed.
inline constexpr int64_t kMaxAmountMicro = 1'000'000'000 * kMicroPerUnit;

struct Money {
    int64_t micro = 0;

    static constexpr Money from_micro(int64_t micro_value) { return Money{micro_value}; }
    friend constexpr auto operator<=>(Money, Money) = default;
};

enum class Sign { kNonNegative, kAllowNegative };

// Parses "50000", "12.5", "0.000001", "-3.25" (sign only with kAllowNegative),
// "+1" is refused. At most 6 decimals, no whitespace, no exponent, no
// thousands separators. The error names the problem ("more than 6 decimals").
// ".5" and "5." are refused (a digit is required on both sides of the point,
// as strict as SLURM's own numbers); "-0" is zero where a sign is allowed.
Expected<Money> parse_money(std::string_view text, Sign sign = Sign::kNonNegative);

// The same grammar as parse_money for any fixed-point value with 6 decimals
// (HoldFactor in ppm, too); `what` names the value in the error:
// "invalid <what> '<text>': <problem>".
Expected<int64_t> parse_decimal_micro(std::string_view text, Sign sign, std::string_view what);

// Exact decimal text: at least two decimals, trailing zeros beyond the cents
// trimmed: 12500000 -> "12.50", 1 -> "0.000001", -3250000 -> "-3.25".
std::string format_money_exact(Money amount);

// Rounded to cents, half away from zero: 12345678 -> "12.35". For tables.
std::string format_money_cents(Money amount);

// "$432.00" style used in messages to people (cents, with a dollar sign;
// negative as "-$3.25").
std::string format_money_dollars(Money amount);

// Checked arithmetic: std::nullopt on int64 overflow.
std::optional<Money> checked_add(Money a, Money b);
std::optional<Money> checked_sub(Money a, Money b);
std::optional<Money> checked_mul(Money a, int64_t factor);

// round_half_up(numerator / denominator) computed with a 128-bit numerator of
// the product a * b * c (any may be 1). denominator > 0, a,b,c >= 0. Returns
// std::nullopt when the result does not fit in int64. Used for price x
// seconds / 3600 and amount x factor_ppm / 1e6: one rounding, at the end.
std::optional<int64_t> mul_div_round_half_up(int64_t a, int64_t b, int64_t c, int64_t denominator);

}  // namespace asbb
