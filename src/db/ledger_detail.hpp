// Shared by the ledger's translation units (holds.cpp, money_moves.cpp,
// hold_levels.cpp): the levels a hold counts against and the locked view of
// an open hold. Not part of the public API (db/ledger.hpp is).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/journal.hpp"
#include "db/ledger.hpp"

namespace asbb::db::detail {

// A budget that a new hold must fit in, as read inside the transaction.
struct BudgetLevel {
    int64_t budget_id = 0;
    std::string account;
    LevelKind kind = LevelKind::kAccount;
    int64_t period_start = 0;
    int64_t period_end = 0;
    std::optional<int64_t> limit_id;
};

// Thrown inside the hold transaction to roll it back with a verdict.
struct HoldRefused {
    HoldResult result;
};

// Thrown when a level's conditional UPDATE changed nothing: the transaction
// rolls back first, then the levels are read afresh to name the one to blame.
struct LevelShort {
    std::vector<BudgetLevel> levels;
    size_t failed = 0;  // index of the level whose UPDATE failed
    bool at_limit = false;
};

// Which level to name when several lack funds: the one closest to the job
// (the account's own budget, then its ancestors upwards, then partition
// limits), because that is the one the user's project can do something about.
HoldResult diagnose_refusal(Session& session, const LevelShort& short_level, int64_t amount,
                            const std::string& partition);

// Places a hold inside the caller's transaction; throws HoldRefused or
// LevelShort to have it rolled back.
HoldResult place_hold_in_transaction(Session& session, const std::vector<std::string>& path,
                                     const HoldRequest& request);

// What place_hold_in_transaction would answer now (kPlaced: it fits),
// read without writing or locking anything.
HoldResult check_hold_levels(Session& session, const std::vector<std::string>& path,
                             const HoldRequest& request);

// An open or closed hold, locked (SELECT ... FOR UPDATE) with its levels.
struct OpenHold {
    std::string state;
    int64_t held_micro = 0;
    std::string partition;
    std::string user_name;
    std::optional<int64_t> job_id;
    std::vector<HoldLevel> levels;
};

std::optional<OpenHold> lock_hold(Session& session, const std::string& hold_id);
bool is_open(const OpenHold& hold);
JournalEntry hold_entry(const OpenHold& hold, const std::string& hold_id, std::string kind,
                        int64_t now_s);

}  // namespace asbb::db::detail
