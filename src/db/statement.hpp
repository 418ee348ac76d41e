// The journal rows that count for one budget, as core/statement reads
// them: the rows of the budget itself (hold_id NULL) and every row of each
// hold with a level on it (a hold's rows move all its levels), up to an
// instant. asbb check sums the same rows.
#pragma once

#include <cstdint>
#include <vector>

#include "core/statement.hpp"
#include "db/session.hpp"

namespace asbb::db {

std::vector<JournalMove> budget_moves(Session& session, int64_t budget_id, int64_t until_s);

}  // namespace asbb::db
