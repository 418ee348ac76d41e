#include "core/hold_plan.hpp"

#include <algorithm>
#include <map>

#include "core/split.hpp"

namespace asbb {

std::vector<std::string> budgeted_partitions_of(const std::string& partitions,
                                                const std::vector<std::string>& budgeted) {
    std::vector<std::string> found;
    for (std::string_view name : split_on(partitions)) {
        if (!name.empty() && std::find(budgeted.begin(), budgeted.end(), name) != budgeted.end() &&
            std::find(found.begin(), found.end(), name) == found.end()) {
            found.emplace_back(name);
        }
    }
    return found;
}

namespace {

HoldPlan outcome_only(PlanOutcome outcome, std::string detail = "") {
    HoldPlan plan;
    plan.outcome = outcome;
    plan.detail = std::move(detail);
    return plan;
}

// The budgets of every account on the path that cover now, in level order.
// An account with budgets but none covering now refuses the hold: its money
// is not there. Its latest period is the one named in the refusal.
HoldPlan levels_on_path(const std::vector<std::string>& path,
                        const std::vector<BudgetPeriod>& budgets, int64_t now_s) {
    std::map<std::string, std::vector<const BudgetPeriod*>> by_account;
    for (const auto& budget : budgets) by_account[budget.account].push_back(&budget);
    HoldPlan plan;
    plan.outcome = PlanOutcome::kHold;
    for (size_t depth = 0; depth < path.size(); ++depth) {
        auto found = by_account.find(path[depth]);
        if (found == by_account.end()) continue;
        const LevelKind kind = depth == 0 ? LevelKind::kAccount : LevelKind::kAncestor;
        bool covered = false;
        const BudgetPeriod* latest = nullptr;
        for (const BudgetPeriod* budget : found->second) {
            if (budget->period_start <= now_s && now_s < budget->period_end) {
                plan.levels.push_back({budget->budget_id, path[depth], kind, budget->period_start,
                                       budget->period_end, std::nullopt});
                covered = true;
            } else if (latest == nullptr || budget->period_end > latest->period_end) {
                latest = budget;
            }
        }
        if (!covered) {
            HoldPlan refused = outcome_only(PlanOutcome::kNoActivePeriod);
            refused.shortfall = Shortfall{kind,     path[depth],          "",
                                          Money{0}, latest->period_start, latest->period_end};
            return refused;
        }
    }
    if (plan.levels.empty()) return outcome_only(PlanOutcome::kAccountNotBudgeted);
    return plan;
}

}  // namespace

HoldPlan plan_levels(const std::string& account, const std::string& partition, int64_t now_s,
                     LedgerView& view) {
    const std::vector<std::string> path = view.account_path(account);
    if (path.empty()) return outcome_only(PlanOutcome::kUnknownAccount);
    HoldPlan plan = levels_on_path(path, view.active_budgets(path), now_s);
    plan.partition = partition;
    if (plan.outcome != PlanOutcome::kHold) return plan;
    std::vector<int64_t> budget_ids;
    for (const auto& level : plan.levels) budget_ids.push_back(level.budget_id);
    for (const auto& limit : view.partition_limits(budget_ids, partition)) {
        for (auto& level : plan.levels) {
            if (level.budget_id == limit.budget_id) level.limit_id = limit.limit_id;
        }
    }
    return plan;
}

HoldPlan plan_hold(const HoldAsk& ask, const std::vector<std::string>& budgeted_partitions,
                   LedgerView& view) {
    const std::vector<std::string> budgeted =
        budgeted_partitions_of(ask.partitions, budgeted_partitions);
    if (budgeted.empty()) return outcome_only(PlanOutcome::kPartitionNotBudgeted);
    std::optional<PartitionRate> rate;
    std::string partition;
    for (const auto& name : budgeted) {
        auto found = view.rate(name);
        if (!found) return outcome_only(PlanOutcome::kNoRate, name);
        if (!rate || found->node_hour_price > rate->node_hour_price) {
            rate = found;
            partition = name;
        }
    }
    const PartitionShape partition_shape{rate->cpus_per_node, rate->default_time_limit_s,
                                         rate->gpus_per_node};
    auto shape = resolve_job_shape(ask.shape, partition_shape, partition);
    if (!shape) return outcome_only(PlanOutcome::kBadShape, shape.error());
    auto size = size_hold(*shape, rate->node_hour_price, ask.hold_factor_ppm);
    if (!size) return outcome_only(PlanOutcome::kBadShape, size.error());
    if (ask.estimate_override) {
        auto hold =
            mul_div_round_half_up(ask.estimate_override->micro, ask.hold_factor_ppm, 1, kPpm);
        if (!hold) return outcome_only(PlanOutcome::kBadShape, "the estimate is too large");
        size = HoldSize{*ask.estimate_override, Money{*hold}};
    }

    HoldPlan plan = plan_levels(ask.account, partition, ask.now_s, view);
    plan.partition = partition;
    plan.rate = *rate;
    plan.shape = *shape;
    plan.shape_origin = describe_shape_origin(ask.shape, partition_shape);
    if (ask.estimate_override) plan.shape_origin += "; estimate given, not from the rate";
    plan.size = *size;
    return plan;
}

std::optional<Refusal> blame_level(const std::vector<PlannedLevel>& levels,
                                   const std::vector<LevelFunds>& funds, Money amount,
                                   const std::string& partition) {
    const size_t count = std::min(levels.size(), funds.size());
    for (size_t i = 0; i < count; ++i) {
        const PlannedLevel& level = levels[i];
        if (!funds[i].in_period) {
            return Refusal{
                true,
                {level.kind, level.account, "", Money{0}, level.period_start, level.period_end}};
        }
    }
    for (size_t i = 0; i < count; ++i) {
        const PlannedLevel& level = levels[i];
        if (funds[i].budget_available.micro < amount.micro) {
            return Refusal{false,
                           {level.kind, level.account, "", funds[i].budget_available,
                            level.period_start, level.period_end}};
        }
    }
    for (size_t i = 0; i < count; ++i) {
        const PlannedLevel& level = levels[i];
        if (funds[i].limit_available && funds[i].limit_available->micro < amount.micro) {
            return Refusal{false,
                           {LevelKind::kPartitionLimit, level.account, partition,
                            *funds[i].limit_available, level.period_start, level.period_end}};
        }
    }
    return std::nullopt;
}

}  // namespace asbb
