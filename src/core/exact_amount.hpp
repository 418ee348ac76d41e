// Exact decimal amounts as AWS's cost files write them: "0.0123456789",
// "9.052E-7", "-1.81E-8", "12", "1e3". A month of Cost and Usage Report
// lines is summed with no rounding at all, in a 128-bit count of 10^-24
// dollars (up to about 1.7 x 10^14 dollars, far above any bill); only a
// figure asbb stores is rounded, once, to the micro-dollar. Integers only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/money.hpp"

namespace asbb {

class ExactAmount {
  public:
    // Decimal places held exactly: a cost with more is refused, not rounded.
    static constexpr int kScaleDigits = 24;

    ExactAmount() = default;

    // [+-]digits[.digits][(e|E)[+-]digits], at least one digit before the
    // exponent; no spaces or thousands separators. The error says what is
    // wrong ("more than 24 decimal places", "too large").
    static Expected<ExactAmount> parse(std::string_view text);
    static ExactAmount from_money(Money amount);

    // Exact; an error only when the sum leaves the range.
    Expected<ExactAmount> plus(const ExactAmount& other) const;
    ExactAmount negated() const;
    Expected<ExactAmount> minus(const ExactAmount& other) const { return plus(other.negated()); }

    // This amount × part / whole, cut toward zero to the 10^-24 dollar (so
    // that a caller splitting a line can give the rest to one part and the
    // parts sum to the line exactly). whole > 0; an error when the product
    // leaves the 128-bit range.
    Expected<ExactAmount> share(int64_t part, int64_t whole) const;

    // Rounded half away from zero to the micro-dollar (0.0000005 -> 0.000001,
    // -0.0000005 -> -0.000001), as asbb rounds money everywhere; an error
    // beyond int64 micro-dollars.
    Expected<Money> to_money() const;

    // Exact decimal text without trailing zeros: "0.000000905", "-3", "12.5".
    std::string text() const;

    bool is_zero() const { return units_ == 0; }
    friend bool operator==(const ExactAmount&, const ExactAmount&) = default;

  private:
    __extension__ using Units = __int128;
    explicit ExactAmount(Units units) : units_(units) {}
    Units units_ = 0;  // in 10^-24 dollars
};

}  // namespace asbb
