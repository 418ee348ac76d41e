#include "core/hold_sizing.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace asbb {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

HoldSize size_ok(const JobShape& shape, int64_t price_micro, int64_t factor_ppm) {
    auto sized = size_hold(shape, Money::from_micro(price_micro), factor_ppm);
    EXPECT_TRUE(sized.ok()) << (sized.ok() ? "" : sized.error());
    return sized.ok() ? *sized : HoldSize{Money{-1}, Money{-1}};
}

std::string size_error(const JobShape& shape, int64_t price_micro, int64_t factor_ppm) {
    auto sized = size_hold(shape, Money::from_micro(price_micro), factor_ppm);
    EXPECT_FALSE(sized.ok());
    return sized.ok() ? "" : sized.error();
}

TEST(SizeHold, WorkedExample) {
    // 2 nodes x $3.06/h x 1 h x 10 tasks = $61.20; held at 1.2 = $73.44.
    const HoldSize size =
        size_ok({.nodes = 2, .time_limit_s = 3600, .array_tasks = 10}, 3'060'000, 1'200'000);
    EXPECT_EQ(size.estimate.micro, 61'200'000);
    EXPECT_EQ(size.hold.micro, 73'440'000);
    EXPECT_EQ(format_money_dollars(size.estimate), "$61.20");
    EXPECT_EQ(format_money_dollars(size.hold), "$73.44");
}

TEST(SizeHold, SixDecimalPriceAndOddSecondsRoundOnce) {
    // 3 x 3061234 x 3601 = 33070510902; / 3600 = 9186253.0283 -> 9186253.
    // Hold: 9186253 x 1.234567 = 11341044.97... -> 11341045.
    const HoldSize size =
        size_ok({.nodes = 3, .time_limit_s = 3601, .array_tasks = 1}, 3'061'234, 1'234'567);
    EXPECT_EQ(size.estimate.micro, 9'186'253);
    EXPECT_EQ(size.hold.micro, 11'341'045);
}

TEST(SizeHold, ExactHalfRoundsUp) {
    // 3060001 x 1800 / 3600 = 1530000.5 -> 1530001 (half-up, not to even).
    const HoldSize size =
        size_ok({.nodes = 1, .time_limit_s = 1800, .array_tasks = 1}, 3'060'001, 1'000'000);
    EXPECT_EQ(size.estimate.micro, 1'530'001);
    EXPECT_EQ(size.hold.micro, 1'530'001);
    // Hold rounding half-up too: 5 x 1.1 = 5.5 -> 6. (5 micro: 1 node, 3600 s at 5 micro/h.)
    const HoldSize tiny =
        size_ok({.nodes = 1, .time_limit_s = 3600, .array_tasks = 1}, 5, 1'100'000);
    EXPECT_EQ(tiny.estimate.micro, 5);
    EXPECT_EQ(tiny.hold.micro, 6);
}

TEST(SizeHold, HoldIsComputedFromTheRoundedEstimate) {
    // Estimate 1 x 1 x 1801 / 3600 = 0.5003 -> 1 micro; at 10.0 the hold is 10 micro,
    // not round(0.5003 x 10) = 5.
    const HoldSize size =
        size_ok({.nodes = 1, .time_limit_s = 1801, .array_tasks = 1}, 1, 10'000'000);
    EXPECT_EQ(size.estimate.micro, 1);
    EXPECT_EQ(size.hold.micro, 10);
}

TEST(SizeHold, ZeroPriceHoldsNothing) {
    const HoldSize size =
        size_ok({.nodes = 4, .time_limit_s = 86'400, .array_tasks = 100}, 0, 1'200'000);
    EXPECT_EQ(size.estimate.micro, 0);
    EXPECT_EQ(size.hold.micro, 0);
}

TEST(SizeHold, ShapeOutOfRange) {
    EXPECT_EQ(size_error({.nodes = 0, .time_limit_s = 60, .array_tasks = 1}, 1, 1'000'000),
              "cannot size hold: node count 0 is below 1");
    EXPECT_EQ(size_error({.nodes = 1, .time_limit_s = 0, .array_tasks = 1}, 1, 1'000'000),
              "cannot size hold: time limit 0s is below 1s");
    EXPECT_EQ(size_error({.nodes = 1, .time_limit_s = 60, .array_tasks = -2}, 1, 1'000'000),
              "cannot size hold: array task count -2 is below 1");
    EXPECT_EQ(size_error({.nodes = 1, .time_limit_s = 60, .array_tasks = 1}, -1, 1'000'000),
              "cannot size hold: negative node-hour price -0.000001");
    EXPECT_EQ(size_error({.nodes = 1, .time_limit_s = 60, .array_tasks = 1}, 1, 999'999),
              "cannot size hold: hold factor 0.999999 is outside 1.0-10.0");
    EXPECT_EQ(size_error({.nodes = 1, .time_limit_s = 60, .array_tasks = 1}, 1, 10'000'001),
              "cannot size hold: hold factor 10.000001 is outside 1.0-10.0");
}

TEST(SizeHold, OverflowDetected) {
    EXPECT_EQ(size_error({.nodes = kMax, .time_limit_s = 60, .array_tasks = 2}, 1, 1'000'000),
              "cannot size hold: 9223372036854775807 nodes x 2 array tasks is too large");
    // 1000 nodes x $1000/h x 10^13 s: the product fits in 128 bits, the estimate not in int64.
    EXPECT_EQ(size_error({.nodes = 1000, .time_limit_s = 10'000'000'000'000, .array_tasks = 1},
                         1'000'000'000, 1'000'000),
              "cannot size hold: estimate for 1000 nodes x 1 array tasks x 10000000000000s at "
              "$1000.00/node-hour overflows");
    // The estimate fits, the hold at 10x does not.
    const int64_t price = 3'600'000'000'000'000'000;  // $3.6 trillion an hour
    const HoldSize fits =
        size_ok({.nodes = 1, .time_limit_s = 3600, .array_tasks = 1}, price, 1'000'000);
    EXPECT_EQ(fits.hold.micro, price);
    const std::string error =
        size_error({.nodes = 1, .time_limit_s = 3600, .array_tasks = 1}, price, 10'000'000);
    EXPECT_EQ(error, "cannot size hold: hold for estimate $3600000000000.00 x 10.0 overflows");
}

TEST(SizeHold, LargeButFiniteIntermediateStaysExact) {
    // 10^6 nodes x $100/h x 10^6 s: the product 10^6 x 10^8 x 10^6 = 10^20 is past 64 bits.
    const HoldSize size = size_ok({.nodes = 1'000'000, .time_limit_s = 1'000'000, .array_tasks = 1},
                                  100'000'000, 1'500'000);
    // 10^20 / 3600 = 27777777777777777.78 -> ...778
    EXPECT_EQ(size.estimate.micro, 27'777'777'777'777'778);
    EXPECT_EQ(size.hold.micro, 41'666'666'666'666'667);
}

int64_t factor_ok(std::string_view text) {
    auto parsed = parse_hold_factor_ppm(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() ? *parsed : -1;
}

std::string factor_error(std::string_view text) {
    auto parsed = parse_hold_factor_ppm(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.ok() ? "" : parsed.error();
}

TEST(HoldFactor, Parse) {
    EXPECT_EQ(factor_ok("1.2"), 1'200'000);
    EXPECT_EQ(factor_ok("1"), 1'000'000);
    EXPECT_EQ(factor_ok("1.0"), 1'000'000);
    EXPECT_EQ(factor_ok("10"), 10'000'000);
    EXPECT_EQ(factor_ok("10.000000"), 10'000'000);
    EXPECT_EQ(factor_ok("1.000001"), 1'000'001);
    EXPECT_EQ(factor_ok("2.5"), 2'500'000);
}

TEST(HoldFactor, Refused) {
    EXPECT_EQ(factor_error("0.9"), "invalid hold factor '0.9': must be between 1.0 and 10.0");
    EXPECT_EQ(factor_error("0.999999"),
              "invalid hold factor '0.999999': must be between 1.0 and 10.0");
    EXPECT_EQ(factor_error("10.5"), "invalid hold factor '10.5': must be between 1.0 and 10.0");
    EXPECT_EQ(factor_error("10.000001"),
              "invalid hold factor '10.000001': must be between 1.0 and 10.0");
    EXPECT_EQ(factor_error("1.0000001"), "invalid hold factor '1.0000001': more than 6 decimals");
    EXPECT_EQ(factor_error("-1.2"), "invalid hold factor '-1.2': must not be negative");
    EXPECT_EQ(factor_error(""), "invalid hold factor '': empty");
    EXPECT_EQ(factor_error("1.2x"), "invalid hold factor '1.2x': unexpected character 'x'");
    EXPECT_EQ(factor_error("120%"), "invalid hold factor '120%': unexpected character '%'");
    EXPECT_EQ(factor_error(".5"), "invalid hold factor '.5': expected a digit before '.'");
    EXPECT_EQ(factor_error(" 1.2"), "invalid hold factor ' 1.2': whitespace is not allowed");
}

TEST(HoldFactor, Format) {
    EXPECT_EQ(format_hold_factor(1'200'000), "1.2");
    EXPECT_EQ(format_hold_factor(1'000'000), "1.0");
    EXPECT_EQ(format_hold_factor(10'000'000), "10.0");
    EXPECT_EQ(format_hold_factor(1'250'000), "1.25");
    EXPECT_EQ(format_hold_factor(1'234'567), "1.234567");
    EXPECT_EQ(format_hold_factor(1'000'001), "1.000001");
    for (int64_t ppm :
         {1'000'000, 1'000'001, 1'100'000, 1'200'000, 1'234'567, 9'999'999, 10'000'000}) {
        EXPECT_EQ(factor_ok(format_hold_factor(ppm)), ppm);
    }
}

TEST(ActualCost, RoundsOnceHalfUp) {
    // 2 nodes x $3.06/h x 1 h = $6.12.
    EXPECT_EQ(actual_cost(3600, 2, Money{3'060'000})->micro, 6'120'000);
    // 1 node x 3060001 micro/h x 1800 s = 1530000.5 -> 1530001.
    EXPECT_EQ(actual_cost(1800, 1, Money{3'060'001})->micro, 1'530'001);
    // 7 s x 3 nodes x $3.061234/h = 64285914 / 3600 = 17857.19 -> 17857.
    EXPECT_EQ(actual_cost(7, 3, Money{3'061'234})->micro, 17'857);
    // Nothing ran: nothing is owed.
    EXPECT_EQ(actual_cost(0, 4, Money{3'060'000})->micro, 0);
    EXPECT_EQ(actual_cost(120, 0, Money{3'060'000})->micro, 0);
}

TEST(ActualCost, Refused) {
    auto negative = actual_cost(-1, 1, Money{1});
    ASSERT_FALSE(negative.ok());
    EXPECT_EQ(negative.error(),
              "cannot compute cost: negative input (elapsed -1s, 1 nodes, price 0.000001)");
    EXPECT_FALSE(actual_cost(1, -1, Money{1}).ok());
    EXPECT_FALSE(actual_cost(1, 1, Money{-1}).ok());
    auto huge = actual_cost(kMax, kMax, Money{kMax});
    ASSERT_FALSE(huge.ok());
    EXPECT_NE(huge.error().find("overflows"), std::string::npos);
}

}  // namespace
}  // namespace asbb
