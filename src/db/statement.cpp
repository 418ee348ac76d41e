#include "db/statement.hpp"

namespace asbb::db {

std::vector<JournalMove> budget_moves(Session& session, int64_t budget_id, int64_t until_s) {
    constexpr const char* kColumns =
        "j.created_at, j.kind, j.hold_id, j.allocated_delta_micro, j.held_delta_micro,"
        " j.spent_delta_micro, COALESCE(j.user_name, ''), COALESCE(j.partition_name, ''),"
        " j.job_id";
    std::vector<JournalMove> moves;
    for (const Row& row :
         session.query(std::string("SELECT ") + kColumns +
                           " FROM journal j WHERE j.hold_id IS NULL AND j.budget_id = ?"
                           " AND j.created_at < ? UNION ALL SELECT " +
                           kColumns +
                           " FROM journal j JOIN hold_level l ON l.hold_id = j.hold_id"
                           " WHERE l.budget_id = ? AND j.created_at < ?",
                       {budget_id, until_s, budget_id, until_s})) {
        JournalMove m;
        m.created_at = row.i64(0);
        m.kind = row.str(1);
        if (!row.is_null(2)) m.hold_id = row.str(2);
        m.allocated_delta_micro = row.i64(3);
        m.held_delta_micro = row.i64(4);
        m.spent_delta_micro = row.i64(5);
        m.user_name = row.str(6);
        m.partition = row.str(7);
        m.job_id = row.opt_i64(8);
        moves.push_back(std::move(m));
    }
    return moves;
}

}  // namespace asbb::db
