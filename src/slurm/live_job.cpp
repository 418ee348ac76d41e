#include "slurm/live_job.hpp"

extern "C" {
#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
}

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

namespace asbb::slurm {

namespace {

// slurm_init() calls fatal(), which exits the process, when it cannot read
// slurm.conf: look for the file first so that asbb reports it instead.
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

std::string text_of(const char* value) {
    return value != nullptr ? value : "";
}

std::string user_name_of_uid(uint32_t uid) {
    struct passwd entry {};
    struct passwd* found = nullptr;
    char buffer[4096];
    if (getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr) {
        return found->pw_name;
    }
    return std::to_string(uid);
}

}  // namespace

Expected<std::optional<LiveJobInfo>> load_live_job(int64_t job_id) {
    if (job_id <= 0 || job_id > UINT32_MAX) return std::optional<LiveJobInfo>{};
    auto ready = init_libslurm();
    if (!ready) return make_error(ready.error());
    job_info_msg_t* jobs = nullptr;
    if (slurm_load_job(&jobs, static_cast<uint32_t>(job_id), SHOW_ALL) != SLURM_SUCCESS) {
        const int error = slurm_get_errno();
        if (error == ESLURM_INVALID_JOB_ID) return std::optional<LiveJobInfo>{};
        return make_error(std::string("cannot ask slurmctld about job ") + std::to_string(job_id) +
                          ": " + slurm_strerror(error));
    }
    std::optional<LiveJobInfo> info;
    if (jobs != nullptr && jobs->record_count > 0) {
        const slurm_job_info_t& job = jobs->job_array[0];
        info = LiveJobInfo{job.array_job_id != 0 ? job.array_job_id : job.job_id,
                           text_of(job.account), text_of(job.partition),
                           job.user_name != nullptr ? job.user_name : user_name_of_uid(job.user_id),
                           text_of(job.admin_comment)};
    }
    slurm_free_job_info_msg(jobs);
    return info;
}

}  // namespace asbb::slurm
