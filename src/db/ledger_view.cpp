#include "db/ledger_view.hpp"

#include "db/rates.hpp"

namespace asbb::db {

namespace {

std::string in_list(size_t count) {
    std::string text = "(";
    for (size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
    return text + ")";
}

}  // namespace

std::optional<PartitionRate> DbLedgerView::rate(const std::string& partition) {
    auto found = find_rate(session_, cluster_, partition);
    if (!found) return std::nullopt;
    return partition_rate(*found);
}

std::vector<std::string> DbLedgerView::account_path(const std::string& account) {
    return db::account_path(session_, slurm_, cluster_, account);
}

std::vector<BudgetPeriod> DbLedgerView::active_budgets(const std::vector<std::string>& accounts) {
    if (accounts.empty()) return {};
    return read_active_budgets(session_, cluster_, accounts);
}

std::vector<PartitionLimitRef> DbLedgerView::partition_limits(
    const std::vector<int64_t>& budget_ids, const std::string& partition) {
    if (budget_ids.empty() || partition.empty()) return {};
    Params params(budget_ids.begin(), budget_ids.end());
    params.emplace_back(partition);
    auto rows = session_.query("SELECT id, budget_id FROM partition_limit WHERE budget_id IN " +
                                   in_list(budget_ids.size()) + " AND partition_name = ?",
                               params);
    std::vector<PartitionLimitRef> limits;
    for (const auto& row : rows) limits.push_back({row.i64(0), row.i64(1)});
    return limits;
}

std::vector<BudgetPeriod> read_active_budgets(Session& session, const std::string& cluster,
                                              const std::vector<std::string>& accounts) {
    Params params(accounts.begin(), accounts.end());
    params.emplace_back(cluster);
    const std::string which = accounts.empty() ? "" : " AND account IN " + in_list(accounts.size());
    auto rows = session.query(
        "SELECT id, account, period_start, period_end FROM budget WHERE status = 'active'" + which +
            " AND cluster IN (?, '') ORDER BY id",
        params);
    std::vector<BudgetPeriod> budgets;
    budgets.reserve(rows.size());
    for (const auto& row : rows) {
        budgets.push_back({row.i64(0), row.str(1), row.i64(2), row.i64(3)});
    }
    return budgets;
}

void lock_ledger_generation(Session& session) {
    if (session.query("SELECT generation FROM ledger_generation WHERE id = 1 FOR UPDATE").empty()) {
        throw DbError(DbErrorKind::kMisconfigured, 0,
                      "ledger_generation has no row: run asbb database migrate");
    }
}

uint64_t read_ledger_generation(Session& session) {
    auto rows = session.query("SELECT generation FROM ledger_generation WHERE id = 1");
    if (rows.empty()) {
        throw DbError(DbErrorKind::kMisconfigured, 0,
                      "ledger_generation has no row: run asbb database migrate");
    }
    return rows[0].u64(0);
}

std::vector<LevelFunds> read_level_funds(Session& session, const std::vector<PlannedLevel>& levels,
                                         int64_t now_s) {
    std::vector<LevelFunds> funds;
    for (const auto& level : levels) {
        auto budget = session.query(
            "SELECT allocated_micro - spent_micro - held_micro, status = 'active'"
            " AND period_start <= ? AND period_end > ? FROM budget WHERE id = ?",
            {now_s, now_s, level.budget_id});
        LevelFunds level_funds;
        if (!budget.empty()) {
            level_funds.budget_available = Money{budget[0].i64(0)};
            level_funds.in_period = budget[0].i64(1) != 0;
        } else {
            level_funds.in_period = false;
        }
        if (level.limit_id) {
            auto limit = session.query(
                "SELECT limit_micro - spent_micro - held_micro FROM partition_limit WHERE id = ?",
                {*level.limit_id});
            if (!limit.empty()) level_funds.limit_available = Money{limit[0].i64(0)};
        }
        funds.push_back(level_funds);
    }
    return funds;
}

HoldRequest hold_request_for(const HoldPlan& plan, const HoldId& id, const HoldParty& party,
                             int64_t hold_factor_ppm, int64_t now_s) {
    HoldRequest request;
    request.id = id;
    request.cluster = party.cluster;
    request.account = party.account;
    request.partition = plan.partition;
    request.user_name = party.user_name;
    request.uid = party.uid;
    request.shape = plan.shape;
    request.shape_origin = plan.shape_origin;
    request.node_hour_price = plan.rate.node_hour_price;
    request.hold_factor_ppm = hold_factor_ppm;
    request.size = plan.size;
    request.now_s = now_s;
    request.actor = party.actor;
    return request;
}

}  // namespace asbb::db
