// Turning command-line text into checked values. Every helper either returns
// a valid value or throws CliError with a one-line message naming the option
// and the text, so a verb validates everything before it touches the ledger.
// The helpers judge the text alone, so what they refuse is a usage error
// (exit 2): see the rule in context.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "cli/options.hpp"
#include "core/money.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

// The largest amount asbb accepts: kMaxAmountMicro (core/money.hpp).

enum class AllowZero { kNo, kYes };

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

}  // namespace asbb::cli
