#include "core/hold_id.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace asbb {
namespace {

TEST(HoldId, HexIs32LowerCaseDigits) {
    const HoldId id = make_hold_id(1'735'689'600'000, 0xabcd, 0x0123456789abcdefULL);
    const std::string hex = id.hex();
    EXPECT_EQ(hex.size(), 32u);
    // 1735689600000 ms = 0x01941f297c00, then the 16 random bits, then 64 more.
    EXPECT_EQ(hex, "01941f297c00abcd0123456789abcdef");
    EXPECT_EQ(HoldId{}.hex(), std::string(32, '0'));
    EXPECT_EQ((HoldId{~uint64_t{0}, ~uint64_t{0}}.hex()), std::string(32, 'f'));
}

TEST(HoldId, UnixMsRecovered) {
    for (uint64_t ms :
         {uint64_t{0}, uint64_t{1}, uint64_t{1'735'689'600'000}, (uint64_t{1} << 48) - 1}) {
        EXPECT_EQ(make_hold_id(ms, 0xffff, ~uint64_t{0}).unix_ms(), ms);
        EXPECT_EQ(make_hold_id(ms, 0, 0).unix_ms(), ms);
    }
}

TEST(HoldId, MillisecondsBeyond48BitsDoNotTouchTheRandomBits) {
    const HoldId id = make_hold_id((uint64_t{1} << 48) | 5, 0x1234, 7);
    EXPECT_EQ(id.unix_ms(), 5u);
    EXPECT_EQ(id.hi & 0xffff, 0x1234u);
    EXPECT_EQ(id.lo, 7u);
}

TEST(HoldId, LaterMillisecondsSortLater) {
    // Whatever the random parts, a later millisecond gives a larger id and a
    // larger hex string (so the DB's binary order is time order too).
    const HoldId earlier = make_hold_id(1'735'689'600'000, 0xffff, ~uint64_t{0});
    const HoldId later = make_hold_id(1'735'689'600'001, 0, 0);
    EXPECT_LT(earlier, later);
    EXPECT_LT(earlier.hex(), later.hex());
    uint64_t ms = 1'000;
    HoldId previous = make_hold_id(ms, 0xffff, ~uint64_t{0});
    for (int i = 0; i < 1000; ++i) {
        ms += 1 + static_cast<uint64_t>(i) * 7919;
        const HoldId next = make_hold_id(ms, static_cast<uint16_t>(i * 31), uint64_t(i) * 104729);
        EXPECT_LT(previous, next);
        EXPECT_LT(previous.hex(), next.hex());
        previous = next;
    }
}

TEST(HoldId, ParseRoundTrips) {
    const HoldId ids[] = {
        HoldId{},
        make_hold_id(1'735'689'600'000, 0xabcd, 0x0123456789abcdefULL),
        make_hold_id((uint64_t{1} << 48) - 1, 0xffff, ~uint64_t{0}),
        make_hold_id(42, 1, 1),
    };
    for (const HoldId& id : ids) {
        auto parsed = parse_hold_id(id.hex());
        ASSERT_TRUE(parsed.ok()) << id.hex() << ": " << parsed.error();
        EXPECT_EQ(*parsed, id);
        EXPECT_EQ(parsed->hex(), id.hex());
    }
}

TEST(HoldId, ParseAcceptsUpperCase) {
    auto parsed = parse_hold_id("01941F297C00ABCD0123456789ABCDEF");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->hex(), "01941f297c00abcd0123456789abcdef");
}

TEST(HoldId, ParseRefusesBadText) {
    auto error = [](std::string_view text) {
        auto parsed = parse_hold_id(text);
        EXPECT_FALSE(parsed.ok()) << text;
        return parsed.ok() ? "" : parsed.error();
    };
    EXPECT_EQ(error(""), "invalid hold id '': expected 32 hex digits, got 0 characters");
    EXPECT_EQ(error("01941f297c00abcd0123456789abcde"),
              "invalid hold id '01941f297c00abcd0123456789abcde': expected 32 hex digits, got 31 "
              "characters");
    EXPECT_EQ(error("01941f297c00abcd0123456789abcdef0"),
              "invalid hold id '01941f297c00abcd0123456789abcdef0': expected 32 hex digits, got "
              "33 characters");
    EXPECT_EQ(error("g1941f297c00abcd0123456789abcdef"),
              "invalid hold id 'g1941f297c00abcd0123456789abcdef': character 1 is not a hex digit");
    EXPECT_EQ(error("01941f297c00abcd0123456789abcdeg"),
              "invalid hold id '01941f297c00abcd0123456789abcdeg': character 32 is not a hex "
              "digit");
    EXPECT_EQ(error("019419a0-b400-abcd-0123-456789abcd"),
              "invalid hold id '019419a0-b400-abcd-0123-456789abcd': expected 32 hex digits, got "
              "34 characters");
    EXPECT_FALSE(parse_hold_id(" 1941f297c00abcd0123456789abcdef").ok());
    EXPECT_FALSE(parse_hold_id("01941f297c00abcd0123456789abcde ").ok());
    EXPECT_FALSE(parse_hold_id("0x941f297c00abcd0123456789abcdef").ok());
    EXPECT_FALSE(parse_hold_id(std::string(32, '\0')).ok());
}

}  // namespace
}  // namespace asbb

namespace asbb {
namespace {

TEST(HoldTag, FoundInAdminCommentWhateverSurroundsIt) {
    const std::string id = make_hold_id(1'700'000'000'000, 7, 9).hex();
    EXPECT_EQ(hold_id_in_comment("asbb:hold=" + id), id);
    EXPECT_EQ(hold_id_in_comment("site note asbb:hold=" + id + " asbb:unsecured"), id);
    EXPECT_EQ(hold_id_in_comment(""), "");
    EXPECT_EQ(hold_id_in_comment("asbb:hold=xyz"), "");
    EXPECT_EQ(hold_id_in_comment("asbb:hold=" + id.substr(0, 31)), "");
}

}  // namespace
}  // namespace asbb
