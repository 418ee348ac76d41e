#include "core/job_run.hpp"

#include <algorithm>

namespace asbb {

namespace {

// From slurm.h (enum job_states and the flag bits); repeated here because the
// core includes no SLURM header.
constexpr uint32_t kStateBaseMask = 0xff;
constexpr uint32_t kStateComplete = 3;
constexpr uint32_t kStateLastFinal = 11;  // JOB_OOM
constexpr uint32_t kStateSuspended = 2;
constexpr uint32_t kFlagRequeue = 1u << 10;
constexpr uint32_t kFlagConfiguring = 1u << 14;
constexpr uint32_t kFlagCompleting = 1u << 15;

}  // namespace

bool run_is_final(const JobRun& run) {
    const uint32_t base = run.state & kStateBaseMask;
    if (base >= kStateComplete && base <= kStateLastFinal) return true;
    return (run.state & kFlagRequeue) != 0 && run.time_end > 0;
}

bool run_awaits_start(const JobRun& run, int64_t now_s) {
    const int64_t latest_s = std::max(run.time_start, run.time_end);
    const bool nodes_without_time = run.nodes_alloc > 0 && run_elapsed_s(run) == 0;
    const bool time_without_nodes = run.nodes_alloc <= 0 && run_elapsed_s(run) > 0;
    return run_is_final(run) && (nodes_without_time || time_without_nodes) && latest_s > 0 &&
           now_s < latest_s + kStartRecordWait_s;
}

bool run_was_requeued(const JobRun& run) {
    return (run.state & kFlagRequeue) != 0;
}

bool run_is_over(const JobRun& run, int64_t now_s) {
    return run_is_final(run) && !run_awaits_start(run, now_s);
}

bool job_still_active(uint32_t state) {
    if ((state & kStateBaseMask) <= kStateSuspended) return true;
    return (state & (kFlagRequeue | kFlagConfiguring | kFlagCompleting)) != 0;
}

int64_t run_elapsed_s(const JobRun& run) {
    if (run.time_start <= 0 || run.time_end <= run.time_start) return 0;
    return run.time_end - run.time_start;
}

std::optional<int64_t> run_charge_key(const JobRun& run) {
    constexpr int64_t kJobIdBits = 26;
    constexpr int64_t kJobIdLimit = int64_t{1} << kJobIdBits;
    constexpr int64_t kSubmitLimit = int64_t{1} << 36;
    if (run.job_id <= 0 || run.job_id >= kJobIdLimit) return std::nullopt;
    if (run.time_submit < 0 || run.time_submit >= kSubmitLimit) return std::nullopt;
    return (run.time_submit << kJobIdBits) | run.job_id;
}

int64_t hold_job_id(const JobRun& run) {
    return run.array_job_id > 0 ? run.array_job_id : run.job_id;
}

}  // namespace asbb
