// The one decision of whether a job holds money, how much, and on which
// levels. The plugin, `asbb estimate`, /api/v1/budget/check, the advisor's
// affordability check and spool replay all call plan_hold; only where the
// figures come from differs (a LedgerView: the plugin's cached copy, or the
// database read afresh). Whether the money is there is the second half:
// the database reserves it under lock (db/ledger.hpp), and blame_level
// names the level that could not take it, the same way for every caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/hold_sizing.hpp"
#include "core/job_shape.hpp"
#include "core/money.hpp"
#include "core/shortfall.hpp"

namespace asbb {

// A partition's entry on the rate card, as the hold needs it.
struct PartitionRate {
    Money node_hour_price;
    std::optional<int64_t> cpus_per_node;
    std::optional<int64_t> default_time_limit_s;
    std::optional<int64_t> gpus_per_node;
};

// An active budget (status 'active') of an account, any period.
struct BudgetPeriod {
    int64_t budget_id = 0;
    std::string account;
    int64_t period_start = 0;
    int64_t period_end = 0;
};

struct PartitionLimitRef {
    int64_t limit_id = 0;
    int64_t budget_id = 0;
};

// A level of a planned hold, in level order (the account's own budget
// first, then its budgeted ancestors upwards).
struct PlannedLevel {
    int64_t budget_id = 0;
    std::string account;
    LevelKind kind = LevelKind::kAccount;
    int64_t period_start = 0;
    int64_t period_end = 0;
    std::optional<int64_t> limit_id;
};

// Where plan_hold reads its figures. Implementations may read a database.
class LedgerView {
  public:
    virtual ~LedgerView() = default;
    virtual std::optional<PartitionRate> rate(const std::string& partition) = 0;
    // The account and its ancestors, leaf first; empty: SLURM has no such account.
    virtual std::vector<std::string> account_path(const std::string& account) = 0;
    // The active budgets of these accounts, ordered by id.
    virtual std::vector<BudgetPeriod> active_budgets(const std::vector<std::string>& accounts) = 0;
    // The partition's limits on these budgets.
    virtual std::vector<PartitionLimitRef> partition_limits(const std::vector<int64_t>& budget_ids,
                                                            const std::string& partition) = 0;
};

struct HoldAsk {
    std::string account;     // normalized (lower case)
    std::string partitions;  // as the job gives them: one, or a comma list
    SubmitShape shape;
    int64_t hold_factor_ppm = 0;
    int64_t now_s = 0;
    // Set: the job's estimate, instead of the rate card's (the advisor's figure
    // or an amount the caller names); the hold is this × HoldFactor.
    std::optional<Money> estimate_override;
};

enum class PlanOutcome {
    kPartitionNotBudgeted,  // none of the job's partitions is in BudgetedPartitions
    kNoRate,                // a budgeted partition has no rate (detail: the partition)
    kBadShape,              // the job cannot be sized (detail: why)
    kUnknownAccount,        // SLURM has no such account on the cluster
    kAccountNotBudgeted,    // no budget anywhere up the tree
    kNoActivePeriod,        // a budgeted account has no period covering now (shortfall)
    kHold,                  // hold size.hold on levels
};

struct HoldPlan {
    PlanOutcome outcome = PlanOutcome::kPartitionNotBudgeted;
    std::string detail;
    std::string partition;  // the partition the hold is priced for
    PartitionRate rate;
    JobShape shape;
    std::string shape_origin;  // describe_shape_origin: where shape's figures came from
    HoldSize size;
    std::vector<PlannedLevel> levels;
    std::optional<Shortfall> shortfall;  // for kNoActivePeriod
};

// The budgeted partitions among a job's comma-separated list, in its order.
std::vector<std::string> budgeted_partitions_of(const std::string& partitions,
                                                const std::vector<std::string>& budgeted);

// Of several budgeted partitions the job may run in, the hold is for the
// dearest: SLURM picks one later.
HoldPlan plan_hold(const HoldAsk& ask, const std::vector<std::string>& budgeted_partitions,
                   LedgerView& view);

// The levels of a hold on account's tree for partition (kHold with no size,
// kUnknownAccount, kAccountNotBudgeted or kNoActivePeriod): the part of
// plan_hold that does not depend on the job.
HoldPlan plan_levels(const std::string& account, const std::string& partition, int64_t now_s,
                     LedgerView& view);

// What one level had when a reservation failed.
struct LevelFunds {
    Money budget_available;
    bool in_period = true;                 // active, and its period covers now
    std::optional<Money> limit_available;  // set when the level has a partition limit
};

struct Refusal {
    bool no_active_period = false;  // else: insufficient funds
    Shortfall shortfall;
};

// Which level to name when a hold of amount does not fit: the one closest
// to the job (the account's own budget, then its ancestors upwards, then
// the partition limits), because that is the one the user's project can do
// something about. A level out of its period comes first: its money is not
// there at all. nullopt: every level can take it (funds were freed meanwhile).
std::optional<Refusal> blame_level(const std::vector<PlannedLevel>& levels,
                                   const std::vector<LevelFunds>& funds, Money amount,
                                   const std::string& partition);

}  // namespace asbb
