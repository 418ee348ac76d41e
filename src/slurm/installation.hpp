// What `asbb slurm configure` checks about the SLURM installation: which
// SLURM runs, and whether a job_submit_budget.so was built for it (SLURM
// loads a plugin only when its plugin_version equals its own
// major.minor.micro, so a Debian point release needs a rebuild).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace asbb::slurm {

// 0x160508 -> "22.05.8" (SLURM_VERSION_NUMBER's layout).
std::string format_slurm_version(uint32_t version_number);

struct PluginIdentity {
    std::string type;  // plugin_type, e.g. "job_submit/budget"
    uint32_t version = 0;
};

// Loads the shared object (lazily, without running any of its SLURM entry
// points) and reads its identification symbols.
Expected<PluginIdentity> identify_plugin(const std::string& path);

struct RunningSlurm {
    std::string version;  // "22.05.8"
    std::string source;   // where that came from
    bool controller_answered = false;
    std::vector<std::string> job_submit_plugins;  // as slurmctld runs them (if it answered)
};

// Asks the running slurmctld (its configuration, as `scontrol show config`);
// when it does not answer, falls back to `slurmctld -V` of this machine.
Expected<RunningSlurm> running_slurm();

}  // namespace asbb::slurm
