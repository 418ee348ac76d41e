// asbb check: recomputes every balance from the journal (like fsck) and
// reports each place where a summary row disagrees with it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/session.hpp"

namespace asbb::db {

struct Mismatch {
    std::string table;  // budget, partition_limit, hold
    std::string id;
    std::string field;  // allocated_micro, held_micro, ...
    int64_t stored_micro = 0;
    int64_t journal_micro = 0;
};

std::vector<Mismatch> check_ledger(Session& session);

}  // namespace asbb::db
