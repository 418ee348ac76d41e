// A verb's command-line options, parsed by cxxopts behind this wall. The
// cxxopts header is all templates and inline code: each file that includes
// it took 8 s to parse and 6 s more to compile its use (GCC 12, -O2 -g), 14 s
// for each of the 20 verbs in every build. Only options.cpp includes it now.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"

namespace asbb::cli {

// Longest single command-line argument accepted (see parse_options).
inline constexpr size_t kMaxArgumentBytes = 4096;

// What an option takes: nothing (a flag) or one value ("--since=DATE").
enum class OptionArg { kFlag, kValue };

// The options of one command ("asbb account create"), with -h/--help. They
// are added as with cxxopts:
//   options.add_options()("since", "only on or after DATE", OptionArg::kValue)(
//       "summary", "one line per account");
class CommandOptions {
  public:
    class Adder {
      public:
        // names: "long" or "s,long".
        Adder& operator()(const std::string& names, const std::string& help,
                          OptionArg arg = OptionArg::kFlag);

      private:
        friend class CommandOptions;
        explicit Adder(CommandOptions& owner) : owner_(owner) {}
        CommandOptions& owner_;
    };

    CommandOptions(const std::string& command, const std::string& help);
    CommandOptions(CommandOptions&&) noexcept;
    CommandOptions& operator=(CommandOptions&&) noexcept;
    ~CommandOptions();

    Adder add_options() { return Adder(*this); }
    const std::string& program() const;
    std::string help() const;

    struct Impl;  // the cxxopts::Options, in options.cpp
    Impl& impl() { return *impl_; }

  private:
    std::unique_ptr<Impl> impl_;
};

// The options given, by long name; each at most once (repeats are refused).
class ParsedOptions {
  public:
    size_t count(const std::string& name) const { return given_.count(name); }
    // The value of a --option that takes one, if it was given.
    std::optional<std::string> value(const std::string& name) const;

  private:
    friend ParsedOptions parse_options(CommandOptions&, const std::vector<std::string>&,
                                       std::vector<std::string>&, size_t);
    std::map<std::string, std::string> given_;  // long name -> its value ("true" for a flag)
};

// Parses a verb's options. Unknown or repeated options, missing values and
// stray arguments are usage errors (exit 2). positional receives the
// positional arguments, at most max_positional of them; a negative number
// ("-5") is one of them, for the verb to judge, not an option.
ParsedOptions parse_options(CommandOptions& options, const std::vector<std::string>& args,
                            std::vector<std::string>& positional, size_t max_positional);

// Options of one command ("asbb account create"), with -h/--help.
CommandOptions command_options(const std::string& command, const std::string& help);

// Prints the command's help when -h/--help was given; true if it did.
bool wants_help(Context& context, const CommandOptions& options, const ParsedOptions& parsed);

// The value of a --option given on the command line, if any.
std::optional<std::string> optional_value(const ParsedOptions& parsed, const std::string& name);
std::string required_value(const ParsedOptions& parsed, const std::string& name);

}  // namespace asbb::cli
