// Shared by the ledger's translation units (hold_place.cpp, holds.cpp,
// money_moves.cpp, hold_levels.cpp): the levels of a hold, the verdict when
// they cannot take money, and the locked view of an open hold. Not part of
// the public API (db/ledger.hpp is).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/journal.hpp"
#include "db/ledger.hpp"

namespace asbb::db::detail {

// Thrown inside a transaction to roll it back with a verdict.
struct HoldRefused {
    HoldResult result;
};

// asbb_reserve's "a level cannot take it" (SQLSTATE 45001).
inline constexpr unsigned kReserveShortErrno = 30001;
bool is_reserve_short(const DbError& error);

// The JSON array of levels asbb_reserve and asbb_insert_hold read:
// [[budget_id, partition_limit_id or 0], ...] in level order.
std::string levels_json(const std::vector<PlannedLevel>& levels);
std::string levels_json(const std::vector<HoldLevel>& levels);

// The 17 parameters of asbb_insert_hold, in its order.
Params insert_hold_params(const HoldRequest& request, const std::vector<PlannedLevel>& levels);

// The verdict for a hold of amount that its levels could not take, from what
// they have (core::blame_level). When every level could take it by now,
// the first level is named with what it has.
HoldResult refusal_result(const std::vector<PlannedLevel>& levels,
                          const std::vector<LevelFunds>& funds, Money amount,
                          const std::string& partition);

// The levels an existing hold counts against, in level order.
std::vector<PlannedLevel> levels_of_hold(Session& session, const std::string& hold_id);

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
