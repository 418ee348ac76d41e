// The poller's second source of finished runs, for sites where it may not
// read slurm_acct_db: `sacct --json -a -X -D` (SLURM 22.05, openapi
// dbv0.0.38). Its job records carry no job_db_inx, so runs are keyed by
// (job id, submit time) like slurmdbd does (see run_charge_key), and the
// base state and flags are rebuilt from the state's name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "core/job_run.hpp"

namespace asbb::poller {

// What to ask sacct: either a time window (runs that were pending, running or
// ended in [start_s, end_s]) or, when job_ids is not empty, those jobs (every
// run, whatever their times; sacct then also shows jobs that never became
// eligible, e.g. held and cancelled, which a window hides).
struct SacctQuery {
    std::string cluster;
    int64_t start_s = 0;
    int64_t end_s = 0;
    std::vector<int64_t> job_ids;
};

// sacct's arguments for a query (after "sacct").
std::vector<std::string> sacct_arguments(const SacctQuery& query);

// Runs sacct's JSON into runs. A record that cannot be used (unknown state
// name, missing field) is left out with one line in problems; text that is
// not sacct's JSON at all is an error.
Expected<std::vector<JobRun>> parse_sacct_json(const std::string& text,
                                               std::vector<std::string>& problems);

// SLURM's job_state number for sacct's state name ("COMPLETED" -> 3,
// "REQUEUED" -> JOB_REQUEUE | PENDING); nullopt for a name it does not know.
std::optional<uint32_t> state_from_sacct_name(const std::string& name);

// Runs a query and returns sacct's standard output (asbb-poller: run_sacct).
using SacctReader = std::function<Expected<std::string>(const SacctQuery&)>;

// Runs the sacct found on PATH (SLURM_CONF as in the environment).
Expected<std::string> run_sacct(const SacctQuery& query);

}  // namespace asbb::poller
