#pragma once
// Seconds in SLURM's and the calendar's fixed units. Days are 86400 s: asbb
// keeps time in UTC epoch seconds, where there are no leap seconds.

#include <cstdint>

namespace asbb {

inline constexpr int64_t kSecondsPerMinute = 60;
inline constexpr int64_t kSecondsPerHour = 3'600;
inline constexpr int64_t kSecondsPerDay = 86'400;
inline constexpr int64_t kSecondsPerWeek = 7 * kSecondsPerDay;

}  // namespace asbb
