// Calendar days in the machine's local time zone, as day numbers (days since
// 1970-01-01 of the proleptic Gregorian calendar), so that reports can bucket
// the journal by the dates people see and count days by subtraction, across
// DST changes.
#pragma once

#include <cstdint>
#include <string>

namespace asbb {

// The local date of an instant, as a day number.
int64_t local_day_number(int64_t epoch_s);

// A day number as YYYY-MM-DD.
std::string format_day_number(int64_t day);

}  // namespace asbb
