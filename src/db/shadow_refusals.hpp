// Shadow mode's record (sql/014_shadow_refusals.sql): the jobs, and changes
// to jobs, that the plugin accepted under EnforcePolicy=shadow but would
// have refused under enforce, with what it would have said. Outside the
// journal: none of them moves money.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/shortfall.hpp"
#include "db/session.hpp"

namespace asbb::db {

struct ShadowRefusal {
    int64_t id = 0;  // set when read back
    int64_t created_at_s = 0;
    std::string cluster;
    std::string account;
    std::string partition;
    std::string user_name;
    std::optional<int64_t> uid;
    std::optional<int64_t> job_id;  // a change to a job (job_modify)
    // The level that would have refused; none when no level was reached (a
    // budgeted partition without a rate, a shape that cannot be sized).
    std::optional<Shortfall> level;
    // False: that level had no active budget period (available is then
    // meaningless and stored as NULL).
    bool level_had_period = true;
    Money needed;
    std::string message;  // the words sbatch would have printed
};

// One INSERT, autocommit: the plugin's third round trip, made only for a
// would-be refusal. The message is cut to fit its column.
void record_shadow_refusal(Session& session, const ShadowRefusal& refusal);

struct ShadowFilter {
    std::optional<std::string> account;  // the refused job's account
    std::optional<int64_t> since_s;
    std::optional<int64_t> until_s;  // exclusive
};

// Ordered by account, the refusing level, then time: "by account and level".
std::vector<ShadowRefusal> list_shadow_refusals(Session& session, const ShadowFilter& filter);

}  // namespace asbb::db
