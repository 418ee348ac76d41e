// Which budget a per-account verb (account update/deposit/..., forecast)
// acts on when the admin names only the account.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/context.hpp"
#include "db/budgets.hpp"

namespace asbb::cli {

// The period covering now, else the one that starts last (db::find_budget),
// on --cluster's scope (NAME, or all for the all-clusters budget). Without
// --cluster an account with budgets on several clusters is a usage error:
// asbb refuses to guess whose money is meant.
db::Budget target_budget(Context& context, const std::string& account,
                         const std::optional<std::string>& cluster_option);

// The period before one that starts at start_s, for a rollover: of the
// account's budgets on that scope, the one that starts last before it.
db::Budget budget_before(Context& context, const std::string& account,
                         const std::optional<std::string>& cluster_option, int64_t start_s);

}  // namespace asbb::cli
