// Budgets and partition limits as admins manage them (account create, list,
// show, update, delete, set-limit). Money moves only through the ledger
// (deposit/withdraw), so even the initial allocation is a journal row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/carry.hpp"
#include "core/expected.hpp"
#include "core/money.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

struct Budget {
    int64_t id = 0;
    std::string account;
    std::string cluster;  // '' = every cluster
    int64_t period_start = 0;
    int64_t period_end = 0;
    std::string status;
    std::string description;
    Money allocated;
    Money held;
    Money spent;
    int64_t open_holds = 0;

    Money available() const { return Money{allocated.micro - spent.micro - held.micro}; }
    bool covers(int64_t now_s) const { return period_start <= now_s && now_s < period_end; }
};

struct PartitionLimit {
    int64_t id = 0;
    int64_t budget_id = 0;
    std::string account;
    std::string partition;
    Money limit;
    Money held;
    Money spent;
    Money available() const { return Money{limit.micro - spent.micro - held.micro}; }
};

struct NewBudget {
    std::string account;  // normalized
    std::string cluster;  // normalized or ''
    int64_t period_start = 0;
    int64_t period_end = 0;
    Money allocation;
    std::string description;
    std::string actor;
    int64_t now_s = 0;
    bool force = false;  // make it even when commitments already overcommit it
};

// Refuses: an account SLURM does not know, an unknown cluster, end <= start,
// a period overlapping another live budget of the same account and cluster.
// The holds that the account's subtree placed in the period before the
// budget existed count against it (db/commitments.hpp); when they already
// exceed the allocation it is refused with the figures, unless force.
Expected<int64_t> create_budget(Session& session, const SlurmDbName& slurm,
                                const NewBudget& budget);

struct Rollover {
    int64_t budget_id = 0;  // the new budget
    Money carried;          // moved from the old one (0: nothing)
};

// The next period of budget `from_id`: a new budget (`next`, with the old
// one's account and cluster, starting at or after its end) and the carry,
// a withdrawal on the old budget ("carried to budget N") and a deposit on
// the new one ("carried from budget M"), all in one transaction. The carry
// is computed from what the old budget has left at that moment. Refuses as
// create_budget does, and a period that starts before the old one ends;
// nothing is written then. Holds placed in the old period stay on it.
Expected<Rollover> rollover_budget(Session& session, const SlurmDbName& slurm, int64_t from_id,
                                   const NewBudget& next, const CarryRule& carry);

// Live budgets (all periods), optionally of one account, ordered by account
// then period start.
std::vector<Budget> list_budgets(Session& session, const std::optional<std::string>& account);

// The budget an account-level command means: of the account's live budgets
// on that cluster scope, the one covering now, else the latest starting one.
std::optional<Budget> find_budget(Session& session, const std::string& account,
                                  const std::optional<std::string>& cluster, int64_t now_s);

std::vector<PartitionLimit> list_limits(Session& session, std::optional<int64_t> budget_id);

struct BudgetChange {
    std::optional<Money> allocation;  // the new total: the difference is deposited/withdrawn
    std::optional<int64_t> period_start;
    std::optional<int64_t> period_end;
    std::optional<std::string> description;
    std::string actor;
    int64_t now_s = 0;
    bool force = false;  // as NewBudget's, for a moved period
};
// A moved period counts the subtree's holds placed in it as create_budget
// does (ones counted before stay counted).
Expected<int64_t> update_budget(Session& session, const SlurmDbName& slurm, int64_t budget_id,
                                const BudgetChange& change);

// Marks the budget deleted (rows stay: the journal refers to them). Refused
// while holds are open unless force, which releases them first.
Expected<int64_t> delete_budget(Session& session, int64_t budget_id, bool force,
                                const std::string& actor, int64_t now_s);

// Sets (or replaces) the cap of one budget on one partition. Refused above
// the budget's allocation.
Expected<int64_t> set_partition_limit(Session& session, int64_t budget_id,
                                      const std::string& partition, Money limit, int64_t now_s);

}  // namespace asbb::db
