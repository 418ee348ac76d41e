#include "core/job_shape.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/split.hpp"
#include "core/tres_request.hpp"

namespace asbb {

namespace {

// SLURM's own limit on array indices (MaxArraySize is at most 4000001).
constexpr int64_t kMaxArrayIndex = 4'000'001;

std::optional<int64_t> number(std::string_view text) {
    int64_t value = 0;
    if (text.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

int64_t ceil_div(int64_t amount, int64_t per) {
    return (amount + per - 1) / per;
}

Error bad_array(std::string_view spec) {
    return make_error("cannot read the array spec '" + std::string(spec.substr(0, 64)) + "'");
}

}  // namespace

Expected<int64_t> count_array_tasks(std::string_view array_inx) {
    if (array_inx.empty()) return int64_t{1};
    std::string_view spec = array_inx;
    if (auto percent = spec.find('%'); percent != std::string_view::npos) {
        if (!number(spec.substr(percent + 1))) return bad_array(array_inx);
        spec = spec.substr(0, percent);
    }
    int64_t total = 0;
    for (std::string_view item : split_on(spec)) {
        int64_t step = 1;
        if (auto colon = item.find(':'); colon != std::string_view::npos) {
            auto parsed = number(item.substr(colon + 1));
            if (!parsed || *parsed == 0) return bad_array(array_inx);
            step = *parsed;
            item = item.substr(0, colon);
        }
        auto dash = item.find('-');
        auto first = number(item.substr(0, dash));
        auto last = dash == std::string_view::npos ? first : number(item.substr(dash + 1));
        if (!first || !last || *last < *first || *last > kMaxArrayIndex)
            return bad_array(array_inx);
        total += (*last - *first) / step + 1;
    }
    return total;
}

Expected<ResourceRequest> resolve_request(const SubmitShape& submit) {
    ResourceRequest request;
    const int64_t cpus_per_task = std::max<int64_t>(submit.cpus_per_task.value_or(1), 1);
    if (submit.num_tasks && *submit.num_tasks > 0) {
        request.tasks = *submit.num_tasks;
    } else if (submit.ntasks_per_node && *submit.ntasks_per_node > 0) {
        // From SLURM 23.02 num_tasks is not set yet for --ntasks-per-node
        // jobs (slurmctld derives it after the plugin): derive it the same way.
        const int64_t nodes = submit.min_nodes && *submit.min_nodes > 0 ? *submit.min_nodes : 1;
        request.tasks = nodes * *submit.ntasks_per_node;
    }
    if (request.tasks) request.cpus = *request.tasks * cpus_per_task;
    if (submit.min_cpus) request.cpus = std::max(request.cpus, *submit.min_cpus);

    auto per_node = gpu_count(submit.tres_per_node);
    if (!per_node) return make_error(per_node.error());
    auto per_job = gpu_count(submit.tres_per_job);
    if (!per_job) return make_error(per_job.error());
    auto per_task = gpu_count(submit.tres_per_task);
    if (!per_task) return make_error(per_task.error());
    request.gpus_per_node = *per_node;
    request.gpus = std::max(*per_job, *per_task * request.tasks.value_or(1));
    return request;
}

namespace {

// resolve_nodes' answer and the words for where it came from.
struct NodesDecision {
    int64_t nodes = 1;
    std::string origin;
};

Expected<NodesDecision> decide_nodes(const SubmitShape& submit, const PartitionShape& partition) {
    auto request = resolve_request(submit);
    if (!request) return make_error(request.error());
    if (submit.min_nodes && *submit.min_nodes > 0) {
        return NodesDecision{*submit.min_nodes, "nodes from -N"};
    }
    NodesDecision decision{1, "1 node (no -N, no CPU or GPU count to place)"};
    if (request->cpus > 0 && partition.cpus_per_node && *partition.cpus_per_node > 0) {
        const int64_t for_cpus = ceil_div(request->cpus, *partition.cpus_per_node);
        decision = {std::max<int64_t>(1, for_cpus),
                    "nodes from " + std::to_string(request->cpus) + " CPUs at " +
                        std::to_string(*partition.cpus_per_node) + " per node"};
    }
    if (request->gpus > 0 && partition.gpus_per_node && *partition.gpus_per_node > 0) {
        const int64_t for_gpus = ceil_div(request->gpus, *partition.gpus_per_node);
        if (for_gpus > decision.nodes) {
            decision = {for_gpus, "nodes from " + std::to_string(request->gpus) + " GPUs at " +
                                      std::to_string(*partition.gpus_per_node) + " per node"};
        }
    }
    return decision;
}

bool uses_own_time(const SubmitShape& submit) {
    return submit.time_limit_min && *submit.time_limit_min > 0;
}

}  // namespace

Expected<int64_t> resolve_nodes(const SubmitShape& submit, const PartitionShape& partition) {
    auto decision = decide_nodes(submit, partition);
    if (!decision) return make_error(decision.error());
    return decision->nodes;
}

std::string describe_shape_origin(const SubmitShape& submit, const PartitionShape& partition) {
    auto decision = decide_nodes(submit, partition);
    std::string origin = decision ? decision->origin : "nodes unknown";
    origin += uses_own_time(submit) ? "; time from --time" : "; time from the partition's default";
    if (!submit.array_inx.empty()) {
        // Kept short: the words go into a 255-character journal reason.
        constexpr size_t kShownChars = 40;
        const bool cut = submit.array_inx.size() > kShownChars;
        origin +=
            "; tasks from --array=" + submit.array_inx.substr(0, kShownChars) + (cut ? "..." : "");
    }
    return origin;
}

Expected<JobShape> resolve_job_shape(const SubmitShape& submit, const PartitionShape& partition,
                                     const std::string& partition_name) {
    JobShape shape;
    auto nodes = resolve_nodes(submit, partition);
    if (!nodes) return make_error(nodes.error());
    shape.nodes = *nodes;
    if (submit.time_unlimited) {
        return make_error("jobs on " + partition_name +
                          " are charged by the hour: pass a finite --time");
    }
    if (uses_own_time(submit)) {
        shape.time_limit_s = *submit.time_limit_min * 60;
    } else if (partition.default_time_limit_s) {
        shape.time_limit_s = *partition.default_time_limit_s;
    } else {
        return make_error("jobs on " + partition_name +
                          " need a time limit to be budgeted: pass --time");
    }
    auto tasks = count_array_tasks(submit.array_inx);
    if (!tasks) return make_error(tasks.error());
    shape.array_tasks = *tasks;
    return shape;
}

}  // namespace asbb
