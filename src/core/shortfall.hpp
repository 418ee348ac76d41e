// The level a hold counts against, and the one that refused it: one name
// for the ledger (db/), the decision (core/hold_plan) and the messages users
// read (core/rejection).
#pragma once

#include <cstdint>
#include <string>

#include "core/money.hpp"

namespace asbb {

// Which kind of level a hold counts against, and which one refused it.
enum class LevelKind { kAccount, kAncestor, kPartitionLimit };

// "account", "ancestor", "partition_limit": the name JSON output and the
// database (shadow_refusal.level_kind) use.
constexpr const char* level_kind_name(LevelKind kind) {
    switch (kind) {
        case LevelKind::kAccount:
            return "account";
        case LevelKind::kAncestor:
            return "ancestor";
        case LevelKind::kPartitionLimit:
            return "partition_limit";
    }
    return "account";
}

// The level that refused a hold, with what it had left.
struct Shortfall {
    LevelKind kind = LevelKind::kAccount;
    std::string account;    // the budget's account (for a limit: its budget's)
    std::string partition;  // set for kPartitionLimit
    Money available;        // what was left at that level (may be negative)
    int64_t period_start = 0;
    int64_t period_end = 0;
};

}  // namespace asbb
