// Where `asbb reconcile` and `asbb recover` learn which jobs slurmctld has.
// The asbb executable installs libslurm's slurm_load_jobs() (poller/
// live_jobs.cpp) at start; the library itself has no libslurm, so the
// in-process tests install a list of their own (and a failure, to check that
// nothing is expired while slurmctld cannot be asked).
#pragma once

#include <functional>
#include <vector>

#include "core/expected.hpp"
#include "live_jobs.hpp"

namespace asbb::cli {

using LiveJobsSource = std::function<Expected<std::vector<poller::LiveJob>>()>;

// Replaces the source (process-wide; set once at start).
void set_live_jobs_source(LiveJobsSource source);

// The jobs slurmctld reports, or why they could not be had (also when no
// source was installed: then no hold is treated as an orphan).
Expected<std::vector<poller::LiveJob>> load_live_jobs_for_cli();

}  // namespace asbb::cli
