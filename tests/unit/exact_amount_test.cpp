#include "core/exact_amount.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

std::string exact(std::string_view text) {
    auto amount = ExactAmount::parse(text);
    return amount ? amount->text() : "error: " + amount.error();
}

int64_t micro(std::string_view text) {
    return ExactAmount::parse(text)->to_money()->micro;
}

// As real Cost and Usage Reports write them: exponents, more than six
// decimals, plain integers.
TEST(ExactAmount, ReadsTheFormsCostFilesUse) {
    EXPECT_EQ(exact("9.052E-7"), "0.0000009052");
    EXPECT_EQ(exact("1.81E-8"), "0.0000000181");
    EXPECT_EQ(exact("-1.81e-8"), "-0.0000000181");
    EXPECT_EQ(exact("0.0123456789"), "0.0123456789");
    EXPECT_EQ(exact("12"), "12");
    EXPECT_EQ(exact("1e3"), "1000");
    EXPECT_EQ(exact("2.50E+2"), "250");
    EXPECT_EQ(exact("0.000"), "0");
    EXPECT_EQ(exact("-0"), "0");
    EXPECT_EQ(exact("1.000000000000000000000000000"), "1");  // zeros beyond the scale are exact
}

TEST(ExactAmount, RefusesWhatItCannotHoldExactly) {
    EXPECT_EQ(exact(""), "error: invalid amount '': no digits");
    EXPECT_EQ(exact("abc"), "error: invalid amount 'abc': no digits");
    EXPECT_EQ(exact("1.2.3"), "error: invalid amount '1.2.3': unexpected '.'");
    EXPECT_EQ(exact("1,5"), "error: invalid amount '1,5': unexpected ','");
    EXPECT_EQ(exact(" 1"), "error: invalid amount ' 1': no digits");
    EXPECT_EQ(exact("1e"), "error: invalid amount '1e': malformed exponent");
    EXPECT_EQ(exact("1e99999"), "error: invalid amount '1e99999': exponent out of range");
    EXPECT_EQ(exact("1e-25"), "error: invalid amount '1e-25': more than 24 decimal places");
    EXPECT_EQ(exact("1e15"), "error: invalid amount '1e15': too large");
    EXPECT_EQ(exact("nan"), "error: invalid amount 'nan': no digits");
}

// A million lines of a billionth of a dollar make exactly a thousandth: no
// rounding until the end, where a double would drift.
TEST(ExactAmount, SumsWithoutRoundingAndRoundsOnceHalfAwayFromZero) {
    ExactAmount sum;
    const ExactAmount tiny = *ExactAmount::parse("1E-9");
    for (int i = 0; i < 1'000'000; ++i) sum = *sum.plus(tiny);
    EXPECT_EQ(sum.text(), "0.001");
    EXPECT_EQ(sum.to_money()->micro, 1000);
    EXPECT_EQ(micro("0.0000005"), 1);
    EXPECT_EQ(micro("0.00000049999999"), 0);
    EXPECT_EQ(micro("-0.0000005"), -1);
    EXPECT_EQ(micro("-0.0000004"), 0);
    EXPECT_EQ(micro("123.4567891"), 123'456'789);
    EXPECT_EQ(ExactAmount::from_money(Money{-2'500'000}).text(), "-2.5");
    EXPECT_EQ(sum.plus(sum.negated())->is_zero(), true);
    // About 1.7 x 10^14 dollars is the most a sum holds; beyond, an error.
    const ExactAmount big = *ExactAmount::parse("99999999999999");
    EXPECT_TRUE(big.plus(*ExactAmount::parse("1")).ok());
    EXPECT_EQ(big.to_money().error(), "amount too large for micro-dollars");  // > int64
    EXPECT_EQ(big.plus(big).error(), "sum too large");
}

// The bill's attribution cuts lines by seconds and CPUs: toward zero, to
// the 10^-24 dollar, and a product beyond 128 bits is an error, not a wrap.
TEST(ExactAmount, ShareCutsTowardZeroAndRefusesWhatLeavesTheRange) {
    const ExactAmount one = *ExactAmount::parse("1");
    EXPECT_EQ(one.share(1, 3)->text(), "0.333333333333333333333333");
    EXPECT_EQ(one.negated().share(2, 3)->text(), "-0.666666666666666666666666");
    EXPECT_EQ(one.share(3600, 3600)->text(), "1");
    EXPECT_EQ(one.share(5, 4)->text(), "1.25");
    EXPECT_TRUE(one.share(0, 7)->is_zero());
    EXPECT_EQ(one.share(1, 0).error(), "not a share of a whole");
    const ExactAmount big = *ExactAmount::parse("99999999999999");
    EXPECT_EQ(big.share(INT64_MAX, INT64_MAX).error(), "amount too large to split");
    EXPECT_EQ(one.minus(one)->is_zero(), true);
}

}  // namespace
}  // namespace asbb
