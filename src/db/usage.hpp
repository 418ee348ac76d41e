// Reading what `asbb usage` and `asbb holds` report: SLURM's account tree as
// a whole, what counted against one budget per job account, and holds.
// Read only: nothing here moves money.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

struct TreeAccount {
    std::string account;
    std::string parent;  // '' for the tree's top
    int depth = 0;       // 0 = root
};

// Every live account of the cluster's association tree in tree order
// (preorder: a parent before its children, as `sacctmgr show assoc tree`).
std::vector<TreeAccount> account_tree(Session& session, const SlurmDbName& slurm,
                                      const std::string& cluster);

struct AccountUsage {
    std::string account;
    Money spent;
    Money held;
    int64_t open_holds = 0;
    Money overrun;  // charged beyond what the holds held (see HoldListRow)
};

// What counted against one budget, by the account of the job whose hold it
// was: the journal rows of every hold that has this budget among its levels
// (sums of spent and held deltas), plus the rows without a hold written
// directly on the budget, which belong to the budget's own account. The
// sums over all accounts equal the budget's spent and held.
std::vector<AccountUsage> usage_by_account(Session& session, int64_t budget_id,
                                           const std::string& budget_account);

struct HoldListRow {
    std::string id;
    std::optional<int64_t> job_id;
    std::string cluster;
    std::string account;
    std::string user_name;
    std::string partition;
    Money estimate;
    Money amount;   // what was held when placed
    Money held;     // what is still held
    Money charged;  // what its job runs were charged
    std::string state;
    int64_t created_at = 0;
    // What its charges took beyond what it still held when each was made: a
    // run longer than its hold was sized for, or a charge after the hold had
    // ended. Nothing reserved that money, so a budget can pass its
    // allocation by it.
    Money overrun;
};

struct HoldFilter {
    std::optional<std::string> account;
    std::optional<std::string> cluster;
    std::vector<std::string> states;  // empty: every state
    bool overrun_only = false;        // only holds with an overrun
};

// Oldest first (hold ids are time ordered, so ties keep placing order).
std::vector<HoldListRow> list_holds(Session& session, const HoldFilter& filter);

}  // namespace asbb::db
