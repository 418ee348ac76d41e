// One job as slurmctld knows it now, read with libslurm's slurm_load_job()
// (what `scontrol show job` does). A job's asbb:hold tag is in its
// admin_comment while it lives; slurmdbd only gets it when the job ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/expected.hpp"

namespace asbb::slurm {

struct LiveJobInfo {
    int64_t job_id = 0;  // the array's id for array tasks: one hold covers the array
    std::string account;
    std::string partition;
    std::string user_name;
    std::string admin_comment;
};

// nullopt: slurmctld does not know the job (never was, or long purged). An
// error: slurmctld could not be asked (no slurm.conf, not reachable).
Expected<std::optional<LiveJobInfo>> load_live_job(int64_t job_id);

}  // namespace asbb::slurm
