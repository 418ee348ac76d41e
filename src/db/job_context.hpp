// Everything asbb knows about one job's hold, read for `asbb job-context`:
// the hold with its price lock and the balances of every level it counts
// against (the account's budget, its budgeted ancestors', partition limits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "db/ledger.hpp"
#include "db/session.hpp"

namespace asbb::db {

struct LevelView {
    LevelKind kind = LevelKind::kAccount;
    std::string account;    // the budget's account
    std::string partition;  // kPartitionLimit only
    Money allocated;        // the budget's allocation, or the partition limit
    Money spent;
    Money held;
    int64_t period_start = 0;
    int64_t period_end = 0;
    Money available() const { return Money{allocated.micro - spent.micro - held.micro}; }
};

struct HoldView {
    std::string id;
    std::string state;
    std::string cluster;
    std::string account;
    std::string partition;
    std::string user_name;
    std::optional<int64_t> job_id;
    int64_t nodes = 0;
    int64_t time_limit_s = 0;
    int64_t array_tasks = 0;
    Money node_hour_price;
    int64_t hold_factor_ppm = 0;
    Money estimate;
    Money amount;
    Money held;
    Money charged;
    int64_t created_at = 0;
    std::vector<LevelView> levels;  // the hold's own order: account first, then upwards
};

// The hold the poller linked to this job on this cluster, if any: the one
// that stands now (a job moved to another account has a newer hold), open
// before closed.
std::optional<std::string> hold_id_for_job(Session& session, const std::string& cluster,
                                           int64_t job_id);

std::optional<HoldView> load_hold_view(Session& session, const std::string& hold_id);

}  // namespace asbb::db
