#include "core/hold_id.hpp"

#include "core/names.hpp"

namespace asbb {

namespace {

constexpr int kHexDigits = 32;
constexpr uint64_t kMillisMask = (uint64_t{1} << 48) - 1;

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

std::string HoldId::hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text(kHexDigits, '0');
    for (int i = 0; i < 16; ++i) {
        text[static_cast<size_t>(15 - i)] = kDigits[(hi >> (4 * i)) & 0xf];
        text[static_cast<size_t>(31 - i)] = kDigits[(lo >> (4 * i)) & 0xf];
    }
    return text;
}

HoldId make_hold_id(uint64_t unix_ms, uint16_t random_hi, uint64_t random_lo) {
    // 48 bits of milliseconds last until the year 10889; masking keeps a
    // corrupt clock from spilling into the random bits.
    return HoldId{((unix_ms & kMillisMask) << 16) | random_hi, random_lo};
}

Expected<HoldId> parse_hold_id(std::string_view text) {
    if (text.size() != kHexDigits) {
        return make_error("invalid hold id " + quote_input(text) +
                          ": expected 32 hex digits, got " + std::to_string(text.size()) +
                          " characters");
    }
    HoldId id;
    for (size_t i = 0; i < text.size(); ++i) {
        const int digit = hex_value(text[i]);
        if (digit < 0) {
            return make_error("invalid hold id " + quote_input(text) + ": character " +
                              std::to_string(i + 1) + " is not a hex digit");
        }
        uint64_t& half = i < 16 ? id.hi : id.lo;
        half = (half << 4) | static_cast<uint64_t>(digit);
    }
    return id;
}

}  // namespace asbb

namespace asbb {

std::string hold_id_in_comment(std::string_view admin_comment) {
    constexpr std::string_view kTag = "asbb:hold=";
    const size_t at = admin_comment.find(kTag);
    if (at == std::string_view::npos) return "";
    auto id = parse_hold_id(admin_comment.substr(at + kTag.size(), 32));
    return id ? id->hex() : "";
}

}  // namespace asbb
