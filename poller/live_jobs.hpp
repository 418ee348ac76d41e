// Jobs slurmctld knows now (pending, running, recently finished), read with
// libslurm's slurm_load_jobs(), as squeue does. The plugin's asbb:hold tag is
// in admin_comment for live jobs; slurmdbd only gets it when the job ends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace asbb::poller {

struct LiveJob {
    int64_t job_id = 0;   // the array's id for array tasks: one hold covers the array
    uint32_t state = 0;   // enum job_states & JOB_STATE_BASE
    std::string hold_id;  // from admin_comment, empty when none
};

// Every job slurmctld reports; an error when it cannot be reached (then no
// hold may be treated as orphaned).
Expected<std::vector<LiveJob>> load_live_jobs();

}  // namespace asbb::poller
