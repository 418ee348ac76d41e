// Holds the plugin accepted without the database (FailPolicy=open) wait in
// <SpoolDir>/unsecured-holds.jsonl (src/submit/spool.hpp). The poller places
// each one under the id the job carries, at today's rate; where the budget
// no longer has room the hold is recorded with nothing held, so the job's
// runs are still charged (the money is spent: the budget may go negative).
// A line that cannot be read or sized (no rate, no time limit, a shape out
// of range) places nothing: it is logged with its reason and kept in
// unsecured-holds.jsonl.rejected for an admin, and not tried again.
#pragma once

#include <cstdint>
#include <string>

#include "db/session.hpp"
#include "db/slurm_tree.hpp"
#include "reconcile.hpp"

namespace asbb::poller {

struct ReplayReport {
    int64_t placed = 0;          // held as the plugin would have
    int64_t recorded_empty = 0;  // no room left: recorded with nothing held
    int64_t not_budgeted = 0;
    int64_t rejected = 0;  // unreadable or unsizable: kept in .rejected
};

// Takes the spool file (moved to .processing under the plugin's lock, so the
// plugin's next appends go to a new one), places its holds, and keeps it as
// .done.<epoch> afterwards. A .processing file left by a pass that died is
// replayed first (placing is idempotent by hold id). Database errors throw
// and leave the .processing file for the next pass.
ReplayReport replay_unsecured_holds(db::Session& session, const PassOptions& options,
                                    const std::string& spool_dir, int64_t hold_factor_ppm,
                                    int64_t now_s, PassReport& report);

}  // namespace asbb::poller
