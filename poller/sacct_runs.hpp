// The poller's second source of finished runs, for sites where it may not
// read slurm_acct_db: `sacct --json -a -X -D`. Its format depends on the
// SLURM release (openapi/dbv0.0.38 on 22.05, data_parser/v0.0.39 on 23.02,
// a pinned data_parser/v0.0.40 to v0.0.42 from 23.11: see
// core/slurm_release.hpp), so sacct's release is read first and named in
// every error. Its job records carry no job_db_inx, so runs are keyed by
// (job id, submit time) like slurmdbd does (see run_charge_key), and the
// state number is rebuilt from the state's names.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "core/job_run.hpp"
#include "core/slurm_release.hpp"

namespace asbb::poller {

// Which sacct answers and in which format: found once per pass.
struct SacctFormat {
    SlurmRelease release;     // what `sacct --version` printed
    std::string data_parser;  // what --json asks for ("v0.0.42"); "" = plain --json
};

// The format for what `sacct --version` printed; an error when it cannot be
// read or names a release asbb-poller cannot read (before 22.05).
Expected<SacctFormat> sacct_format_for(const std::string& version_text);

// What to ask sacct: either a time window (runs that were pending, running or
// ended in [start_s, end_s]) or, when job_ids is not empty, those jobs (every
// run, whatever their times; sacct then also shows jobs that never became
// eligible, e.g. held and cancelled, which a window hides).
struct SacctQuery {
    std::string cluster;
    int64_t start_s = 0;
    int64_t end_s = 0;
    std::vector<int64_t> job_ids;
    SacctFormat format;
};

// sacct's arguments for a query (after "sacct").
std::vector<std::string> sacct_arguments(const SacctQuery& query);

// Reads sacct's JSON, asked for in format, into runs. The answer is read
// whole or refused: an error (naming the SLURM release and data_parser, from
// the answer's meta and sacct --version) when it is not JSON, is in another
// data_parser than asked for, reports errors, or has a record with a field
// missing or of a type this format does not have. sacct's warnings become
// lines in problems.
Expected<std::vector<JobRun>> parse_sacct_json(const std::string& text, const SacctFormat& format,
                                               std::vector<std::string>& problems);

// SLURM's job_state number for a state name as 22.05's and 23.02's
// job_state_string() prints it ("COMPLETED" -> 3, "REQUEUED" -> JOB_REQUEUE
// with base PENDING); nullopt for a name it does not know.
std::optional<uint32_t> state_from_sacct_name(const std::string& name);

// The number for v0.0.40+'s array of names: one base state and any flags
// (["PENDING", "REQUEUED"] -> JOB_REQUEUE); an error for an unknown name or
// not exactly one base state.
Expected<uint32_t> state_from_sacct_names(const std::vector<std::string>& names);

// Runs a query and returns sacct's standard output (asbb-poller: run_sacct).
using SacctReader = std::function<Expected<std::string>(const SacctQuery&)>;

// Returns what `sacct --version` prints (asbb-poller: run_sacct_version).
using SacctVersionReader = std::function<Expected<std::string>()>;

// Run the sacct found on PATH (SLURM_CONF as in the environment).
Expected<std::string> run_sacct(const SacctQuery& query);
Expected<std::string> run_sacct_version();

}  // namespace asbb::poller
