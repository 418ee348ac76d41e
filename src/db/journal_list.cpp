#include "db/journal_list.hpp"

namespace asbb::db {

std::vector<JournalRow> list_journal(Session& session, const JournalFilter& filter) {
    std::string sql =
        "SELECT j.id, j.created_at, j.kind, b.account, j.budget_id, j.hold_id, j.job_id,"
        " j.amount_micro, j.partition_name, j.user_name, j.actor, j.reason"
        " FROM journal j JOIN budget b ON b.id = j.budget_id WHERE 1 = 1";
    Params params;
    if (filter.account) {
        sql += " AND b.account = ?";
        params.emplace_back(*filter.account);
    }
    if (filter.job_id) {
        sql += " AND j.job_id = ?";
        params.emplace_back(*filter.job_id);
    }
    if (filter.kind) {
        sql += " AND j.kind = ?";
        params.emplace_back(*filter.kind);
    }
    sql += " ORDER BY j.id DESC LIMIT ? OFFSET ?";
    params.emplace_back(filter.limit);
    params.emplace_back(filter.offset);
    std::vector<JournalRow> out;
    for (const auto& row : session.query(sql, params)) {
        JournalRow r;
        r.id = row.i64(0);
        r.created_at = row.i64(1);
        r.kind = row.str(2);
        r.account = row.str(3);
        r.budget_id = row.i64(4);
        r.hold_id = row.str_or(5, "");
        r.job_id = row.opt_i64(6);
        r.amount = Money{row.i64(7)};
        r.partition = row.str_or(8, "");
        r.user_name = row.str_or(9, "");
        r.actor = row.str_or(10, "");
        r.reason = row.str_or(11, "");
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace asbb::db
