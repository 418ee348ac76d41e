#include "integration/support/ledger_model.hpp"

#include <algorithm>

namespace asbb::test {

std::vector<std::string> LedgerModel::path_of(const std::string& account) {
    if (account == "proj001" || account == "proj002") return {account, "physics", "root"};
    if (account == "physics" || account == "chem") return {account, "root"};
    if (account == "root") return {"root"};
    return {};
}

std::optional<size_t> LedgerModel::budget_of(const std::string& account) const {
    for (size_t i = 0; i < budgets.size(); ++i) {
        if (budgets[i].account == account) return i;
    }
    return std::nullopt;
}

std::optional<size_t> LedgerModel::limit_of(size_t budget, const std::string& partition) const {
    for (size_t i = 0; i < limits.size(); ++i) {
        if (limits[i].budget == budget && limits[i].partition == partition) return i;
    }
    return std::nullopt;
}

ModelVerdict LedgerModel::plan(const std::string& account, const std::string& partition,
                               int64_t amount_micro, int64_t now_s) const {
    const std::vector<std::string> path = path_of(account);
    if (path.empty()) return {db::HoldOutcome::kUnknownAccount, std::nullopt, {}};
    ModelVerdict verdict;
    for (size_t depth = 0; depth < path.size(); ++depth) {
        const auto budget = budget_of(path[depth]);
        if (!budget) continue;
        const ModelBudget& b = budgets[*budget];
        const LevelKind kind = depth == 0 ? LevelKind::kAccount : LevelKind::kAncestor;
        if (!(b.period_start <= now_s && now_s < b.period_end)) {
            return {db::HoldOutcome::kNoActivePeriod,
                    Shortfall{kind, b.account, "", Money{0}, b.period_start, b.period_end},
                    {}};
        }
        verdict.levels.push_back({*budget, kind, limit_of(*budget, partition)});
    }
    if (verdict.levels.empty()) return {db::HoldOutcome::kNotBudgeted, std::nullopt, {}};
    if (auto refused = refusal(verdict.levels, partition, amount_micro, now_s)) return *refused;
    return verdict;
}

// Periods first, then each level's own money leaf first, then the limits:
// the level a user is told about is the first that refused.
std::optional<ModelVerdict> LedgerModel::refusal(const std::vector<ModelLevel>& levels,
                                                 const std::string& partition, int64_t amount_micro,
                                                 int64_t now_s) const {
    for (const ModelLevel& level : levels) {
        const ModelBudget& b = budgets[level.budget];
        if (!(b.period_start <= now_s && now_s < b.period_end)) {
            return ModelVerdict{
                db::HoldOutcome::kNoActivePeriod,
                Shortfall{level.kind, b.account, "", Money{0}, b.period_start, b.period_end},
                levels};
        }
    }
    for (const ModelLevel& level : levels) {
        const ModelBudget& b = budgets[level.budget];
        if (b.available_micro() < amount_micro) {
            return ModelVerdict{db::HoldOutcome::kInsufficient,
                                Shortfall{level.kind, b.account, "", Money{b.available_micro()},
                                          b.period_start, b.period_end},
                                levels};
        }
    }
    for (const ModelLevel& level : levels) {
        if (!level.limit) continue;
        const ModelBudget& b = budgets[level.budget];
        const ModelLimit& l = limits[*level.limit];
        if (l.available_micro() < amount_micro) {
            return ModelVerdict{db::HoldOutcome::kInsufficient,
                                Shortfall{LevelKind::kPartitionLimit, b.account, partition,
                                          Money{l.available_micro()}, b.period_start, b.period_end},
                                levels};
        }
    }
    return std::nullopt;
}

void LedgerModel::move_held(const std::vector<ModelLevel>& levels, int64_t held_delta_micro,
                            int64_t spent_delta_micro) {
    for (const ModelLevel& level : levels) {
        budgets[level.budget].held_micro += held_delta_micro;
        budgets[level.budget].spent_micro += spent_delta_micro;
        if (level.limit) {
            limits[*level.limit].held_micro += held_delta_micro;
            limits[*level.limit].spent_micro += spent_delta_micro;
        }
    }
}

db::ChargeResult LedgerModel::charge(ModelHold& hold, int64_t actual_micro, bool final_charge) {
    const bool open = hold.open();
    const int64_t from_hold = open ? std::clamp<int64_t>(actual_micro, 0, hold.held_micro) : 0;
    move_held(hold.levels, -from_hold, actual_micro);
    hold.held_micro -= from_hold;
    hold.charged_micro += actual_micro;
    db::ChargeResult result{
        open ? db::ChargeOutcome::kCharged : db::ChargeOutcome::kChargedAfterClose,
        Money{actual_micro}, Money{0}, Money{actual_micro - from_hold}};
    if (open && final_charge) {
        result.released = Money{hold.held_micro};
        move_held(hold.levels, -hold.held_micro, 0);
        hold.held_micro = 0;
        hold.state = "charged";
    }
    return result;
}

db::ReleaseResult LedgerModel::release(ModelHold& hold, db::ReleaseKind kind) {
    if (!hold.open()) return {false, {}};
    const int64_t released = hold.held_micro;
    move_held(hold.levels, -released, 0);
    hold.held_micro = 0;
    hold.state = kind == db::ReleaseKind::kExpire  ? "expired"
                 : kind == db::ReleaseKind::kClose ? "charged"
                                                   : "released";
    return {true, Money{released}};
}

bool LedgerModel::withdraw(size_t budget, int64_t amount_micro) {
    ModelBudget& b = budgets[budget];
    if (b.available_micro() < amount_micro) return false;
    b.allocated_micro -= amount_micro;
    return true;
}

bool LedgerModel::set_limit(size_t budget, const std::string& partition, int64_t limit_micro,
                            int64_t db_id) {
    if (limit_micro > budgets[budget].allocated_micro) return false;
    if (auto existing = limit_of(budget, partition)) {
        limits[*existing].limit_micro = limit_micro;
    } else {
        limits.push_back({db_id, budget, partition, limit_micro, 0, 0});
    }
    return true;
}

void LedgerModel::attach_commitments(size_t budget) {
    ModelBudget& b = budgets[budget];
    for (ModelHold& hold : holds) {
        if (hold.held_micro == 0 && hold.charged_micro == 0) continue;
        const std::vector<std::string> path = path_of(hold.account);
        const auto depth = [&](const std::string& account) {
            return std::find(path.begin(), path.end(), account) - path.begin();
        };
        if (depth(b.account) == static_cast<long>(path.size())) continue;
        bool on_it = false;
        size_t position = 0;
        for (const ModelLevel& level : hold.levels) {
            on_it = on_it || level.budget == budget;
            if (depth(budgets[level.budget].account) < depth(b.account)) ++position;
        }
        if (on_it) continue;
        ModelLevel level{budget,
                         b.account == hold.account ? LevelKind::kAccount : LevelKind::kAncestor,
                         limit_of(budget, hold.partition)};
        b.held_micro += hold.held_micro;
        b.spent_micro += hold.charged_micro;
        if (level.limit) {
            limits[*level.limit].held_micro += hold.held_micro;
            limits[*level.limit].spent_micro += hold.charged_micro;
        }
        hold.levels.insert(hold.levels.begin() + static_cast<long>(position), level);
    }
}

}  // namespace asbb::test
