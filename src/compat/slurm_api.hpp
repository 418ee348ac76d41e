// The one place that knows how SLURM's public C API differs between the
// releases asbb supports (22.05, 23.02 ... 26.05), keyed on the headers'
// SLURM_VERSION_NUMBER. Everything else calls these wrappers and never
// tests a SLURM version itself. See ../shared/notes/slurm-versions.md.
//
// Include after <slurm/slurm.h>, inside C++ only.
#pragma once

#include <cerrno>
#include <cstdint>

extern "C" {
#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
#include <slurm/slurm_version.h>
}

namespace asbb::compat {

// job_modify's parameter list: 23.02 gave it an err_msg argument (commit
// 85e92d048f). A C symbol carries no signature, so slurmctld
// would call a 3-argument job_modify with 4 arguments (or the reverse)
// without complaint; the list has to come from the headers. Use as
//   int job_modify(ASBB_JOB_MODIFY_PARAMS(job_desc, job_ptr, submit_uid, err_msg))
// and read the message slot through ASBB_JOB_MODIFY_ERR_MSG(err_msg): the
// caller's char** from 23.02, nullptr on 22.05 (where the name is unused).
// job_ptr is SLURM's job_record_t, opaque with the public headers.
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(23, 2, 0)
#define ASBB_JOB_MODIFY_PARAMS(job_desc, job_ptr, submit_uid, err_msg) \
    job_desc_msg_t *job_desc, void *job_ptr, uint32_t submit_uid, char **err_msg
#define ASBB_JOB_MODIFY_ERR_MSG(err_msg) (err_msg)
#else
#define ASBB_JOB_MODIFY_PARAMS(job_desc, job_ptr, submit_uid, err_msg) \
    job_desc_msg_t *job_desc, void *job_ptr, uint32_t submit_uid
#define ASBB_JOB_MODIFY_ERR_MSG(err_msg) (static_cast<char**>(nullptr))
#endif

// slurm_get_errno() was only ever `return errno;` and is gone in 24.11.
inline int last_error() {
    return errno;
}

// 26.05 takes a slurm_step_id_t where earlier releases take a job id. The
// header's compatibility shim is C11 _Generic, unusable from C++.
inline int load_job(job_info_msg_t** response, uint32_t job_id, uint16_t show_flags) {
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(26, 5, 0)
    slurm_step_id_t step = SLURM_STEP_ID_INITIALIZER;
    step.job_id = job_id;
    return slurm_load_job(response, step, show_flags);
#else
    return slurm_load_job(response, job_id, show_flags);
#endif
}

// slurm_free_ctl_conf (24.11's headers) is slurm_free_conf in 26.05's; 25.05
// and 25.11 are taken to be like 26.05 (they are not targets, and unread).
inline void free_conf(slurm_conf_t* conf) {
#if SLURM_VERSION_NUMBER >= SLURM_VERSION_NUM(25, 5, 0)
    slurm_free_conf(conf);
#else
    slurm_free_ctl_conf(conf);
#endif
}

}  // namespace asbb::compat
