// Holds the plugin accepted without the database (FailPolicy=open) are
// appended, one JSON object per line, to <dir>/unsecured-holds.jsonl; the
// poller places them later. One write(2) with O_APPEND per record keeps
// concurrent appends whole.
#pragma once

#include <string>

#include "core/expected.hpp"
#include "core/hold_sizing.hpp"
#include "core/money.hpp"

namespace asbb::submit {

struct UnsecuredHold {
    std::string hold_id;
    std::string cluster;
    std::string account;
    std::string partition;
    std::string user_name;
    uint32_t uid = 0;
    JobShape shape;
    int64_t submitted_at = 0;  // epoch seconds
    std::string reason;        // why the database was not used
};

// Appends the record; the error says what failed (the caller then rejects:
// an unsecured hold that is not written down would be lost).
Expected<bool> append_unsecured_hold(const std::string& dir, const UnsecuredHold& hold);

std::string spool_file(const std::string& dir);

}  // namespace asbb::submit
