#include "core/exact_amount.hpp"

#include <charconv>

namespace asbb {

namespace {

__extension__ using Int128 = __int128;

constexpr Int128 kInt128Max = static_cast<Int128>((static_cast<unsigned __int128>(1) << 127) - 1);
constexpr int64_t kUnitsPerMicro = 1'000'000'000'000'000'000;  // 10^18: 10^-24 -> 10^-6

Int128 pow10(int exponent) {
    Int128 value = 1;
    for (int i = 0; i < exponent; ++i) value *= 10;
    return value;
}

// The sign, how many digits follow the point and the exponent of a
// well-formed amount.
struct Parts {
    bool negative = false;
    int fraction_digits = 0;
    int64_t exponent = 0;
};

Expected<Parts> split(std::string_view text) {
    Parts parts;
    size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) parts.negative = text[i++] == '-';
    const size_t int_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    size_t digit_count = i - int_start;
    if (i < text.size() && text[i] == '.') {
        const size_t frac_start = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        parts.fraction_digits = static_cast<int>(i - frac_start);
        digit_count += i - frac_start;
    }
    if (digit_count == 0) return make_error("no digits");
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        const char* begin = text.data() + i;
        if (i < text.size() && text[i] == '+') ++begin, ++i;
        auto [end, ec] = std::from_chars(begin, text.data() + text.size(), parts.exponent);
        if (ec != std::errc() || end == begin) return make_error("malformed exponent");
        i = static_cast<size_t>(end - text.data());
        if (parts.exponent < -1000 || parts.exponent > 1000)
            return make_error("exponent out of range");
    }
    if (i != text.size()) return make_error("unexpected '" + std::string(1, text[i]) + "'");
    return parts;
}

}  // namespace

Expected<ExactAmount> ExactAmount::parse(std::string_view text) {
    const std::string what = "invalid amount '" + std::string(text) + "': ";
    auto parts = split(text);
    if (!parts) return make_error(what + parts.error());
    // The digits again, without the point (split checked the grammar).
    std::string digits;
    for (char c : text) {
        if (c == 'e' || c == 'E') break;
        if (c >= '0' && c <= '9') digits += c;
    }
    // digits x 10^(exponent - fraction_digits), in units of 10^-24.
    int64_t shift = kScaleDigits + parts->exponent - parts->fraction_digits;
    // Trailing zeros cut below the scale are exact; any other digit is not.
    while (shift < 0 && !digits.empty()) {
        if (digits.back() != '0') return make_error(what + "more than 24 decimal places");
        digits.pop_back();
        ++shift;
    }
    if (shift < 0) shift = 0;  // the value was all zeros
    const size_t first = digits.find_first_not_of('0');
    digits = first == std::string::npos ? "" : digits.substr(first);
    if (digits.size() + static_cast<size_t>(shift) > 38) return make_error(what + "too large");
    Int128 units = 0;
    for (char c : digits) units = units * 10 + (c - '0');
    const Int128 scale = pow10(static_cast<int>(shift));
    if (units != 0 && units > kInt128Max / scale) return make_error(what + "too large");
    units *= scale;
    return ExactAmount(parts->negative ? -units : units);
}

ExactAmount ExactAmount::from_money(Money amount) {
    return ExactAmount(static_cast<Int128>(amount.micro) * kUnitsPerMicro);
}

Expected<ExactAmount> ExactAmount::plus(const ExactAmount& other) const {
    Int128 sum = 0;
    if (__builtin_add_overflow(units_, other.units_, &sum)) return make_error("sum too large");
    return ExactAmount(sum);
}

ExactAmount ExactAmount::negated() const {
    return ExactAmount(-units_);
}

Expected<ExactAmount> ExactAmount::share(int64_t part, int64_t whole) const {
    if (whole <= 0) return make_error("not a share of a whole");
    Int128 product = 0;
    if (__builtin_mul_overflow(units_, static_cast<Int128>(part), &product)) {
        return make_error("amount too large to split");
    }
    return ExactAmount(product / whole);
}

Expected<Money> ExactAmount::to_money() const {
    const Int128 magnitude = units_ < 0 ? -units_ : units_;
    Int128 micro = magnitude / kUnitsPerMicro;
    if (magnitude % kUnitsPerMicro >= kUnitsPerMicro / 2) ++micro;
    if (micro > INT64_MAX) return make_error("amount too large for micro-dollars");
    const auto value = static_cast<int64_t>(micro);
    return Money{units_ < 0 ? -value : value};
}

std::string ExactAmount::text() const {
    Int128 magnitude = units_ < 0 ? -units_ : units_;
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
        magnitude /= 10;
    } while (magnitude != 0);
    if (digits.size() <= static_cast<size_t>(kScaleDigits)) {
        digits.insert(0, static_cast<size_t>(kScaleDigits) + 1 - digits.size(), '0');
    }
    std::string whole = digits.substr(0, digits.size() - kScaleDigits);
    std::string fraction = digits.substr(digits.size() - kScaleDigits);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    return (units_ < 0 ? "-" : "") + whole + (fraction.empty() ? "" : "." + fraction);
}

}  // namespace asbb
