#pragma once
// Reading a SLURM job id from a command line or a URL.

#include <cstdint>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

// Job ids are 32-bit and never 0; 0xfffffffe and up are SLURM's NO_VAL and
// INFINITE, never ids. Federated ids use the top bits, so the whole range up
// to there is allowed, not just MaxJobId's default.
inline constexpr int64_t kMaxSlurmJobId = 4'294'967'293;

enum class ArrayTask { kRefused, kAccepted };

// "4242" -> 4242. With ArrayTask::kAccepted, "4242_7" also reads as 4242:
// the array task's own record is found through its array's job id.
// The error quotes the input: "'12x' is not a SLURM job id (1 to 4294967293)".
Expected<int64_t> parse_slurm_job_id(std::string_view text,
                                     ArrayTask array_task = ArrayTask::kRefused);

}  // namespace asbb
