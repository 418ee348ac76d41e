#include "slurm/libslurm.hpp"

extern "C" {
#include <slurm/slurm.h>
}

#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace asbb::slurm {

Expected<bool> init_libslurm() {
    const char* from_env = std::getenv("SLURM_CONF");
    // Debian's slurm-wlm is built with /etc/slurm as its configuration directory.
    const std::string path =
        from_env != nullptr && *from_env != '\0' ? from_env : "/etc/slurm/slurm.conf";
    if (access(path.c_str(), R_OK) != 0) {
        return make_error("cannot read slurm.conf at " + path + " (set SLURM_CONF)");
    }
    static std::once_flag initialized;
    std::call_once(initialized, [] { slurm_init(nullptr); });
    return true;
}

}  // namespace asbb::slurm
