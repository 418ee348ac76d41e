#include "cli/args.hpp"

#include "core/names.hpp"

namespace asbb::cli {

namespace {

template <class T>
T value_or_fail(Expected<T> parsed) {
    if (!parsed) user_error(parsed.error());
    return std::move(parsed).value();
}

}  // namespace

Money parse_amount(const std::string& option, const std::string& text, AllowZero zero) {
    auto parsed = parse_money(text, Sign::kNonNegative);
    if (!parsed) user_error("--" + option + ": " + parsed.error());
    if (parsed->micro > kMaxAmountMicro) {
        user_error("--" + option + ": " + text + " is more than the largest amount asbb accepts (" +
                   format_money_exact(Money{kMaxAmountMicro}) + ")");
    }
    if (zero == AllowZero::kNo && parsed->micro == 0)
        user_error("--" + option + ": must be more than 0");
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

std::string parse_text(const std::string& option, const std::string& text) {
    auto valid = validate_free_text(text);
    if (!valid) user_error("--" + option + ": " + valid.error());
    return *valid;
}

int64_t parse_instant(const std::string& option, const std::string& text, int64_t now_s,
                      DateEdge edge) {
    auto parsed = parse_cli_instant(text, now_s, edge);
    if (!parsed) user_error("--" + option + ": " + parsed.error());
    return *parsed;
}

cxxopts::ParseResult parse_options(cxxopts::Options& options, const std::vector<std::string>& args,
                                   std::vector<std::string>& positional, size_t max_positional) {
    // cxxopts matches each argument with std::regex, whose libstdc++
    // implementation recurses once per character: a long enough argument
    // overflows the stack. Nothing asbb takes is anywhere near this long.
    for (const auto& arg : args) {
        if (arg.size() > kMaxArgumentBytes) {
            const std::string name = arg.substr(0, std::min<size_t>(arg.find('='), 40));
            user_error("invalid argument " + name + "...: longer than " +
                       std::to_string(kMaxArgumentBytes) + " bytes");
        }
    }
    options.add_options()("positional", "", cxxopts::value<std::vector<std::string>>());
    options.parse_positional({"positional"});
    std::vector<std::string> argv_text;
    argv_text.push_back(options.program());
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    try {
        auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
        if (parsed.count("positional") > 0) {
            positional = parsed["positional"].as<std::vector<std::string>>();
        }
        if (positional.size() > max_positional) {
            usage_error("unexpected argument '" + positional[max_positional] + "' (see " +
                        options.program() + " --help)");
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
