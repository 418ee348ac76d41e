// job_submit/budget: the thin C ABI between slurmctld and asbb's submit
// engine (src/submit). It copies what the engine needs out of SLURM's
// job_desc, and turns the decision into a return code, the user's one-line
// err_msg and an "asbb:hold=<id>" tag in admin_comment (which only plugins
// and admins can set, so users cannot forge it).
//
// Rules for code inside slurmctld: init() never touches the database; no
// exception crosses this file's functions; nothing here exits or blocks
// without a deadline (the engine bounds every database call).
#include <dlfcn.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

extern "C" {
#include <slurm/slurm.h>
#include <slurm/slurm_errno.h>
#include <slurm/slurm_version.h>
#include <slurm/slurmdb.h>
}

#include "compat/slurm_api.hpp"
#include "submit/engine.hpp"
#include "util/identity.hpp"

#define ASBB_EXPORT extern "C" __attribute__((visibility("default")))

// plugin_version must equal the running SLURM's version exactly, so it comes
// from the headers the plugin is built against.
ASBB_EXPORT const char plugin_name[] = "asbb budget holds for jobs that burst to AWS";
ASBB_EXPORT const char plugin_type[] = "job_submit/budget";
ASBB_EXPORT const uint32_t plugin_version = SLURM_VERSION_NUMBER;

// Resolved from libslurmfull and slurmctld when the plugin is loaded; they
// are not in the public headers.
extern "C" {
char* slurm_xstrdup(const char* text);
void slurm_xfree(void** pointer);
void slurm_info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void slurm_error(const char* format, ...) __attribute__((format(printf, 1, 2)));
int assoc_mgr_fill_in_user(void* db_conn, slurmdb_user_rec_t* user, int enforce,
                           slurmdb_user_rec_t** user_pptr, bool locked);
}

namespace {

std::unique_ptr<asbb::submit::SubmitEngine> engine;

// Globals of slurmctld, looked up by name: a plugin that referenced them
// directly would fail to load into any other program.
template <class T>
T* slurmctld_global(const char* name) {
    return static_cast<T*>(dlsym(RTLD_DEFAULT, name));
}

std::string state_save_location() {
    auto* conf = slurmctld_global<slurm_conf_t>("slurm_conf");
    if (conf != nullptr && conf->state_save_location != nullptr) {
        return conf->state_save_location;
    }
    return "/var/spool/slurmctld";
}

// The user's default account when the job names none (job_desc->account
// is NULL then); the same lookup job_submit/lua uses.
std::string default_account(uint32_t uid) {
    void** db_conn = slurmctld_global<void*>("acct_db_conn");
    uint16_t* enforce = slurmctld_global<uint16_t>("accounting_enforce");
    if (db_conn == nullptr || enforce == nullptr) return "";
    slurmdb_user_rec_t user{};
    user.uid = uid;
    if (assoc_mgr_fill_in_user(*db_conn, &user, *enforce, nullptr, false) != SLURM_SUCCESS) {
        return "";
    }
    return user.default_acct != nullptr ? user.default_acct : "";  // points into a cache: copied
}

std::string default_partition() {
    char** name = slurmctld_global<char*>("default_part_name");
    return name != nullptr && *name != nullptr ? *name : "";
}

std::optional<int64_t> set32(uint32_t value) {
    if (value == NO_VAL || value == INFINITE) return std::nullopt;
    return value;
}

std::string partition_of(const job_desc_msg_t* job) {
    return job->partition != nullptr ? job->partition : default_partition();
}

// Called only for jobs on a budgeted partition: the account and user name
// lookups (assoc_mgr, getpwuid) are not free, and other jobs never pay them.
asbb::submit::SubmitInput input_of(const job_desc_msg_t* job, std::string partition) {
    asbb::submit::SubmitInput in;
    in.account = job->account != nullptr ? job->account : default_account(job->user_id);
    in.partition = std::move(partition);
    in.user_name = asbb::user_name_of(job->user_id);
    in.uid = job->user_id;
    in.shape.min_nodes = set32(job->min_nodes);
    // NO_VAL for --ntasks-per-node jobs from 23.02; the core then derives
    // the tasks from ntasks_per_node.
    in.shape.num_tasks = set32(job->num_tasks);
    if (job->ntasks_per_node != NO_VAL16) in.shape.ntasks_per_node = job->ntasks_per_node;
    if (job->cpus_per_task != NO_VAL16) in.shape.cpus_per_task = job->cpus_per_task;
    in.shape.min_cpus = set32(job->min_cpus);
    in.shape.time_unlimited = job->time_limit == INFINITE;
    in.shape.time_limit_min = set32(job->time_limit);
    if (job->array_inx != nullptr) in.shape.array_inx = job->array_inx;
    // Passed as written ("gres:gpu:2" before 23.11, "gres/gpu:2" after) and
    // read in the core, so an unreadable one refuses only a budgeted job.
    if (job->tres_per_node != nullptr) in.shape.tres_per_node = job->tres_per_node;
    if (job->tres_per_job != nullptr) in.shape.tres_per_job = job->tres_per_job;
    if (job->tres_per_task != nullptr) in.shape.tres_per_task = job->tres_per_task;
    return in;
}

void tag_admin_comment(job_desc_msg_t* job, const std::string& hold_id, bool unsecured) {
    std::string text = job->admin_comment != nullptr ? job->admin_comment : "";
    if (!text.empty()) text += " ";
    text += asbb::submit::SubmitEngine::hold_tag(hold_id);
    if (unsecured) text += " asbb:unsecured";
    slurm_xfree(reinterpret_cast<void**>(&job->admin_comment));
    job->admin_comment = slurm_xstrdup(text.c_str());
}

}  // namespace

ASBB_EXPORT int init(void) {
    try {
        const char* path = std::getenv("ASBB_CONF");
        engine = std::make_unique<asbb::submit::SubmitEngine>(
            path != nullptr && *path != '\0' ? path : "/etc/asbb/asbb.conf", state_save_location());
        slurm_info("job_submit/budget: loaded (SLURM 0x%06x); config is read at the first job",
                   static_cast<unsigned>(SLURM_VERSION_NUMBER));
        return SLURM_SUCCESS;
    } catch (...) {
        slurm_error("job_submit/budget: init failed: out of memory");
        return SLURM_ERROR;
    }
}

ASBB_EXPORT void fini(void) {
    engine.reset();
}

ASBB_EXPORT int job_submit(job_desc_msg_t* job_desc, uint32_t submit_uid, char** err_msg) {
    (void)submit_uid;
    try {
        if (!engine) return SLURM_SUCCESS;
        const auto start = std::chrono::steady_clock::now();
        std::string partition = partition_of(job_desc);
        if (!engine->budgeted(partition)) return SLURM_SUCCESS;
        auto decision = engine->submit(input_of(job_desc, std::move(partition)));
        if (!decision.log.empty()) {
            // The time spent is logged with every decision that touched the
            // budget: it is time slurmctld spent holding its locks.
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
            slurm_info("job_submit/budget: %s (%lld us)", decision.log.c_str(),
                       static_cast<long long>(us));
        }
        using Verdict = asbb::submit::SubmitDecision::Verdict;
        switch (decision.verdict) {
            case Verdict::kPass:
            case Verdict::kShadowAccept:  // EnforcePolicy=shadow: no hold, said in the log
                return SLURM_SUCCESS;
            case Verdict::kAccept:
            case Verdict::kAcceptUnsecured:
                tag_admin_comment(job_desc, decision.hold_id,
                                  decision.verdict == Verdict::kAcceptUnsecured);
                return SLURM_SUCCESS;
            case Verdict::kReject:
                if (err_msg != nullptr) *err_msg = slurm_xstrdup(decision.message.c_str());
                return ESLURM_ACCOUNTING_POLICY;
        }
        return SLURM_SUCCESS;
    } catch (...) {
        // Only allocation can fail out here; refuse rather than let a job
        // through unbudgeted.
        slurm_error("job_submit/budget: out of memory while checking a job");
        if (err_msg != nullptr) *err_msg = slurm_xstrdup("asbb: internal error; try again");
        return ESLURM_ACCOUNTING_POLICY;
    }
}

namespace {

// The change job_modify is asked to make, as far as it moves money.
asbb::submit::ModifyInput modify_input_of(const job_desc_msg_t* job, unsigned long job_id) {
    asbb::submit::ModifyInput in;
    in.job_id = static_cast<int64_t>(job_id);
    in.time_unlimited = job->time_limit == INFINITE;
    in.time_limit_min = set32(job->time_limit);
    in.min_nodes = set32(job->min_nodes);
    if (job->account != nullptr) in.account = job->account;
    if (job->partition != nullptr) in.partition = job->partition;
    return in;
}

// err_msg is null on 22.05, whose job_modify has none: a refusal then
// reaches the user only as "Access/permission denied", and the reason is in
// slurmctld's log.
int modify_job(job_desc_msg_t* job_desc, char** err_msg) {
    if (!engine || job_desc->job_id_str == nullptr) return SLURM_SUCCESS;
    char* end = nullptr;
    unsigned long job_id = std::strtoul(job_desc->job_id_str, &end, 10);
    if (end == job_desc->job_id_str || job_id == 0) return SLURM_SUCCESS;
    auto decision = engine->modify(modify_input_of(job_desc, job_id));
    if (!decision.log.empty()) slurm_info("job_submit/budget: %s", decision.log.c_str());
    if (decision.allow) return SLURM_SUCCESS;
    if (err_msg != nullptr && !decision.message.empty()) {
        *err_msg = slurm_xstrdup(decision.message.c_str());
    }
    return ESLURM_ACCESS_DENIED;
}

}  // namespace

// 3 arguments on 22.05, 4 (with err_msg) from 23.02: the compat layer picks.
// job_ptr is SLURM's internal job_record_t, opaque with public headers: the
// job is found through its hold, which the poller links to the job id.
ASBB_EXPORT int job_modify(ASBB_JOB_MODIFY_PARAMS(job_desc, job_ptr, submit_uid, err_msg)) {
    (void)job_ptr;
    (void)submit_uid;
    char** const user_message = ASBB_JOB_MODIFY_ERR_MSG(err_msg);
    try {
        return modify_job(job_desc, user_message);
    } catch (...) {
        slurm_error("job_submit/budget: out of memory while checking a job change");
        if (user_message != nullptr)
            *user_message = slurm_xstrdup("asbb: internal error; try again");
        return ESLURM_ACCESS_DENIED;
    }
}
