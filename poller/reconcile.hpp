// One pass of the poller over one cluster: link the holds of live jobs,
// charge every job run that is over (at the price its hold locked), close
// the holds of jobs that have ended, expire holds that never became a
// job, and release linked holds whose job vanished. Free of libslurm: the live jobs are handed in
// (nullopt when slurmctld could not be asked, and then nothing is closed or expired).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerts.hpp"
#include "core/money.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"
#include "live_jobs.hpp"
#include "sacct_runs.hpp"

namespace asbb::poller {

// Where finished runs are read: slurmdbd's job table (needs SELECT on
// slurm_acct_db) or `sacct --json` (needs only what sacct needs).
enum class RunSource { kDatabase, kSacct };

struct PassOptions {
    std::string cluster;
    RunSource source = RunSource::kDatabase;
    // sacct: each window starts this long before the end of the last one, so
    // that runs slurmdbd records late are still read (charges are keyed, so
    // reading a run again is a no-op).
    int64_t sacct_overlap_s = 600;
    SacctReader sacct_reader;                 // empty: run_sacct (tests hand in a reader)
    SacctVersionReader sacct_version_reader;  // empty: run_sacct_version
    db::SlurmDbName slurm;
    int64_t batch_rows = 5000;             // job rows per transaction
    int64_t orphan_hold_ttl_s = 600;       // OrphanHoldTTL
    int64_t linked_hold_grace_s = 86'400;  // LinkedHoldGrace
    std::string cost_dir;                  // CostDir: aws-slurm-burst's cost files, "" = none
    std::string spool_dir;                 // the plugin's spool (FailPolicy=open), "" = none
    int64_t hold_factor_ppm = 1'200'000;
    AlertOptions alerts;  // AlertThresholds and where alerts go; none: no alerts
};

struct PassReport {
    int64_t linked = 0;
    int64_t runs_read = 0;
    int64_t runs_charged = 0;
    int64_t runs_already_charged = 0;
    int64_t runs_without_hold = 0;
    int64_t holds_closed = 0;
    int64_t holds_expired = 0;
    int64_t holds_vanished = 0;      // linked holds whose job slurmctld lost or reused the id of
    int64_t costs_adjusted = 0;      // cost files that arrived after the charge
    int64_t unsecured_placed = 0;    // holds spooled under FailPolicy=open, now in the ledger
    int64_t unsecured_rejected = 0;  // spooled lines that could not be sized: not placed
    int64_t alerts_fired = 0;
    int64_t alerts_sent = 0;  // mails and webhook posts
    Money charged;
    Money released;
    std::vector<std::string> problems;  // one line each, for the log
};

PassReport reconcile_pass(db::Session& session, const PassOptions& options,
                          const std::optional<std::vector<LiveJob>>& live, int64_t now_s);

// What reconciling one job did (asbb reconcile JOBID).
struct JobReport {
    bool known = false;      // slurmdbd, slurmctld or the ledger knows the job
    std::string hold_id;     // its latest hold, "" when it has none
    std::string hold_state;  // that hold's state afterwards
    Money held;              // what that hold still holds
    Money hold_charged;      // what has been charged to it in all
    PassReport pass;         // what this call did
};

// The pass for one job: link its hold, charge each of its runs that is over,
// apply a late cost file, close the hold once the job has ended (only when
// live is known). Uses the same steps as the pass, so a second call, or the
// poller's next pass, changes nothing.
JobReport reconcile_job(db::Session& session, const PassOptions& options,
                        const std::optional<std::vector<LiveJob>>& live, int64_t job_id,
                        int64_t now_s);

// An orphaned hold: pending, never linked to a job, older than the TTL, and
// named by no job slurmctld knows.
struct OrphanHold {
    std::string id;
    std::string account;
    std::string partition;
    std::string user_name;
    int64_t created_at = 0;
    Money held;            // what it held (and gives back when expired)
    bool expired = false;  // false with dry_run
};

// Expires the orphaned holds (each in its own transaction) and lists them;
// with dry_run only lists them. The caller must have the live jobs: without
// slurmctld's list no hold may be called an orphan.
std::vector<OrphanHold> expire_orphan_holds(db::Session& session, const PassOptions& options,
                                            const std::vector<LiveJob>& live, int64_t now_s,
                                            bool dry_run);

// One line for the log.
std::string describe(const PassReport& report, int64_t elapsed_ms);

}  // namespace asbb::poller
