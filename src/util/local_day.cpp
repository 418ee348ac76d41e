#include "util/local_day.hpp"

#include <cstdio>
#include <ctime>

#include "core/time_parse.hpp"

namespace asbb {

int64_t local_day_number(int64_t epoch_s) {
    std::tm tm{};
    auto t = static_cast<time_t>(epoch_s);
    localtime_r(&t, &tm);
    return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string format_day_number(int64_t day) {
    // Howard Hinnant's civil_from_days, the inverse of days_from_civil.
    const int64_t z = day + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t day_of_era = z - era * 146097;
    const int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int64_t month_from_march = (5 * day_of_year + 2) / 153;
    const int64_t d = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    const int64_t m = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
    const int64_t y = year_of_era + era * 400 + (m <= 2 ? 1 : 0);
    char text[64];  // room for any int64 fields, so no truncation warning
    std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d));
    return text;
}

}  // namespace asbb
