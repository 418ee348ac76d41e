// The carry of `asbb account rollover`: its four forms, what each carries of
// what is left, and the inputs it refuses.
#include "core/carry.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

CarryRule Parse(const std::string& text) {
    auto parsed = parse_carry(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() ? parsed.value() : CarryRule{};
}

std::string Refuse(const std::string& text) {
    auto parsed = parse_carry(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.ok() ? "" : parsed.error();
}

constexpr Money kLeft{70'000'000};  // $70 left on the old budget

TEST(Carry, NoneCarriesNothing) {
    EXPECT_EQ(carry_amount(Parse("none"), kLeft), Money{0});
    EXPECT_EQ(carry_amount(CarryRule{}, kLeft), Money{0});  // the default
}

TEST(Carry, AllCarriesWhatIsLeft) {
    EXPECT_EQ(carry_amount(Parse("all"), kLeft), kLeft);
}

TEST(Carry, APercentageIsOfWhatIsLeftRoundedOnceHalfUp) {
    EXPECT_EQ(carry_amount(Parse("50%"), kLeft), Money{35'000'000});
    EXPECT_EQ(carry_amount(Parse("33.33%"), kLeft), Money{23'331'000});
    EXPECT_EQ(carry_amount(Parse("100%"), kLeft), kLeft);
    EXPECT_EQ(carry_amount(Parse("0%"), kLeft), Money{0});
    // 12.5% of $0.000003 is 0.375 micro-dollars: rounds to 0; of 0.000005, 0.625 -> 1
    EXPECT_EQ(carry_amount(Parse("12.5%"), Money{3}), Money{0});
    EXPECT_EQ(carry_amount(Parse("12.5%"), Money{5}), Money{1});
}

TEST(Carry, MaxCarriesWhatIsLeftUpToTheCap) {
    EXPECT_EQ(carry_amount(Parse("max=20"), kLeft), Money{20'000'000});
    EXPECT_EQ(carry_amount(Parse("max=500"), kLeft), kLeft);
    EXPECT_EQ(carry_amount(Parse("max=0.000001"), kLeft), Money{1});
}

TEST(Carry, AnOvercommittedOrEmptyBudgetCarriesNothing) {
    for (const char* form : {"all", "50%", "max=20"}) {
        EXPECT_EQ(carry_amount(Parse(form), Money{0}), Money{0}) << form;
        EXPECT_EQ(carry_amount(Parse(form), Money{-5'000'000}), Money{0}) << form;
    }
}

TEST(Carry, RefusesWhatItCannotReadSayingWhy) {
    EXPECT_NE(Refuse("50").find("is not none, all, N% (0 to 100) or max=AMOUNT"),
              std::string::npos);
    EXPECT_NE(Refuse("150%").find("carry of more than is left"), std::string::npos);
    EXPECT_NE(Refuse("1000%").find("carry of more than is left"), std::string::npos);
    EXPECT_NE(Refuse("100.01%").find("carry of more than is left"), std::string::npos);
    EXPECT_NE(Refuse("max=-5").find("amount must not be negative"), std::string::npos);
    EXPECT_NE(Refuse("-5%").find("is not a percentage"), std::string::npos);
    EXPECT_NE(Refuse("12.345%").find("at most two decimals"), std::string::npos);
    EXPECT_FALSE(Refuse("max=").empty());
    EXPECT_FALSE(Refuse("max=1e3").empty());
    EXPECT_FALSE(Refuse("max=2000000000").empty());  // over the largest amount
    for (const char* text : {"", "All", "NONE", "%", ".5%", "5.%", "5 %", "max=5 "}) {
        EXPECT_FALSE(Refuse(text).empty()) << "'" << text << "'";
    }
}

TEST(Carry, DescribesEachForm) {
    EXPECT_EQ(describe_carry(Parse("none")), "none");
    EXPECT_EQ(describe_carry(Parse("all")), "all");
    EXPECT_EQ(describe_carry(Parse("12.5%")), "12.5%");
    EXPECT_EQ(describe_carry(Parse("12.05%")), "12.05%");
    EXPECT_EQ(describe_carry(Parse("50%")), "50%");
    EXPECT_EQ(describe_carry(Parse("max=500")), "up to $500.00");
}

}  // namespace
}  // namespace asbb
