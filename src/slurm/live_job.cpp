#include "slurm/live_job.hpp"

#include "compat/slurm_api.hpp"
#include "slurm/libslurm.hpp"
#include "util/identity.hpp"

namespace asbb::slurm {

namespace {

std::string text_of(const char* value) {
    return value != nullptr ? value : "";
}

}  // namespace

Expected<std::optional<LiveJobInfo>> load_live_job(int64_t job_id) {
    if (job_id <= 0 || job_id > UINT32_MAX) return std::optional<LiveJobInfo>{};
    auto ready = init_libslurm();
    if (!ready) return make_error(ready.error());
    job_info_msg_t* jobs = nullptr;
    if (compat::load_job(&jobs, static_cast<uint32_t>(job_id), SHOW_ALL) != SLURM_SUCCESS) {
        const int error = compat::last_error();
        if (error == ESLURM_INVALID_JOB_ID) return std::optional<LiveJobInfo>{};
        return make_error(std::string("cannot ask slurmctld about job ") + std::to_string(job_id) +
                          ": " + slurm_strerror(error));
    }
    std::optional<LiveJobInfo> info;
    if (jobs != nullptr && jobs->record_count > 0) {
        const slurm_job_info_t& job = jobs->job_array[0];
        info = LiveJobInfo{job.array_job_id != 0 ? job.array_job_id : job.job_id,
                           text_of(job.account), text_of(job.partition),
                           job.user_name != nullptr ? job.user_name : user_name_of(job.user_id),
                           text_of(job.admin_comment)};
    }
    slurm_free_job_info_msg(jobs);
    return info;
}

}  // namespace asbb::slurm
