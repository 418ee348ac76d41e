// GPUs in a job's TRES request strings (job_desc's tres_per_node,
// tres_per_job, tres_per_task). Pure.
//
// A string is a comma list of entries. GRES entries are spelled
// "gres:gpu:2" by SLURM 22.05/23.02 clients and "gres/gpu:2" from 23.11, may
// name a type ("gres/gpu:tesla:2", "gres:gpu:1g.5gb:1"), may give the count
// after '=' ("gres/gpu=2") and default to one ("gres/gpu"). Other entries
// ("cpu=4", 23.11+ writes one per --cpus-per-task; "mem=4G";
// "gres/shard:1", which is not a GPU) are checked for shape and not counted.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

// Most GPUs one entry may ask for: far above any real request, low enough
// that sums and products with node and task counts cannot overflow.
inline constexpr int64_t kMaxGpuCount = 1'000'000;

// GPUs the string asks for, summed over its gpu entries; "" and strings
// without one give 0. Malformed input is an error naming the entry, never a
// silent 0.
Expected<int64_t> gpu_count(std::string_view tres);

}  // namespace asbb
