#include "core/job_run.hpp"

#include <algorithm>
#include <charconv>

#include "core/split.hpp"

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

namespace asbb {

Expected<int64_t> tres_alloc_cpus(std::string_view tres_alloc) {
    int64_t cpus = 0;
    if (tres_alloc.empty()) return cpus;
    for (std::string_view entry : split_on(tres_alloc, ',')) {
        const size_t equals = entry.find('=');
        int64_t id = 0;
        int64_t count = 0;
        const std::string_view id_text = entry.substr(0, equals);
        const std::string_view count_text =
            equals == std::string_view::npos ? std::string_view() : entry.substr(equals + 1);
        auto a = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
        // Other TRES may hold any 64-bit count (memory, NO_VAL64): only
        // their shape is checked.
        const bool digits =
            !count_text.empty() && std::all_of(count_text.begin(), count_text.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
        if (id_text.empty() || a.ec != std::errc() || a.ptr != id_text.data() + id_text.size() ||
            !digits) {
            return make_error("tres_alloc '" + std::string(tres_alloc) + "': not id=count pairs");
        }
        if (id != 1) continue;
        auto b = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
        if (b.ec != std::errc()) {
            return make_error("tres_alloc '" + std::string(tres_alloc) + "': too many CPUs");
        }
        cpus = count;
    }
    return cpus;
}

}  // namespace asbb
