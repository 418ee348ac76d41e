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

// asbb_reserve_ids's "a level cannot take it" (SQLSTATE 45001).
inline constexpr unsigned kReserveShortErrno = 30001;
bool is_reserve_short(const DbError& error);

// A hold's levels as the procedures of sql/010_hold_path_ids.sql take them:
// levels in level order as budget_id:limit_id pairs, limit_id 0 for none
// ("12:0,7:3,1:0"); the same ids in lock_order, comma-separated.
struct LevelLists {
    std::string levels;
    std::string budget_ids;
    std::string limit_ids;
};
LevelLists level_lists(const std::vector<HoldLevel>& levels);
LevelLists level_lists(const std::vector<PlannedLevel>& levels);

// The 19 parameters of asbb_insert_hold_ids, in its order.
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
    std::string cluster;  // lock_hold's; the job's cluster, for rows that name the job
};

std::optional<OpenHold> lock_hold(Session& session, const std::string& hold_id);
bool is_open(const OpenHold& hold);
JournalEntry hold_entry(const OpenHold& hold, const std::string& hold_id, std::string kind,
                        int64_t now_s);

// The journal row of one charge (charge_hold and charge_holds), of which
// from_hold_micro came out of what the hold still held. A charge beyond that
// is an overrun: its reason says so and by how much, since nothing held the
// money (the budget may have gone past its allocation for it).
JournalEntry charge_entry(const OpenHold& hold, const ChargeRequest& request,
                          int64_t from_hold_micro);

}  // namespace asbb::db::detail
