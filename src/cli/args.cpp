#include "cli/args.hpp"

#include <string_view>

#include "core/names.hpp"

namespace asbb::cli {

namespace {

// Every helper here judges text alone, without the ledger: what it refuses
// is a malformed value, a usage error (exit 2; see context.hpp).
template <class T>
T value_or_fail(Expected<T> parsed) {
    if (!parsed) usage_error(parsed.error());
    return std::move(parsed).value();
}

// "--budget: " for an option, "" for a positional argument (option "").
std::string option_prefix(const std::string& option) {
    return option.empty() ? "" : "--" + option + ": ";
}

// Spaces that print as nothing: ASCII space, U+00A0, U+2000-U+200B, U+202F,
// U+205F, U+3000 and U+FEFF. (Tabs and newlines are control characters,
// which validate_free_text refuses anyway.) Returns the bytes it spans at
// pos, 0 when text[pos] starts something visible.
size_t blank_length(std::string_view text, size_t pos) {
    const std::string_view rest = text.substr(pos);
    if (rest.starts_with(" ")) return 1;
    if (rest.starts_with("\xc2\xa0")) return 2;
    if (rest.size() >= 3 && rest.starts_with("\xe2\x80") &&
        ((static_cast<unsigned char>(rest[2]) >= 0x80 &&
          static_cast<unsigned char>(rest[2]) <= 0x8b) ||
         rest[2] == '\xaf')) {
        return 3;
    }
    for (std::string_view wide : {"\xe2\x81\x9f", "\xe3\x80\x80", "\xef\xbb\xbf"}) {
        if (rest.starts_with(wide)) return 3;
    }
    return 0;
}

bool is_blank(std::string_view text) {
    for (size_t pos = 0; pos < text.size();) {
        const size_t length = blank_length(text, pos);
        if (length == 0) return false;
        pos += length;
    }
    return true;
}

}  // namespace

Money parse_amount(const std::string& option, const std::string& text, AllowZero zero) {
    const std::string prefix = option_prefix(option);
    // Said in so many words, whatever follows the '-': "-5", "-lots" and
    // "-1e400" are all refused for their sign first.
    if (text.starts_with("-")) {
        usage_error(prefix + "amount must not be negative, got " + quote_input(text));
    }
    auto parsed = parse_money(text, Sign::kNonNegative);
    if (!parsed) usage_error(prefix + parsed.error());
    if (parsed->micro > kMaxAmountMicro) {
        usage_error(prefix + quote_input(text) + " is more than the largest amount asbb accepts (" +
                    format_money_exact(Money{kMaxAmountMicro}) + ")");
    }
    if (zero == AllowZero::kNo && parsed->micro == 0)
        usage_error(prefix + "amount must be more than 0");
    return *parsed;
}

std::string parse_account(const std::string& text) {
    return value_or_fail(normalize_account_name(text));
}

std::string parse_partition(const std::string& text) {
    return value_or_fail(validate_partition_name(text));
}

std::string parse_cluster(const std::string& text) {
    if (text.empty()) return text;
    return value_or_fail(normalize_cluster_name(text));
}

std::string job_cluster(Context& context, const std::optional<std::string>& option) {
    const std::string cluster = option ? parse_cluster(*option) : context.config().cluster_name;
    if (cluster.empty()) usage_error("--cluster: give a cluster (ClusterName is not set)");
    return cluster;
}

std::string parse_text(const std::string& option, const std::string& text) {
    auto valid = validate_free_text(text);
    if (!valid) usage_error("--" + option + ": " + valid.error());
    return *valid;
}

std::string parse_reason(const std::string& text) {
    std::string reason = parse_text("reason", text);
    if (is_blank(reason)) {
        usage_error("--reason: give a reason for the journal, got " +
                    (reason.empty() ? std::string("an empty one") : "only spaces"));
    }
    return reason;
}

int64_t parse_instant(const std::string& option, const std::string& text, int64_t now_s,
                      DateEdge edge) {
    auto parsed = parse_cli_instant(text, now_s, edge);
    if (!parsed) usage_error("--" + option + ": " + parsed.error());
    return *parsed;
}

}  // namespace asbb::cli
