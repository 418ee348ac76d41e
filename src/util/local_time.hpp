// Turning what people type into instants and back, in the machine's local
// time zone (as SLURM's own tools do: an admin's "2025-12-31" is a local date).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/time_parse.hpp"

namespace asbb {

// Seconds since the epoch now; $ASBB_NOW (epoch seconds) overrides it so that
// tests and reports can run on a fixed clock.
int64_t now_epoch_s();

// Which end of a bare date is meant: the start of a period begins at 00:00 of
// its date, the end of a period ends after 23:59:59 of its date.
enum class DateEdge { kStartOfDay, kEndOfDay };

// Parses a CLI time ("2025-01-01", "2025-01-01T10:30", "now-30days") into
// epoch seconds. The error names the text and what was wrong.
Expected<int64_t> parse_cli_instant(std::string_view text, int64_t now_s, DateEdge edge);

// Local-time renderings.
std::string format_local_date(int64_t epoch_s);      // YYYY-MM-DD
std::string format_local_datetime(int64_t epoch_s);  // YYYY-MM-DDTHH:MM:SS

// RFC 3339 in UTC (YYYY-MM-DDTHH:MM:SSZ): for JSON read by programs, such as
// Go's time.Time, which refuses a time without its zone.
std::string format_rfc3339_utc(int64_t epoch_s);

// A period [start, end) shown as people think of it: "2025-01-01..2025-12-31"
// (the last day included), with times when the edges are not midnight.
std::string format_period(int64_t start_s, int64_t end_s);

}  // namespace asbb
