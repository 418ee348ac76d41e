#pragma once
// ASCII character tests for parsers of config, names, amounts and times.
// Deliberately not <cctype>: those depend on the C locale and take int, so a
// byte >= 0x80 in a hostile name would be undefined behaviour or, in some
// locale, a "letter".

#include <string>
#include <string_view>

namespace asbb {

constexpr bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

constexpr bool is_ascii_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

constexpr bool is_ascii_lower(char c) {
    return c >= 'a' && c <= 'z';
}

constexpr char ascii_lower(char c) {
    return is_ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

// A non-empty run of '0'..'9'.
constexpr bool all_ascii_digits(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (!is_ascii_digit(c)) return false;
    }
    return true;
}

constexpr bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

// A character for an error message: 'x' when printable, else "byte \xNN",
// so that a control byte or half a UTF-8 sequence cannot garble the line.
inline std::string describe_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
        return std::string("'") + c + "'";
    }
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("byte \\x") + kHex[byte >> 4] + kHex[byte & 0xf];
}

}  // namespace asbb
