#include "db/check.hpp"

namespace asbb::db {

namespace {

void collect(Session& session, const std::string& sql, const std::string& table,
             const std::vector<std::string>& fields, std::vector<Mismatch>& out) {
    // Each row: id, then (stored, computed) per field.
    for (const auto& row : session.query(sql)) {
        for (size_t f = 0; f < fields.size(); ++f) {
            int64_t stored = row.i64(1 + 2 * f);
            int64_t computed = row.i64(2 + 2 * f);
            if (stored != computed) out.push_back({table, row.str(0), fields[f], stored, computed});
        }
    }
}

}  // namespace

std::vector<Mismatch> check_ledger(Session& session) {
    std::vector<Mismatch> mismatches;
    // One consistent snapshot for all three checks: a hold placed between
    // them would otherwise look like a mismatch.
    session.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    session.run("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    try {
        // A journal row moves its own budget when it has no hold, and every
        // level of its hold when it has one.
        collect(session,
                "SELECT b.id, b.allocated_micro, COALESCE(SUM(j.allocated_delta_micro), 0),"
                " b.held_micro, COALESCE(SUM(j.held_delta_micro), 0),"
                " b.spent_micro, COALESCE(SUM(j.spent_delta_micro), 0)"
                " FROM budget b LEFT JOIN ("
                "   SELECT budget_id AS target, allocated_delta_micro, held_delta_micro,"
                "          spent_delta_micro FROM journal WHERE hold_id IS NULL"
                "   UNION ALL"
                "   SELECT l.budget_id, j.allocated_delta_micro, j.held_delta_micro,"
                "          j.spent_delta_micro FROM journal j JOIN hold_level l"
                "          ON l.hold_id = j.hold_id"
                " ) j ON j.target = b.id GROUP BY b.id ORDER BY b.id",
                "budget", {"allocated_micro", "held_micro", "spent_micro"}, mismatches);
        collect(session,
                "SELECT p.id, p.held_micro, COALESCE(SUM(j.held_delta_micro), 0),"
                " p.spent_micro, COALESCE(SUM(j.spent_delta_micro), 0)"
                " FROM partition_limit p LEFT JOIN hold_level l ON l.partition_limit_id = p.id"
                " LEFT JOIN journal j ON j.hold_id = l.hold_id GROUP BY p.id ORDER BY p.id",
                "partition_limit", {"held_micro", "spent_micro"}, mismatches);
        collect(session,
                "SELECT h.id, h.held_micro, COALESCE(SUM(j.held_delta_micro), 0),"
                " h.charged_micro, COALESCE(SUM(j.spent_delta_micro), 0)"
                " FROM hold h LEFT JOIN journal j ON j.hold_id = h.id GROUP BY h.id ORDER BY h.id",
                "hold", {"held_micro", "charged_micro"}, mismatches);
        // A closed hold holds nothing.
        for (const auto& row : session.query(
                 "SELECT id, held_micro FROM hold WHERE state IN ('charged', 'released', 'expired')"
                 " AND held_micro <> 0")) {
            mismatches.push_back({"hold", row.str(0), "held_micro (closed hold)", row.i64(1), 0});
        }
        session.run("COMMIT");
    } catch (...) {
        try_rollback(session);
        throw;
    }
    return mismatches;
}

}  // namespace asbb::db
