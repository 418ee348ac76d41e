// Reading one budget's journal: every row that moved its balances, in the
// order they were written. A row without a hold moves only its own budget; a
// row with a hold moves every level of that hold (see asbb check), so a
// parent's journal includes its sub-accounts' job rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/session.hpp"

namespace asbb::db {

struct BudgetJournalRow {
    int64_t id = 0;
    int64_t created_at = 0;
    std::string kind;               // deposit withdraw hold charge release expire adjust true_up
    std::string account;            // the job's account for hold rows, else the budget's
    std::optional<int64_t> job_id;  // the row's, else the job its hold was linked to
    std::optional<std::string> user_name;
    std::optional<std::string> partition;
    int64_t amount_micro = 0;
    int64_t allocated_delta_micro = 0;
    int64_t held_delta_micro = 0;
    int64_t spent_delta_micro = 0;
    std::string actor;
    std::string reason;
    std::optional<std::string> hold_id;
};

// Oldest first (by journal id, the order the rows were committed in).
std::vector<BudgetJournalRow> budget_journal(Session& session, int64_t budget_id);

struct BudgetSums {
    int64_t allocated_micro = 0;
    int64_t held_micro = 0;
    int64_t spent_micro = 0;
    // The budget's own first row (its creation), 0 when it has none.
    int64_t first_own_row_id = 0;
};

// The budget's balances as its journal stood just before row
// before_journal_id: the same rows budget_journal reads, summed.
BudgetSums budget_sums_before(Session& session, int64_t budget_id, int64_t before_journal_id);

}  // namespace asbb::db
