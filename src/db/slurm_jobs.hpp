// Reading job runs from slurmdbd's <cluster>_job_table (read only). The
// account comes from the association (the row's account column is briefly
// NULL after an insert), the state as written (flags included).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/job_run.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

// Rows with job_db_inx above after_inx, in order, at most limit of them.
std::vector<JobRun> runs_after(Session& session, const SlurmDbName& slurm,
                               const std::string& cluster, uint64_t after_inx, int64_t limit);

// The rows with these ids (those that still exist), in order.
std::vector<JobRun> runs_by_inx(Session& session, const SlurmDbName& slurm,
                                const std::string& cluster, const std::vector<uint64_t>& inx);

// Every run of one job: its own rows, and for an array every task's row.
std::vector<JobRun> runs_of_job(Session& session, const SlurmDbName& slurm,
                                const std::string& cluster, int64_t job_id);

// The runs that held nodes at some time in [start_s, end_s): started
// before end_s, and still running or ended after start_s.
std::vector<PlacedRun> runs_on_nodes_between(Session& session, const SlurmDbName& slurm,
                                             const std::string& cluster, int64_t start_s,
                                             int64_t end_s);

}  // namespace asbb::db
