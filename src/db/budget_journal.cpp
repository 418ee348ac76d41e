#include "db/budget_journal.hpp"

namespace asbb::db {

namespace {

// The rows that move a budget, the same rule as check_ledger's sums, so the
// running balances end on the stored ones: the budget's own rows without a
// hold (kOwnRows), and the rows of every hold with a level on it
// (kLevelRows). Two halves so that each uses its index (journal_budget;
// hold_level_budget then journal_hold); no hold has two levels on one
// budget, so no row comes twice. Each takes the budget id.
constexpr const char* kOwnRows = " WHERE j.budget_id = ? AND j.hold_id IS NULL";
constexpr const char* kLevelRows =
    " FROM hold_level l JOIN journal j ON j.hold_id = l.hold_id WHERE l.budget_id = ?";

}  // namespace

BudgetSums budget_sums_before(Session& session, int64_t budget_id, int64_t before_journal_id) {
    constexpr const char* kSums =
        "j.allocated_delta_micro a, j.held_delta_micro h, j.spent_delta_micro s";
    const auto rows = session.query(
        std::string("SELECT COALESCE(SUM(a), 0), COALESCE(SUM(h), 0), COALESCE(SUM(s), 0) FROM (") +
            "SELECT " + kSums + " FROM journal j" + kOwnRows + " AND j.id < ? UNION ALL SELECT " +
            kSums + kLevelRows + " AND j.id < ?) t",
        {budget_id, before_journal_id, budget_id, before_journal_id});
    BudgetSums sums;
    sums.allocated_micro = rows.at(0).i64(0);
    sums.held_micro = rows.at(0).i64(1);
    sums.spent_micro = rows.at(0).i64(2);
    const auto first = session.query(
        std::string("SELECT COALESCE(MIN(j.id), 0) FROM journal j") + kOwnRows, {budget_id});
    sums.first_own_row_id = first.at(0).i64(0);
    return sums;
}

std::vector<BudgetJournalRow> budget_journal(Session& session, int64_t budget_id) {
    constexpr const char* kColumns =
        "j.id, j.created_at, j.kind, COALESCE(h.account, b.account), COALESCE(j.job_id, h.job_id),"
        " j.user_name, j.partition_name, j.amount_micro, j.allocated_delta_micro,"
        " j.held_delta_micro, j.spent_delta_micro, j.actor, j.reason, j.hold_id";
    auto rows =
        session.query(std::string("SELECT ") + kColumns +
                          " FROM journal j JOIN budget b ON b.id = j.budget_id LEFT JOIN hold h ON "
                          "h.id = j.hold_id" +
                          kOwnRows + " UNION ALL SELECT " + kColumns +
                          " FROM hold_level l JOIN journal j ON j.hold_id = l.hold_id"
                          " JOIN budget b ON b.id = j.budget_id JOIN hold h ON h.id = j.hold_id"
                          " WHERE l.budget_id = ?"
                          " ORDER BY 1",
                      {budget_id, budget_id});
    std::vector<BudgetJournalRow> journal;
    journal.reserve(rows.size());
    for (const auto& r : rows) {
        BudgetJournalRow row;
        row.id = r.i64(0);
        row.created_at = r.i64(1);
        row.kind = r.str(2);
        row.account = r.str(3);
        row.job_id = r.opt_i64(4);
        if (!r.is_null(5)) row.user_name = r.str(5);
        if (!r.is_null(6)) row.partition = r.str(6);
        row.amount_micro = r.i64(7);
        row.allocated_delta_micro = r.i64(8);
        row.held_delta_micro = r.i64(9);
        row.spent_delta_micro = r.i64(10);
        row.actor = r.str(11);
        row.reason = r.str(12);
        if (!r.is_null(13)) row.hold_id = r.str(13);
        journal.push_back(std::move(row));
    }
    return journal;
}

}  // namespace asbb::db
