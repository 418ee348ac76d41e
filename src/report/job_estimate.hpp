// What would this job cost, and would it fit? The one answer behind `asbb
// estimate`, the service's POST /api/v1/budget/check and the burst advisor
// endpoints: the rate card (or the burst advisor, falling back to the rate
// card) gives the estimate, HoldFactor the hold, and core::plan_hold (the
// plugin's own decision) the levels, which db::check_levels checks. With
// place_hold the hold is placed for real (db::place_planned_hold).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/expected.hpp"
#include "core/hold_sizing.hpp"
#include "core/money.hpp"
#include "db/ledger.hpp"
#include "db/session.hpp"
#include "net/advisor_client.hpp"

namespace asbb::report {

struct EstimateInput {
    std::string account;  // as given; normalized here
    std::string partition;
    std::string cluster;  // empty: ClusterName
    int64_t nodes = 1;
    int64_t cpus = 1;
    int64_t gpus = 0;
    std::string wall_time;  // a SLURM time limit; empty: the rate's default time
    std::string memory;
    std::string job_script;
    std::map<std::string, std::string> metadata;
    std::string user_name;
    std::optional<uint32_t> uid;
    bool place_hold = false;
    std::string actor;
    int64_t now_s = 0;
};

struct JobEstimate {
    std::string account;  // normalized
    std::string partition;
    std::string cluster;
    bool budgeted = true;  // false: the partition is not in BudgetedPartitions
    std::string refused;   // set: the plugin would refuse the job for this reason
    JobShape shape;
    Money node_hour_price;
    Money estimate;
    Money hold;
    int64_t hold_factor_ppm = 0;
    std::string source;  // "rate_card" or "advisor"
    int64_t advisor_confidence_ppm = 0;
    std::string recommendation;
    std::string advisor_error;  // why the rate card was used although an advisor is set
    db::HoldResult verdict;     // kPlaced: fits (or was placed, when asked)
    std::string hold_id;        // set when a hold was placed
    bool fits() const {
        if (!refused.empty()) return false;
        return !budgeted || verdict.outcome == db::HoldOutcome::kPlaced ||
               verdict.outcome == db::HoldOutcome::kAlreadyPlaced ||
               verdict.outcome == db::HoldOutcome::kNotBudgeted;
    }
    std::string message;  // one line for people: why it does not fit, or what fits
};

// The error is a user error (bad account, partition, shape); database
// failures throw db::DbError.
Expected<JobEstimate> estimate_job(db::Session& session, const Config& config,
                                   net::AdvisorClient* advisor, const EstimateInput& input);

}  // namespace asbb::report
