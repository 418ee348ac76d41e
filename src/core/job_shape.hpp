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
    std::optional<int64_t> min_nodes;       // -N
    std::optional<int64_t> num_tasks;       // -n
    std::optional<int64_t> cpus_per_task;   // -c
    std::optional<int64_t> min_cpus;        // total CPUs SLURM derived
    std::optional<int64_t> time_limit_min;  // --time, minutes
    bool time_unlimited = false;            // --time=UNLIMITED
    std::string array_inx;                  // --array spec, "" when not an array
};

struct PartitionShape {
    std::optional<int64_t> cpus_per_node;         // from the rate card's instance type
    std::optional<int64_t> default_time_limit_s;  // from the rate card
};

// Tasks of an array spec: "0-9" -> 10, "1,3,5-7" -> 5, "0-15:4" -> 4,
// "0-9%2" -> 10 (the throttle limits concurrency, not the count). "" -> 1.
Expected<int64_t> count_array_tasks(std::string_view array_inx);

// Nodes: -N when given; else enough nodes for the CPUs asked for, at the
// partition's CPUs per node; else 1.
Expected<int64_t> resolve_nodes(const SubmitShape& submit, const PartitionShape& partition);

// The job's shape for sizing, or why it cannot be sized ("pass --time").
Expected<JobShape> resolve_job_shape(const SubmitShape& submit, const PartitionShape& partition,
                                     const std::string& partition_name);

}  // namespace asbb
