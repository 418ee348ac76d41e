#include "core/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace asbb {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

int64_t parse_ok(std::string_view text, Sign sign = Sign::kNonNegative) {
    auto parsed = parse_money(text, sign);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() ? parsed->micro : -999;
}

std::string parse_error(std::string_view text, Sign sign = Sign::kNonNegative) {
    auto parsed = parse_money(text, sign);
    EXPECT_FALSE(parsed.ok()) << "'" << text << "' parsed as " << (parsed.ok() ? parsed->micro : 0);
    return parsed.ok() ? "" : parsed.error();
}

TEST(ParseMoney, PlainForms) {
    EXPECT_EQ(parse_ok("50000"), 50'000'000'000);
    EXPECT_EQ(parse_ok("12.5"), 12'500'000);
    EXPECT_EQ(parse_ok("0.000001"), 1);
    EXPECT_EQ(parse_ok("0"), 0);
    EXPECT_EQ(parse_ok("0.0"), 0);
    EXPECT_EQ(parse_ok("3.06"), 3'060'000);
    EXPECT_EQ(parse_ok("1.123456"), 1'123'456);
    EXPECT_EQ(parse_ok("007.5"), 7'500'000);
}

TEST(ParseMoney, Negative) {
    EXPECT_EQ(parse_ok("-3.25", Sign::kAllowNegative), -3'250'000);
    EXPECT_EQ(parse_ok("-0.000001", Sign::kAllowNegative), -1);
    EXPECT_EQ(parse_error("-3.25"), "invalid amount '-3.25': must not be negative");
}

TEST(ParseMoney, NegativeZeroIsZeroWhereSignsAreAllowed) {
    EXPECT_EQ(parse_ok("-0", Sign::kAllowNegative), 0);
    EXPECT_EQ(parse_ok("-0.000000", Sign::kAllowNegative), 0);
    EXPECT_EQ(parse_error("-0"), "invalid amount '-0': must not be negative");
}

TEST(ParseMoney, Int64Bounds) {
    EXPECT_EQ(parse_ok("9223372036854.775807"), kMax);
    EXPECT_EQ(parse_error("9223372036854.775808"),
              "invalid amount '9223372036854.775808': too large (max 9223372036854.775807)");
    EXPECT_EQ(parse_ok("-9223372036854.775808", Sign::kAllowNegative), kMin);
    EXPECT_EQ(parse_error("-9223372036854.775809", Sign::kAllowNegative),
              "invalid amount '-9223372036854.775809': too small (min -9223372036854.775808)");
    EXPECT_EQ(parse_error("9223372036855"),
              "invalid amount '9223372036855': too large (max 9223372036854.775807)");
    // Far beyond 64 bits: must not wrap around to a small number.
    EXPECT_NE(parse_error("18446744073709551616").find("too large"), std::string::npos);
    EXPECT_NE(parse_error("36893488147419103232.5").find("too large"), std::string::npos);
    EXPECT_NE(parse_error(std::string(500, '9')).find("too large"), std::string::npos);
}

TEST(ParseMoney, SevenDecimalsRefused) {
    EXPECT_EQ(parse_error("12.3456789"), "invalid amount '12.3456789': more than 6 decimals");
    EXPECT_EQ(parse_error("0.0000001"), "invalid amount '0.0000001': more than 6 decimals");
    // Trailing zeros still count: the text says more than we can hold.
    EXPECT_EQ(parse_error("1.0000000"), "invalid amount '1.0000000': more than 6 decimals");
}

TEST(ParseMoney, EmptyAndWhitespace) {
    EXPECT_EQ(parse_error(""), "invalid amount '': empty");
    EXPECT_EQ(parse_error(" 1"), "invalid amount ' 1': whitespace is not allowed");
    EXPECT_EQ(parse_error("1 "), "invalid amount '1 ': whitespace is not allowed");
    EXPECT_EQ(parse_error("\t1"), "invalid amount '\\x091': whitespace is not allowed");
    EXPECT_EQ(parse_error("1\n"), "invalid amount '1\\x0a': whitespace is not allowed");
    EXPECT_EQ(parse_error("1 000"), "invalid amount '1 000': unexpected character ' '");
}

TEST(ParseMoney, SignsAndPoints) {
    EXPECT_EQ(parse_error("+1"), "invalid amount '+1': a '+' sign is not allowed");
    EXPECT_EQ(parse_error("+1", Sign::kAllowNegative),
              "invalid amount '+1': a '+' sign is not allowed");
    EXPECT_EQ(parse_error(".5"), "invalid amount '.5': expected a digit before '.'");
    EXPECT_EQ(parse_error("5."), "invalid amount '5.': expected a digit after '.'");
    EXPECT_EQ(parse_error("-.5", Sign::kAllowNegative),
              "invalid amount '-.5': expected a digit before '.'");
    EXPECT_EQ(parse_error("-", Sign::kAllowNegative), "invalid amount '-': expected a digit");
    EXPECT_EQ(parse_error("--1", Sign::kAllowNegative),
              "invalid amount '--1': unexpected character '-'");
    EXPECT_EQ(parse_error("."), "invalid amount '.': expected a digit before '.'");
    EXPECT_EQ(parse_error("1.2.3"), "invalid amount '1.2.3': unexpected character '.'");
}

TEST(ParseMoney, OtherNotationsRefused) {
    EXPECT_EQ(parse_error("1e5"), "invalid amount '1e5': unexpected character 'e'");
    EXPECT_EQ(parse_error("1,000"), "invalid amount '1,000': unexpected character ','");
    EXPECT_EQ(parse_error("$5"), "invalid amount '$5': unexpected character '$'");
    EXPECT_EQ(parse_error("5.e1"), "invalid amount '5.e1': unexpected character 'e'");
    EXPECT_EQ(parse_error("0x10"), "invalid amount '0x10': unexpected character 'x'");
    EXPECT_EQ(parse_error("nan"), "invalid amount 'nan': unexpected character 'n'");
    EXPECT_EQ(parse_error("1\xc3\xa9"),
              "invalid amount '1\\xc3\\xa9': unexpected character byte \\xc3");
}

TEST(ParseMoney, ErrorsStayOneLineAndShort) {
    const std::string error = parse_error(std::string(10'000, '1') + "x\n");
    EXPECT_EQ(error.find('\n'), std::string::npos);
    EXPECT_LT(error.size(), 200u);
}

TEST(ParseDecimalMicro, NamesTheValue) {
    auto parsed = parse_decimal_micro("1.0000001", Sign::kNonNegative, "hold factor");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error(), "invalid hold factor '1.0000001': more than 6 decimals");
}

TEST(FormatMoney, Exact) {
    EXPECT_EQ(format_money_exact(Money::from_micro(12'500'000)), "12.50");
    EXPECT_EQ(format_money_exact(Money::from_micro(1)), "0.000001");
    EXPECT_EQ(format_money_exact(Money::from_micro(-3'250'000)), "-3.25");
    EXPECT_EQ(format_money_exact(Money::from_micro(0)), "0.00");
    EXPECT_EQ(format_money_exact(Money::from_micro(1'000'000)), "1.00");
    EXPECT_EQ(format_money_exact(Money::from_micro(1'201'000)), "1.201");
    EXPECT_EQ(format_money_exact(Money::from_micro(-1)), "-0.000001");
    EXPECT_EQ(format_money_exact(Money::from_micro(kMax)), "9223372036854.775807");
    EXPECT_EQ(format_money_exact(Money::from_micro(kMin)), "-9223372036854.775808");
}

TEST(FormatMoney, ExactRoundTrip) {
    const int64_t values[] = {
        0,          1,          9,           10,         99,         100,        999'999,
        1'000'000,  1'000'001,  1'234'567,   12'340'000, 12'300'000, 10'000'000, 3'060'000,
        61'200'000, 73'440'000, 999'999'999, kMax,       kMax - 1,   kMax / 7,   -1,
        -10,        -999'999,   -1'000'000,  -1'234'567, kMin,       kMin + 1,   kMin / 3};
    for (int64_t micro : values) {
        const std::string text = format_money_exact(Money::from_micro(micro));
        EXPECT_EQ(parse_ok(text, Sign::kAllowNegative), micro) << text;
    }
    // Every step of a walk across magnitudes, including all decimal widths.
    for (int64_t micro = 1; micro < kMax / 3; micro = micro * 3 + 1) {
        for (int64_t value : {micro, -micro}) {
            const std::string text = format_money_exact(Money::from_micro(value));
            EXPECT_EQ(parse_ok(text, Sign::kAllowNegative), value) << text;
        }
    }
}

TEST(FormatMoney, TextRoundTrip) {
    for (std::string_view text :
         {"0.00", "12.50", "0.000001", "-3.25", "50000.00", "1.201", "9223372036854.775807",
          "-9223372036854.775808", "3.06", "0.10", "-0.01"}) {
        EXPECT_EQ(format_money_exact(Money::from_micro(parse_ok(text, Sign::kAllowNegative))),
                  text);
    }
}

TEST(FormatMoney, CentsRoundHalfAwayFromZero) {
    EXPECT_EQ(format_money_cents(Money::from_micro(12'345'678)), "12.35");
    EXPECT_EQ(format_money_cents(Money::from_micro(12'344'999)), "12.34");
    EXPECT_EQ(format_money_cents(Money::from_micro(5'000)), "0.01");  // exactly half a cent
    EXPECT_EQ(format_money_cents(Money::from_micro(4'999)), "0.00");
    EXPECT_EQ(format_money_cents(Money::from_micro(-5'000)), "-0.01");
    EXPECT_EQ(format_money_cents(Money::from_micro(-4'999)), "0.00");  // no "-0.00"
    EXPECT_EQ(format_money_cents(Money::from_micro(-12'345'678)), "-12.35");
    EXPECT_EQ(format_money_cents(Money::from_micro(995'000)), "1.00");  // carries into dollars
    EXPECT_EQ(format_money_cents(Money::from_micro(0)), "0.00");
    EXPECT_EQ(format_money_cents(Money::from_micro(kMax)), "9223372036854.78");
    EXPECT_EQ(format_money_cents(Money::from_micro(kMin)), "-9223372036854.78");
}

TEST(FormatMoney, Dollars) {
    EXPECT_EQ(format_money_dollars(Money::from_micro(432'000'000)), "$432.00");
    EXPECT_EQ(format_money_dollars(Money::from_micro(-3'250'000)), "-$3.25");
    EXPECT_EQ(format_money_dollars(Money::from_micro(0)), "$0.00");
    EXPECT_EQ(format_money_dollars(Money::from_micro(-1)), "$0.00");
    EXPECT_EQ(format_money_dollars(Money::from_micro(73'440'000)), "$73.44");
}

TEST(CheckedArithmetic, AddSubMul) {
    EXPECT_EQ(checked_add(Money{1}, Money{2}), Money{3});
    EXPECT_EQ(checked_add(Money{kMax}, Money{0}), Money{kMax});
    EXPECT_EQ(checked_add(Money{kMax}, Money{1}), std::nullopt);
    EXPECT_EQ(checked_add(Money{kMin}, Money{-1}), std::nullopt);
    EXPECT_EQ(checked_sub(Money{5}, Money{7}), Money{-2});
    EXPECT_EQ(checked_sub(Money{kMin}, Money{1}), std::nullopt);
    EXPECT_EQ(checked_sub(Money{0}, Money{kMin}), std::nullopt);
    EXPECT_EQ(checked_sub(Money{-1}, Money{kMin}), Money{kMax});
    EXPECT_EQ(checked_mul(Money{3'060'000}, 10), Money{30'600'000});
    EXPECT_EQ(checked_mul(Money{kMax / 2}, 2), Money{kMax - 1});
    EXPECT_EQ(checked_mul(Money{kMax / 2 + 1}, 2), std::nullopt);
    EXPECT_EQ(checked_mul(Money{kMin}, -1), std::nullopt);
    EXPECT_EQ(checked_mul(Money{-4}, -3), Money{12});
}

TEST(MulDivRoundHalfUp, RoundsOnceHalfUp) {
    EXPECT_EQ(mul_div_round_half_up(1, 1, 1, 2), 1);  // 0.5 -> 1
    EXPECT_EQ(mul_div_round_half_up(1, 1, 1, 3), 0);  // 0.333 -> 0
    EXPECT_EQ(mul_div_round_half_up(2, 1, 1, 3), 1);  // 0.667 -> 1
    EXPECT_EQ(mul_div_round_half_up(3, 1, 1, 2), 2);  // 1.5 -> 2
    EXPECT_EQ(mul_div_round_half_up(5, 1, 1, 2), 3);  // 2.5 -> 3, not to even
    EXPECT_EQ(mul_div_round_half_up(0, 123, 456, 7), 0);
    EXPECT_EQ(mul_div_round_half_up(7, 1, 1, 1), 7);
    // $3.06/h for 1801 s: 3060000 x 1801 / 3600 = 1530850 exactly.
    EXPECT_EQ(mul_div_round_half_up(3'060'000, 1801, 1, 3600), 1'530'850);
    // 1000001 x 1801 / 3600 = 500278.278 -> 500278
    EXPECT_EQ(mul_div_round_half_up(1'000'001, 1801, 1, 3600), 500'278);
}

TEST(MulDivRoundHalfUp, ProductBeyond64BitsWithin128) {
    // 2^62 x 4 = 2^64 does not fit in 64 bits; / 3 = 6148914691236517205.33 -> ...205
    EXPECT_EQ(mul_div_round_half_up(int64_t{1} << 62, 4, 1, 3), 6'148'914'691'236'517'205);
    // INT64_MAX x INT64_MAX / INT64_MAX = INT64_MAX exactly.
    EXPECT_EQ(mul_div_round_half_up(kMax, kMax, 1, kMax), kMax);
    // Three factors: 10^7 x 10^7 x 10^7 = 10^21 > 2^64; / 10^6 = 10^15.
    EXPECT_EQ(mul_div_round_half_up(10'000'000, 10'000'000, 10'000'000, 1'000'000),
              1'000'000'000'000'000);
    // 2^63-1 times 3 / 2 = 13835058055282163710.5 overflows int64 after division.
    EXPECT_EQ(mul_div_round_half_up(kMax, 3, 1, 2), std::nullopt);
}

TEST(MulDivRoundHalfUp, ResultOverflowDetected) {
    EXPECT_EQ(mul_div_round_half_up(kMax, 2, 1, 2), kMax);
    EXPECT_EQ(mul_div_round_half_up(kMax, 2, 1, 1), std::nullopt);
    EXPECT_EQ(mul_div_round_half_up(kMax, 1, 1, 1), kMax);
    EXPECT_EQ(mul_div_round_half_up(int64_t{1} << 32, int64_t{1} << 32, 2, 1), std::nullopt);
    // Even the 128-bit product overflows: refused, not wrapped.
    EXPECT_EQ(mul_div_round_half_up(kMax, kMax, kMax, kMax), std::nullopt);
    EXPECT_EQ(mul_div_round_half_up(kMax, kMax, 4, 1), std::nullopt);
}

TEST(MulDivRoundHalfUp, RoundingUpToTheBoundary) {
    // 2^64 - 1 = (2^32 - 1)(2^32 + 1) = 65535 x 65537 x (641 x 6700417): an odd product whose
    // half lands 0.5 below 2^63, so only the rounding step pushes it out of int64.
    const int64_t a = 3 * 5 * 17 * 257;        // 65535
    const int64_t b = int64_t{641} * 6700417;  // 4294967297
    const int64_t c = 65537;
    EXPECT_EQ(mul_div_round_half_up(a, b, c, 2), std::nullopt);      // 2^63 - 0.5 -> 2^63
    EXPECT_EQ(mul_div_round_half_up(a, b, c, 4), int64_t{1} << 62);  // 2^62 - 0.25 -> 2^62
}

TEST(MulDivRoundHalfUp, PreconditionsCheckedNotAssumed) {
    EXPECT_EQ(mul_div_round_half_up(1, 1, 1, 0), std::nullopt);
    EXPECT_EQ(mul_div_round_half_up(1, 1, 1, -3), std::nullopt);
    EXPECT_EQ(mul_div_round_half_up(-1, 1, 1, 1), std::nullopt);
    EXPECT_EQ(mul_div_round_half_up(1, -1, 1, 1), std::nullopt);
    EXPECT_EQ(mul_div_round_half_up(1, 1, -1, 1), std::nullopt);
}

}  // namespace
}  // namespace asbb
