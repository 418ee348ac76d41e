#include "db/job_context.hpp"

namespace asbb::db {

std::optional<std::string> hold_id_for_job(Session& session, const std::string& cluster,
                                           int64_t job_id) {
    auto rows = session.query(
        "SELECT id FROM hold WHERE cluster = ? AND job_id = ? AND superseded_by IS NULL"
        " ORDER BY state IN ('pending', 'linked') DESC, created_at DESC, id DESC LIMIT 1",
        {cluster, job_id});
    if (rows.empty()) return std::nullopt;
    return rows[0].str(0);
}

namespace {

std::vector<LevelView> load_levels(Session& session, const std::string& hold_id,
                                   const std::string& hold_account) {
    // One row per level; a level with a partition limit yields the budget and
    // the limit, in that order.
    auto rows = session.query(
        "SELECT b.account, b.allocated_micro, b.spent_micro, b.held_micro, b.period_start,"
        " b.period_end, p.partition_name, p.limit_micro, p.spent_micro, p.held_micro"
        " FROM hold_level l JOIN budget b ON b.id = l.budget_id"
        " LEFT JOIN partition_limit p ON p.id = l.partition_limit_id"
        " WHERE l.hold_id = ? ORDER BY l.level_no",
        {hold_id});
    std::vector<LevelView> budgets;
    std::vector<LevelView> limits;
    for (const Row& row : rows) {
        LevelView budget;
        budget.kind = row.str(0) == hold_account ? LevelKind::kAccount : LevelKind::kAncestor;
        budget.account = row.str(0);
        budget.allocated = Money{row.i64(1)};
        budget.spent = Money{row.i64(2)};
        budget.held = Money{row.i64(3)};
        budget.period_start = row.i64(4);
        budget.period_end = row.i64(5);
        budgets.push_back(budget);
        if (!row.is_null(6)) {
            LevelView limit = budget;
            limit.kind = LevelKind::kPartitionLimit;
            limit.partition = row.str(6);
            limit.allocated = Money{row.i64(7)};
            limit.spent = Money{row.i64(8)};
            limit.held = Money{row.i64(9)};
            limits.push_back(limit);
        }
    }
    budgets.insert(budgets.end(), limits.begin(), limits.end());
    return budgets;
}

}  // namespace

std::optional<HoldView> load_hold_view(Session& session, const std::string& hold_id) {
    auto rows = session.query(
        "SELECT id, state, cluster, account, partition_name, user_name, job_id, nodes,"
        " time_limit_s, array_tasks, node_hour_price_micro, hold_factor_ppm, estimate_micro,"
        " amount_micro, held_micro, charged_micro, created_at FROM hold WHERE id = ?",
        {hold_id});
    if (rows.empty()) return std::nullopt;
    const Row& row = rows[0];
    HoldView view;
    view.id = row.str(0);
    view.state = row.str(1);
    view.cluster = row.str(2);
    view.account = row.str(3);
    view.partition = row.str(4);
    view.user_name = row.str(5);
    view.job_id = row.opt_i64(6);
    view.nodes = row.i64(7);
    view.time_limit_s = row.i64(8);
    view.array_tasks = row.i64(9);
    view.node_hour_price = Money{row.i64(10)};
    view.hold_factor_ppm = row.i64(11);
    view.estimate = Money{row.i64(12)};
    view.amount = Money{row.i64(13)};
    view.held = Money{row.i64(14)};
    view.charged = Money{row.i64(15)};
    view.created_at = row.i64(16);
    view.levels = load_levels(session, view.id, view.account);
    return view;
}

}  // namespace asbb::db
