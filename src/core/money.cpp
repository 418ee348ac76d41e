#include "core/money.hpp"

#include <limits>

#include "core/ascii.hpp"
#include "core/names.hpp"

namespace asbb {

namespace {

__extension__ typedef unsigned __int128 uint128_t;

constexpr int kDecimals = 6;
// |INT64_MIN| does not fit in int64, so magnitudes are kept unsigned.
constexpr uint64_t kMaxPositiveMagnitude =
    static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
constexpr uint64_t kMaxNegativeMagnitude = kMaxPositiveMagnitude + 1;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

uint64_t magnitude(int64_t value) {
    // Negating in unsigned arithmetic is defined for INT64_MIN too.
    return value < 0 ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
}

// Whole and fractional digits of a non-negative magnitude, fraction always
// 6 digits wide.
std::string format_fixed(uint64_t whole, uint64_t fraction, int width) {
    std::string digits = std::to_string(fraction);
    std::string text = std::to_string(whole);
    text += '.';
    text.append(static_cast<size_t>(width) - digits.size(), '0');
    text += digits;
    return text;
}

}  // namespace

Expected<int64_t> parse_decimal_micro(std::string_view text, Sign sign, std::string_view what) {
    auto fail = [&](std::string_view problem) {
        return make_error("invalid " + std::string(what) + " " + quote_input(text) + ": " +
                          std::string(problem));
    };
    if (text.empty()) {
        return fail("empty");
    }
    if (is_space(text.front()) || is_space(text.back())) {
        return fail("whitespace is not allowed");
    }
    size_t pos = 0;
    bool negative = false;
    if (text[0] == '+') {
        return fail("a '+' sign is not allowed");
    }
    if (text[0] == '-') {
        if (sign == Sign::kNonNegative) {
            return fail("must not be negative");
        }
        negative = true;
        pos = 1;
    }

    // 128 bits hold any int64 magnitude times 10 plus a digit, so one check
    // per digit against the int64 bound is enough to stop before wrapping.
    const uint64_t limit = negative ? kMaxNegativeMagnitude : kMaxPositiveMagnitude;
    uint128_t whole = 0;
    size_t whole_digits = 0;
    bool too_large = false;
    while (pos < text.size() && is_ascii_digit(text[pos])) {
        if (!too_large) {
            whole = whole * 10 + static_cast<uint64_t>(text[pos] - '0');
            too_large = whole > limit;
        }
        ++whole_digits;
        ++pos;
    }
    if (pos < text.size() && text[pos] == '.' && whole_digits == 0) {
        return fail("expected a digit before '.'");
    }
    if (whole_digits == 0) {
        return pos < text.size() ? fail("unexpected character " + describe_char(text[pos]))
                                 : fail("expected a digit");
    }

    uint64_t fraction = 0;
    int fraction_digits = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && is_ascii_digit(text[pos])) {
            if (fraction_digits == kDecimals) {
                return fail("more than 6 decimals");
            }
            fraction = fraction * 10 + static_cast<uint64_t>(text[pos] - '0');
            ++fraction_digits;
            ++pos;
        }
        if (fraction_digits == 0) {
            return pos < text.size() ? fail("unexpected character " + describe_char(text[pos]))
                                     : fail("expected a digit after '.'");
        }
    }
    if (pos < text.size()) {
        return fail("unexpected character " + describe_char(text[pos]));
    }
    for (int i = fraction_digits; i < kDecimals; ++i) {
        fraction *= 10;
    }

    const uint128_t total = too_large ? uint128_t{limit} + 1 : whole * kMicroPerUnit + fraction;
    if (total > limit) {
        return fail(negative ? "too small (min -9223372036854.775808)"
                             : "too large (max 9223372036854.775807)");
    }
    const auto total64 = static_cast<uint64_t>(total);
    // Two's complement conversion of the negated magnitude: exact for INT64_MIN.
    return negative ? static_cast<int64_t>(uint64_t{0} - total64) : static_cast<int64_t>(total64);
}

Expected<Money> parse_money(std::string_view text, Sign sign) {
    auto micro = parse_decimal_micro(text, sign, "amount");
    if (!micro) {
        return make_error(micro.error());
    }
    return Money::from_micro(*micro);
}

std::string format_money_exact(Money amount) {
    const uint64_t abs_micro = magnitude(amount.micro);
    std::string text =
        format_fixed(abs_micro / kMicroPerUnit, abs_micro % kMicroPerUnit, kDecimals);
    // Keep the cents, drop only zeros that carry no information beyond them.
    const size_t min_size = text.find('.') + 3;
    while (text.size() > min_size && text.back() == '0') {
        text.pop_back();
    }
    return amount.micro < 0 ? "-" + text : text;
}

std::string format_money_cents(Money amount) {
    constexpr uint64_t kMicroPerCent = kMicroPerUnit / 100;
    const uint64_t abs_micro = magnitude(amount.micro);
    // Rounding the magnitude rounds half away from zero for both signs; the
    // sum cannot wrap as abs_micro <= 2^63.
    const uint64_t cents = (abs_micro + kMicroPerCent / 2) / kMicroPerCent;
    const std::string text = format_fixed(cents / 100, cents % 100, 2);
    return amount.micro < 0 && cents != 0 ? "-" + text : text;
}

std::string format_money_dollars(Money amount) {
    std::string cents = format_money_cents(amount);
    if (!cents.empty() && cents.front() == '-') {
        return "-$" + cents.substr(1);
    }
    return "$" + cents;
}

std::optional<Money> checked_add(Money a, Money b) {
    int64_t sum = 0;
    if (__builtin_add_overflow(a.micro, b.micro, &sum)) {
        return std::nullopt;
    }
    return Money::from_micro(sum);
}

std::optional<Money> checked_sub(Money a, Money b) {
    int64_t difference = 0;
    if (__builtin_sub_overflow(a.micro, b.micro, &difference)) {
        return std::nullopt;
    }
    return Money::from_micro(difference);
}

std::optional<Money> checked_mul(Money a, int64_t factor) {
    int64_t product = 0;
    if (__builtin_mul_overflow(a.micro, factor, &product)) {
        return std::nullopt;
    }
    return Money::from_micro(product);
}

std::optional<int64_t> mul_div_round_half_up(int64_t a, int64_t b, int64_t c, int64_t denominator) {
    // The preconditions are checked, not assumed: a violated one must not
    // turn into a wrong amount of money.
    if (a < 0 || b < 0 || c < 0 || denominator <= 0) {
        return std::nullopt;
    }
    uint128_t product = 0;
    if (__builtin_mul_overflow(static_cast<uint128_t>(a), static_cast<uint128_t>(b), &product) ||
        __builtin_mul_overflow(product, static_cast<uint128_t>(c), &product)) {
        // A product beyond 2^128 divided by at most 2^63 is beyond int64.
        return std::nullopt;
    }
    const auto divisor = static_cast<uint128_t>(denominator);
    uint128_t quotient = product / divisor;
    const uint128_t remainder = product % divisor;
    if (remainder * 2 >= divisor) {
        ++quotient;
    }
    if (quotient > kMaxPositiveMagnitude) {
        return std::nullopt;
    }
    return static_cast<int64_t>(quotient);
}

}  // namespace asbb
