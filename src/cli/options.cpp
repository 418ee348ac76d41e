#include "cli/options.hpp"

#include <cxxopts.hpp>
#include <set>
#include <string_view>

#include "core/ascii.hpp"
#include "core/names.hpp"

namespace asbb::cli {

struct CommandOptions::Impl {
    cxxopts::Options options;
};

CommandOptions::CommandOptions(const std::string& command, const std::string& help)
    : impl_(std::make_unique<Impl>(Impl{cxxopts::Options(command, help)})) {}
CommandOptions::CommandOptions(CommandOptions&&) noexcept = default;
CommandOptions& CommandOptions::operator=(CommandOptions&&) noexcept = default;
CommandOptions::~CommandOptions() = default;

CommandOptions::Adder& CommandOptions::Adder::operator()(const std::string& names,
                                                         const std::string& help, OptionArg arg) {
    auto adder = owner_.impl().options.add_options();
    if (arg == OptionArg::kValue) {
        adder(names, help, cxxopts::value<std::string>());
    } else {
        adder(names, help);
    }
    return *this;
}

const std::string& CommandOptions::program() const {
    return impl_->options.program();
}

std::string CommandOptions::help() const {
    return impl_->options.help();
}

std::optional<std::string> ParsedOptions::value(const std::string& name) const {
    auto found = given_.find(name);
    if (found == given_.end()) return std::nullopt;
    return found->second;
}

namespace {

// "-5", "-0.5", "-.5": a negative number. No asbb option starts with a digit
// or '.', but cxxopts would take "-5" for option '5' and answer "Option '5'
// does not exist", which hides what is wrong.
bool looks_negative(const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-') return false;
    return is_ascii_digit(arg[1]) || (arg[1] == '.' && arg.size() > 2 && is_ascii_digit(arg[2]));
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

ParsedOptions parse_options(CommandOptions& command, const std::vector<std::string>& args,
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
    cxxopts::Options& options = command.impl().options;
    options.add_options()("positional", "", cxxopts::value<std::vector<std::string>>());
    options.parse_positional({"positional"});
    // The command's name already says which arguments it takes
    // ("asbb reconcile JOBID"); cxxopts would add "positional parameters".
    options.positional_help("");
    std::map<std::string, std::string> negatives;
    std::vector<std::string> argv_text;
    argv_text.push_back(options.program());
    for (auto& arg : hide_negatives(options, args, negatives)) argv_text.push_back(std::move(arg));
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    ParsedOptions given;
    try {
        auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
        refuse_repeated_options(parsed, options.program());
        for (const auto& argument : parsed.arguments()) {
            if (argument.key() != "positional") given.given_[argument.key()] = argument.value();
        }
        if (parsed.count("positional") > 0) {
            positional = parsed["positional"].as<std::vector<std::string>>();
        }
    } catch (const cxxopts::exceptions::exception& e) {
        usage_error(std::string(e.what()) + " (see " + options.program() + " --help)");
    }
    for (auto& arg : positional) {
        if (auto found = negatives.find(arg); found != negatives.end()) arg = found->second;
    }
    if (positional.size() > max_positional) {
        usage_error("unexpected argument " + quote_input(positional[max_positional]) + " (see " +
                    options.program() + " --help)");
    }
    return given;
}

CommandOptions command_options(const std::string& command, const std::string& help) {
    CommandOptions options(command, help);
    options.add_options()("h,help", "show this help");
    return options;
}

bool wants_help(Context& context, const CommandOptions& options, const ParsedOptions& parsed) {
    if (parsed.count("help") == 0) return false;
    context.out << options.help();
    return true;
}

std::optional<std::string> optional_value(const ParsedOptions& parsed, const std::string& name) {
    return parsed.value(name);
}

std::string required_value(const ParsedOptions& parsed, const std::string& name) {
    auto value = optional_value(parsed, name);
    if (!value) usage_error("--" + name + " is required");
    return *value;
}

}  // namespace asbb::cli
