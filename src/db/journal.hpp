// Writing journal rows and applying their deltas to the summary balances.
// Internal to src/db: the ledger and budget operations are the public face.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/session.hpp"

namespace asbb::db {

// journal.reason is VARCHAR(255) in utf8mb4: characters, not bytes.
inline constexpr size_t kMaxReasonChars = 255;

struct JournalEntry {
    int64_t now_s = 0;
    std::string kind;  // deposit withdraw hold charge release expire adjust true_up
    int64_t budget_id = 0;
    std::optional<std::string> hold_id;
    int64_t amount_micro = 0;
    int64_t allocated_delta_micro = 0;
    int64_t held_delta_micro = 0;
    int64_t spent_delta_micro = 0;
    std::optional<std::string> cluster;
    std::optional<int64_t> job_id;
    std::optional<int64_t> job_db_inx;
    std::optional<std::string> partition;
    std::optional<std::string> user_name;
    std::string actor;
    std::string reason;
};

// Inserts the row; throws DbError kDuplicateKey when (cluster, job_db_inx)
// was already charged. A new hold's 'hold' row is written by
// asbb_insert_hold_ids in SQL instead (sql/010_hold_path_ids.sql), inside the
// plugin's single round trip: a column added here must be added there too.
void insert_journal(Session& session, const JournalEntry& entry);

// A budget (and optionally its partition limit) that a hold counts against.
struct HoldLevel {
    int64_t budget_id = 0;
    std::optional<int64_t> partition_limit_id;
};

std::vector<HoldLevel> load_hold_levels(Session& session, const std::string& hold_id);

// The levels' budget and partition-limit ids in the one lock order of every
// writer that locks several of them (here, db/batch_moves.cpp and
// asbb_reserve_ids in sql/010_hold_path_ids.sql): budgets, then limits,
// each by id descending, so that no two transactions wait on each other in
// a cycle. Descending because budgets are made top down: the root, which
// every hold in its tree touches, usually has the lowest id and is then
// locked last, for the shortest time.
struct LockOrder {
    std::vector<int64_t> budget_ids;
    std::vector<int64_t> limit_ids;
};
LockOrder lock_order(const std::vector<HoldLevel>& levels);

// Adds the deltas to every level's budget and limit, in lock_order.
void apply_level_deltas(Session& session, const std::vector<HoldLevel>& levels,
                        int64_t held_delta_micro, int64_t spent_delta_micro, int64_t now_s);

template <class T>
Param optional_param(const std::optional<T>& value) {
    if (!value) return nullptr;
    return *value;
}

}  // namespace asbb::db
