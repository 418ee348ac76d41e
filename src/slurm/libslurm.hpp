// libslurm is initialised once per process from slurm.conf ($SLURM_CONF or
// Debian's /etc/slurm/slurm.conf). slurm_init() exits the process when it
// cannot read the file, so this looks for it first and says so instead.
#pragma once

#include "core/expected.hpp"

namespace asbb::slurm {

Expected<bool> init_libslurm();

}  // namespace asbb::slurm
