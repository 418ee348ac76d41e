// One pass of the poller over one cluster: link the holds of live jobs,
// charge every job run that is over (at the price its hold locked), close
// the holds of jobs that have ended, and expire holds that never became a
// job. Free of libslurm: the live jobs are handed in (nullopt when slurmctld
// could not be asked, and then nothing is closed or expired).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"
#include "live_jobs.hpp"

namespace asbb::poller {

struct PassOptions {
    std::string cluster;
    db::SlurmDbName slurm;
    int64_t batch_rows = 5000;        // job rows per transaction
    int64_t orphan_hold_ttl_s = 600;  // OrphanHoldTTL
    std::string cost_dir;             // CostDir: aws-slurm-burst's cost files, "" = none
    std::string spool_dir;            // the plugin's spool (FailPolicy=open), "" = none
    int64_t hold_factor_ppm = 1'200'000;
};

struct PassReport {
    int64_t linked = 0;
    int64_t runs_read = 0;
    int64_t runs_charged = 0;
    int64_t runs_already_charged = 0;
    int64_t runs_without_hold = 0;
    int64_t holds_closed = 0;
    int64_t holds_expired = 0;
    int64_t costs_adjusted = 0;    // cost files that arrived after the charge
    int64_t unsecured_placed = 0;  // holds spooled under FailPolicy=open, now in the ledger
    Money charged;
    Money released;
    std::vector<std::string> problems;  // one line each, for the log
};

PassReport reconcile_pass(db::Session& session, const PassOptions& options,
                          const std::optional<std::vector<LiveJob>>& live, int64_t now_s);

// One line for the log.
std::string describe(const PassReport& report, int64_t elapsed_ms);

}  // namespace asbb::poller
