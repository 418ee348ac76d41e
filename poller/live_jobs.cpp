#include "live_jobs.hpp"

#include "compat/slurm_api.hpp"

#include "core/hold_id.hpp"
#include "slurm/libslurm.hpp"

namespace asbb::poller {

Expected<std::vector<LiveJob>> load_live_jobs() {
    // Once per process, and an error rather than slurm_init's exit when
    // slurm.conf cannot be read.
    auto ready = slurm::init_libslurm();
    if (!ready) return make_error(ready.error());
    job_info_msg_t* jobs = nullptr;
    if (slurm_load_jobs(0, &jobs, SHOW_ALL) != SLURM_SUCCESS) {
        return make_error(std::string("cannot list jobs from slurmctld: ") +
                          slurm_strerror(asbb::compat::last_error()));
    }
    std::vector<LiveJob> live;
    live.reserve(jobs->record_count);
    for (uint32_t i = 0; i < jobs->record_count; ++i) {
        const slurm_job_info_t& job = jobs->job_array[i];
        LiveJob entry;
        entry.job_id = job.array_job_id != 0 ? job.array_job_id : job.job_id;
        entry.state = job.job_state;
        if (job.admin_comment != nullptr) entry.hold_id = hold_id_in_comment(job.admin_comment);
        live.push_back(std::move(entry));
    }
    slurm_free_job_info_msg(jobs);
    return live;
}

}  // namespace asbb::poller
