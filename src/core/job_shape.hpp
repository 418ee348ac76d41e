// What a submission asks for, reduced to what a hold is sized by: nodes,
// time and array tasks. Pure: the plugin fills a SubmitShape from SLURM's
// job_desc (unset fields stay empty) and gets back a JobShape or the
// one-line reason it cannot size the job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/hold_sizing.hpp"

namespace asbb {

struct SubmitShape {
    std::optional<int64_t> min_nodes;  // -N
    std::optional<int64_t> num_tasks;  // -n; unset for --ntasks-per-node jobs from SLURM 23.02
    std::optional<int64_t> ntasks_per_node;  // --ntasks-per-node
    std::optional<int64_t> cpus_per_task;    // -c
    std::optional<int64_t> min_cpus;         // total CPUs SLURM derived
    std::optional<int64_t> time_limit_min;   // --time, minutes
    bool time_unlimited = false;             // --time=UNLIMITED
    std::string array_inx;                   // --array spec, "" when not an array
    // SLURM's TRES request strings, as given (core/tres_request.hpp reads
    // their GPUs): --gres/--gpus-per-node, --gpus, --gpus-per-task.
    std::string tres_per_node;
    std::string tres_per_job;
    std::string tres_per_task;
};

struct PartitionShape {
    std::optional<int64_t> cpus_per_node;                 // from the rate card's instance type
    std::optional<int64_t> default_time_limit_s;          // from the rate card
    std::optional<int64_t> gpus_per_node = std::nullopt;  // from the rate card's instance type
};

// What the job asks for beyond its node count, as read from SubmitShape.
struct ResourceRequest {
    std::optional<int64_t> tasks;  // -n, else nodes (or 1) x --ntasks-per-node
    int64_t cpus = 0;              // tasks x cpus per task, or SLURM's figure if larger
    int64_t gpus_per_node = 0;     // --gres=gpu:N, --gpus-per-node
    int64_t gpus = 0;  // GPUs that must fit across nodes: --gpus, tasks x --gpus-per-task
};

// Reads the shape's tasks, CPUs and GPUs; an error when a TRES string is
// malformed.
Expected<ResourceRequest> resolve_request(const SubmitShape& submit);

// Tasks of an array spec: "0-9" -> 10, "1,3,5-7" -> 5, "0-15:4" -> 4,
// "0-9%2" -> 10 (the throttle limits concurrency, not the count). "" -> 1.
Expected<int64_t> count_array_tasks(std::string_view array_inx);

// Nodes: -N when given (SLURM refuses a job whose CPUs or GPUs do not fit
// on them); else enough nodes for the CPUs and for the GPUs asked for, at
// the partition's CPUs and GPUs per node; else 1.
Expected<int64_t> resolve_nodes(const SubmitShape& submit, const PartitionShape& partition);

// Where resolve_job_shape's figures come from, in words, for the hold's
// journal row and `asbb explain`: "nodes from -N; time from --time",
// "nodes from 8 CPUs at 4 per node; time from the partition's default".
// The same branches as resolve_nodes and resolve_job_shape take.
std::string describe_shape_origin(const SubmitShape& submit, const PartitionShape& partition);

// The job's shape for sizing, or why it cannot be sized ("pass --time").
Expected<JobShape> resolve_job_shape(const SubmitShape& submit, const PartitionShape& partition,
                                     const std::string& partition_name);

}  // namespace asbb
