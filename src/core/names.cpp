#include "core/names.hpp"

#include "core/ascii.hpp"

namespace asbb {

namespace {

constexpr size_t kQuoteMaxBytes = 40;

std::string hex_byte(unsigned char byte) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("\\x") + kHex[byte >> 4] + kHex[byte & 0xf];
}

struct NameRule {
    std::string_view what;          // "account name"
    size_t max_len;                 // bytes; every allowed character is one byte
    bool (*allowed)(char c);        // after case folding, if any
    std::string_view allowed_text;  // for the message
    bool fold_case;
    bool (*first_allowed)(char c);  // nullptr: same as allowed
    std::string_view first_text;
};

Expected<std::string> check_name(std::string_view text, const NameRule& rule) {
    auto fail = [&](const std::string& problem) {
        return make_error("invalid " + std::string(rule.what) + " " + quote_input(text) + ": " +
                          problem);
    };
    if (text.empty()) {
        return fail("empty");
    }
    if (text.size() > rule.max_len) {
        return fail("longer than " + std::to_string(rule.max_len) + " characters");
    }
    std::string name(text);
    for (size_t i = 0; i < name.size(); ++i) {
        if (rule.fold_case) {
            name[i] = ascii_lower(name[i]);
        }
        if (!rule.allowed(name[i])) {
            return fail(describe_char(text[i]) + " at position " + std::to_string(i + 1) +
                        " is not allowed (use " + std::string(rule.allowed_text) + ")");
        }
    }
    if (rule.first_allowed != nullptr && !rule.first_allowed(name[0])) {
        return fail("must start with " + std::string(rule.first_text));
    }
    return name;
}

bool account_char(char c) {
    return is_ascii_lower(c) || is_ascii_digit(c) || c == '_' || c == '.' || c == '-';
}
bool lower_or_digit(char c) {
    return is_ascii_lower(c) || is_ascii_digit(c);
}
bool partition_char(char c) {
    return is_ascii_lower(c) || is_ascii_upper(c) || is_ascii_digit(c) || c == '_' || c == '.' ||
           c == '-';
}
bool cluster_char(char c) {
    return is_ascii_lower(c) || is_ascii_digit(c) || c == '_' || c == '-';
}
bool not_dash(char c) {
    return c != '-';
}
bool mail_char(char c) {
    return partition_char(c) || c == '%' || c == '+' || c == '=' || c == '@';
}
bool domain_char(char c) {
    return is_ascii_lower(c) || is_ascii_upper(c) || is_ascii_digit(c) || c == '.' || c == '-';
}
bool alnum_first(char c) {
    return is_ascii_lower(c) || is_ascii_upper(c) || is_ascii_digit(c);
}
bool identifier_char(char c) {
    return is_ascii_lower(c) || is_ascii_upper(c) || is_ascii_digit(c) || c == '_';
}

// Length of the valid UTF-8 sequence at text[pos], or 0 when it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
size_t utf8_sequence_length(std::string_view text, size_t pos) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xbf;
    if (lead < 0x80) {
        return 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        second_min = lead == 0xe0 ? 0xa0 : 0x80;
        second_max = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        second_min = lead == 0xf0 ? 0x90 : 0x80;
        second_max = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (pos + length > text.size() || byte(pos + 1) < second_min || byte(pos + 1) > second_max) {
        return 0;
    }
    for (size_t i = 2; i < length; ++i) {
        if (byte(pos + i) < 0x80 || byte(pos + i) > 0xbf) {
            return 0;
        }
    }
    return length;
}

}  // namespace

Expected<std::string> normalize_account_name(std::string_view text) {
    static const NameRule kRule{
        "account name",     64, account_char, "a-z, 0-9, '_', '.', '-'", true, lower_or_digit,
        "a letter or digit"};
    return check_name(text, kRule);
}

Expected<std::string> validate_partition_name(std::string_view text) {
    // Not starting with '-': "-5" on a command line reads as an option or a
    // negative number, never as the partition a person meant.
    static const NameRule kRule{"partition name",
                                64,
                                partition_char,
                                "A-Z, a-z, 0-9, '_', '.', '-'",
                                false,
                                not_dash,
                                "a character other than '-'"};
    return check_name(text, kRule);
}

Expected<std::string> normalize_cluster_name(std::string_view text) {
    static const NameRule kRule{"cluster name", 64, cluster_char, "a-z, 0-9, '_', '-'", true,
                                nullptr,        ""};
    return check_name(text, kRule);
}

Expected<std::string> validate_user_name(std::string_view text) {
    static const NameRule kRule{"user name",
                                32,
                                partition_char,
                                "A-Z, a-z, 0-9, '_', '.', '-'",
                                false,
                                not_dash,
                                "a character other than '-'"};
    return check_name(text, kRule);
}

Expected<std::string> validate_mail_recipient(std::string_view text) {
    static const NameRule kRule{"mail recipient",
                                254,
                                mail_char,
                                "A-Z, a-z, 0-9, '.', '_', '%', '+', '=', '-', '@'",
                                false,
                                not_dash,
                                "a character other than '-'"};
    auto checked = check_name(text, kRule);
    if (!checked) return checked;
    const size_t at = text.find('@');
    if (at != std::string_view::npos &&
        (at == 0 || at + 1 == text.size() || text.find('@', at + 1) != std::string_view::npos)) {
        return make_error("invalid mail recipient " + quote_input(text) +
                          ": give user or user@domain");
    }
    return checked;
}

Expected<std::string> validate_mail_domain(std::string_view text) {
    static const NameRule kRule{
        "mail domain", 253,         domain_char,        "A-Z, a-z, 0-9, '.', '-'",
        false,         alnum_first, "a letter or digit"};
    return check_name(text, kRule);
}

Expected<std::string> validate_sql_identifier(std::string_view text) {
    static const NameRule kRule{"sql identifier", 64, identifier_char, "A-Z, a-z, 0-9, '_'", false,
                                nullptr,          ""};
    return check_name(text, kRule);
}

Expected<std::string> validate_free_text(std::string_view text, size_t max_len) {
    auto fail = [&](const std::string& problem) {
        return make_error("invalid text " + quote_input(text) + ": " + problem);
    };
    if (text.size() > max_len) {
        return fail("longer than " + std::to_string(max_len) + " bytes");
    }
    for (size_t pos = 0; pos < text.size();) {
        const auto lead = static_cast<unsigned char>(text[pos]);
        const size_t length = utf8_sequence_length(text, pos);
        if (length == 0) {
            return fail("invalid UTF-8 at byte " + std::to_string(pos + 1));
        }
        // C0 controls, DEL, and the C1 controls U+0080-U+009F (0xc2 0x80-0x9f):
        // each can break a one-line log or move a terminal's cursor.
        const bool control = lead < 0x20 || lead == 0x7f ||
                             (lead == 0xc2 && static_cast<unsigned char>(text[pos + 1]) <= 0x9f);
        if (control) {
            const std::string which =
                length == 1
                    ? hex_byte(lead)
                    : "U+00" + hex_byte(static_cast<unsigned char>(text[pos + 1])).substr(2);
            return fail("control character " + which + " at byte " + std::to_string(pos + 1));
        }
        pos += length;
    }
    return std::string(text);
}

std::string quote_input(std::string_view text) {
    std::string quoted = "'";
    const size_t shown = text.size() > kQuoteMaxBytes ? kQuoteMaxBytes : text.size();
    for (size_t i = 0; i < shown; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7f) {
            quoted += text[i];
        } else {
            quoted += hex_byte(byte);
        }
    }
    if (shown < text.size()) {
        return quoted + "...' (" + std::to_string(text.size()) + " bytes)";
    }
    return quoted + "'";
}

}  // namespace asbb
