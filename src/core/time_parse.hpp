// Parsing of the time forms people type: SLURM time limits (sbatch --time),
// calendar dates and relative times for the CLI, and short durations.
// Pure: turning a civil date into an epoch needs a time zone, which is done
// outside the core (util/local_time.hpp) from the CivilTime returned here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

// A SLURM time limit: sbatch --time's forms "M", "M:S", "H:M:S", "D-H",
// "D-H:M", "D-H:M:S", and "UNLIMITED"/"INFINITE"/"-1" (case-insensitive).
// Minutes may exceed 59 in the first field ("90" = 90 min, as SLURM takes it);
// later fields must stay in clock range (minutes/seconds 0-59, hours after
// "D-" 0-23). A total of zero is unlimited, as sbatch documents for --time=0.
// No whitespace or signs; a total beyond int64 seconds is refused.
struct TimeLimit {
    bool unlimited = false;
    int64_t seconds = 0;  // meaningful when !unlimited
};
Expected<TimeLimit> parse_slurm_time_limit(std::string_view text);

// SLURM keeps a time limit as minutes in a uint32_t whose 0xffffffff is
// INFINITE, so its longest finite limit is 0xfffffffe minutes (about 8166
// years). A longer finite limit is one SLURM could never run a job with.
inline constexpr int64_t kMaxSlurmTimeLimitS = int64_t{0xfffffffe} * 60;

// Formats seconds back as SLURM prints limits: "D-HH:MM:SS" or "HH:MM:SS";
// a negative value (SLURM's -1) prints as "UNLIMITED".
std::string format_slurm_time_limit(int64_t seconds);

// A calendar date/time as typed ("YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]"),
// every field at its full width ("2025-1-1" is refused).
struct CivilTime {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    bool has_time = false;  // false for a bare date
};

// What a CLI time argument means: an absolute civil time, or now + offset
// ("now", "now-30days", "now+2hours"; units as SLURM: seconds (default),
// minutes, hours, days, weeks, singular or plural, case-insensitive).
struct CliTime {
    bool relative = false;
    CivilTime civil;                // when !relative
    int64_t offset_from_now_s = 0;  // when relative
};
Expected<CliTime> parse_cli_time(std::string_view text);

// Short durations: "30d", "12h", "90m", "45s", "2w" (one lower-case unit,
// required). Zero ("0d") is refused as well as signs: a TTL or window of
// nothing is a mistake, not a request.
Expected<int64_t> parse_duration_seconds(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date (no time zone).
int64_t days_from_civil(int year, int month, int day);
// Validates a civil time (month 1-12, day within month incl. leap years,
// hour 0-23, minute/second 0-59, year 1970-9999).
bool civil_time_valid(const CivilTime& t);

}  // namespace asbb
