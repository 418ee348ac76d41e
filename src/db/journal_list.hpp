// Reading the journal back (the service's GET /api/v1/transactions): newest
// first, filtered by account, job and kind, paged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "db/session.hpp"

namespace asbb::db {

// The journal's kinds (sql/001_ledger.sql, 017 added true_up), in the order
// the man page lists them: what --type= and ?type= accept.
inline const std::vector<std::string>& journal_kinds() {
    static const std::vector<std::string> kinds = {"deposit", "withdraw", "hold",   "charge",
                                                   "release", "expire",   "adjust", "true_up"};
    return kinds;
}

struct JournalFilter {
    std::optional<std::string> account;
    std::optional<int64_t> job_id;
    std::optional<std::string> kind;  // one of journal_kinds()
    int64_t limit = 100;
    int64_t offset = 0;
};

struct JournalRow {
    int64_t id = 0;
    int64_t created_at = 0;
    std::string kind;
    std::string account;
    int64_t budget_id = 0;
    std::string hold_id;
    std::optional<int64_t> job_id;
    Money amount;
    std::string partition;
    std::string user_name;
    std::string actor;
    std::string reason;
};

std::vector<JournalRow> list_journal(Session& session, const JournalFilter& filter);

}  // namespace asbb::db
