#include "cli/args.hpp"

#include <map>
#include <set>

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

bool is_digit(char c) {
    return c >= '0' && c <= '9';
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

namespace {

// "-5", "-0.5", "-.5": a negative number. No asbb option starts with a digit
// or '.', but cxxopts would take "-5" for option '5' and answer "Option '5'
// does not exist", which hides what is wrong.
bool looks_negative(const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-') return false;
    return is_digit(arg[1]) || (arg[1] == '.' && arg.size() > 2 && is_digit(arg[2]));
}

// The long names of the options that take a value: "--reason -5" gives
// --reason the value "-5", as cxxopts does for any next argument.
std::set<std::string> options_taking_a_value(const cxxopts::Options& options) {
    std::set<std::string> names;
    for (const auto& group : options.groups()) {
        for (const auto& option : options.group_help(group).options) {
            if (option.is_boolean || option.has_implicit) continue;
            for (const auto& name : option.l) names.insert(name);
        }
    }
    return names;
}

// Stands in for a negative number that is a positional argument while
// cxxopts parses; nothing asbb accepts starts with a control character.
constexpr char kNegativeMark = '\x01';

// args with each negative positional argument replaced by a mark that
// cxxopts takes for a positional one; negatives receives the originals by
// mark. Without any change when an argument already starts with the mark.
std::vector<std::string> hide_negatives(const cxxopts::Options& options,
                                        const std::vector<std::string>& args,
                                        std::map<std::string, std::string>& negatives) {
    for (const auto& arg : args) {
        if (!arg.empty() && arg[0] == kNegativeMark) return args;
    }
    const std::set<std::string> valued = options_taking_a_value(options);
    std::vector<std::string> hidden = args;
    for (size_t i = 0; i < args.size(); ++i) {
        if (!looks_negative(args[i])) continue;
        if (i > 0 && args[i - 1].starts_with("--") && args[i - 1].find('=') == std::string::npos &&
            valued.contains(args[i - 1].substr(2))) {
            continue;  // the value of the option before it
        }
        hidden[i] = std::string(1, kNegativeMark) + std::to_string(i);
        negatives[hidden[i]] = args[i];
    }
    return hidden;
}

// An option given twice ("--budget=10 --budget=1000") is refused rather than
// one of them silently winning.
void refuse_repeated_options(const cxxopts::ParseResult& parsed, const std::string& program) {
    std::set<std::string> seen;
    for (const auto& argument : parsed.arguments()) {
        if (argument.key() == "positional") continue;
        if (!seen.insert(argument.key()).second) {
            usage_error("--" + argument.key() + " is given more than once (see " + program +
                        " --help)");
        }
    }
}

}  // namespace

cxxopts::ParseResult parse_options(cxxopts::Options& options, const std::vector<std::string>& args,
                                   std::vector<std::string>& positional, size_t max_positional) {
    // cxxopts matches each argument with std::regex, whose libstdc++
    // implementation recurses once per character: a long enough argument
    // overflows the stack. Nothing asbb takes is anywhere near this long.
    for (const auto& arg : args) {
        if (arg.size() > kMaxArgumentBytes) {
            const std::string name = arg.substr(0, std::min<size_t>(arg.find('='), 40));
            usage_error("invalid argument " + quote_input(name) + "...: longer than " +
                        std::to_string(kMaxArgumentBytes) + " bytes");
        }
    }
    options.add_options()("positional", "", cxxopts::value<std::vector<std::string>>());
    options.parse_positional({"positional"});
    std::map<std::string, std::string> negatives;
    std::vector<std::string> argv_text;
    argv_text.push_back(options.program());
    for (auto& arg : hide_negatives(options, args, negatives)) argv_text.push_back(std::move(arg));
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    try {
        auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
        refuse_repeated_options(parsed, options.program());
        if (parsed.count("positional") > 0) {
            positional = parsed["positional"].as<std::vector<std::string>>();
        }
        for (auto& arg : positional) {
            if (auto found = negatives.find(arg); found != negatives.end()) arg = found->second;
        }
        if (positional.size() > max_positional) {
            usage_error("unexpected argument " + quote_input(positional[max_positional]) +
                        " (see " + options.program() + " --help)");
        }
        return parsed;
    } catch (const cxxopts::exceptions::exception& e) {
        usage_error(std::string(e.what()) + " (see " + options.program() + " --help)");
    }
}

cxxopts::Options command_options(const std::string& command, const std::string& help) {
    cxxopts::Options options(command, help);
    options.add_options()("h,help", "show this help");
    return options;
}

bool wants_help(Context& context, cxxopts::Options& options, const cxxopts::ParseResult& parsed) {
    if (parsed.count("help") == 0) return false;
    context.out << options.help();
    return true;
}

std::optional<std::string> optional_value(const cxxopts::ParseResult& parsed,
                                          const std::string& name) {
    if (parsed.count(name) == 0) return std::nullopt;
    return parsed[name].as<std::string>();
}

std::string required_value(const cxxopts::ParseResult& parsed, const std::string& name) {
    auto value = optional_value(parsed, name);
    if (!value) usage_error("--" + name + " is required");
    return *value;
}

}  // namespace asbb::cli
