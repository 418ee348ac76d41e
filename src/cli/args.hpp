// Turning command-line text into checked values. Every helper either returns
// a valid value or throws CliError with a one-line message naming the option
// and the text, so a verb validates everything before it touches the ledger.
// The helpers judge the text alone, so what they refuse is a usage error
// (exit 2): see the rule in context.hpp.
#pragma once

#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "core/money.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

// The largest amount asbb accepts: kMaxAmountMicro (core/money.hpp).

enum class AllowZero { kNo, kYes };

// Longest single command-line argument accepted (see parse_options).
inline constexpr size_t kMaxArgumentBytes = 4096;

// option "" names the positional AMOUNT (messages then start "amount ...").
Money parse_amount(const std::string& option, const std::string& text, AllowZero zero);
std::string parse_account(const std::string& text);
std::string parse_partition(const std::string& text);
std::string parse_cluster(const std::string& text);  // '' stays '' (all clusters)
// One job's cluster: --cluster when given, else ClusterName; a usage error
// when neither names one.
std::string job_cluster(Context& context, const std::optional<std::string>& option);
std::string parse_text(const std::string& option, const std::string& text);
// --reason: free text that says something. asbb(1) makes the reason of a
// journal entry mandatory, so an empty or blank one is refused like a
// missing one: the one place this rule lives.
std::string parse_reason(const std::string& text);
int64_t parse_instant(const std::string& option, const std::string& text, int64_t now_s,
                      DateEdge edge);

// Parses a verb's options with cxxopts. Unknown or repeated options, missing
// values and stray arguments are usage errors (exit 2). positional receives
// the positional arguments, at most max_positional of them; a negative
// number ("-5") is one of them, for the verb to judge, not an option.
cxxopts::ParseResult parse_options(cxxopts::Options& options, const std::vector<std::string>& args,
                                   std::vector<std::string>& positional, size_t max_positional);

// Options of one command ("asbb account create"), with -h/--help.
cxxopts::Options command_options(const std::string& command, const std::string& help);

// Prints the command's help when -h/--help was given; true if it did.
bool wants_help(Context& context, cxxopts::Options& options, const cxxopts::ParseResult& parsed);

// The value of a --option given on the command line, if any.
std::optional<std::string> optional_value(const cxxopts::ParseResult& parsed,
                                          const std::string& name);
std::string required_value(const cxxopts::ParseResult& parsed, const std::string& name);

}  // namespace asbb::cli
