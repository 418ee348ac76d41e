#include "db/journal.hpp"

#include <algorithm>
#include <functional>

namespace asbb::db {

void insert_journal(Session& session, const JournalEntry& entry) {
    session.exec(
        "INSERT INTO journal (created_at, kind, budget_id, hold_id, amount_micro,"
        " allocated_delta_micro, held_delta_micro, spent_delta_micro, cluster, job_id,"
        " job_db_inx, partition_name, user_name, actor, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {entry.now_s, entry.kind, entry.budget_id, optional_param(entry.hold_id),
         entry.amount_micro, entry.allocated_delta_micro, entry.held_delta_micro,
         entry.spent_delta_micro, optional_param(entry.cluster), optional_param(entry.job_id),
         optional_param(entry.job_db_inx), optional_param(entry.partition),
         optional_param(entry.user_name), entry.actor, entry.reason});
}

std::vector<HoldLevel> load_hold_levels(Session& session, const std::string& hold_id) {
    auto rows = session.query(
        "SELECT budget_id, partition_limit_id FROM hold_level WHERE hold_id = ? ORDER BY level_no",
        {hold_id});
    std::vector<HoldLevel> levels;
    for (const auto& row : rows) levels.push_back({row.i64(0), row.opt_i64(1)});
    return levels;
}

LockOrder lock_order(const std::vector<HoldLevel>& levels) {
    LockOrder order;
    for (const auto& level : levels) {
        order.budget_ids.push_back(level.budget_id);
        if (level.partition_limit_id) order.limit_ids.push_back(*level.partition_limit_id);
    }
    std::sort(order.budget_ids.begin(), order.budget_ids.end(), std::greater<>());
    std::sort(order.limit_ids.begin(), order.limit_ids.end(), std::greater<>());
    return order;
}

void apply_level_deltas(Session& session, const std::vector<HoldLevel>& levels,
                        int64_t held_delta_micro, int64_t spent_delta_micro, int64_t now_s) {
    const LockOrder order = lock_order(levels);
    for (int64_t id : order.budget_ids) {
        session.exec(
            "UPDATE budget SET held_micro = held_micro + ?, spent_micro = spent_micro + ?,"
            " updated_at = ? WHERE id = ?",
            {held_delta_micro, spent_delta_micro, now_s, id});
    }
    for (int64_t id : order.limit_ids) {
        session.exec(
            "UPDATE partition_limit SET held_micro = held_micro + ?, spent_micro = spent_micro + ?,"
            " updated_at = ? WHERE id = ?",
            {held_delta_micro, spent_delta_micro, now_s, id});
    }
}

}  // namespace asbb::db
