#include "util/local_time.hpp"

#include <charconv>
#include <cstdlib>
#include <ctime>

namespace asbb {

int64_t now_epoch_s() {
    if (const char* fixed = std::getenv("ASBB_NOW"); fixed != nullptr && *fixed != '\0') {
        int64_t value = 0;
        std::string_view text(fixed);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size()) return value;
    }
    return static_cast<int64_t>(std::time(nullptr));
}

namespace {

// mktime normalizes out-of-range fields silently; the civil time was
// validated before, and a DST gap is resolved by the C library.
int64_t local_epoch(const CivilTime& civil) {
    std::tm tm{};
    tm.tm_year = civil.year - 1900;
    tm.tm_mon = civil.month - 1;
    tm.tm_mday = civil.day;
    tm.tm_hour = civil.hour;
    tm.tm_min = civil.minute;
    tm.tm_sec = civil.second;
    tm.tm_isdst = -1;
    return static_cast<int64_t>(std::mktime(&tm));
}

std::tm local_tm(int64_t epoch_s) {
    std::tm tm{};
    auto t = static_cast<time_t>(epoch_s);
    localtime_r(&t, &tm);
    return tm;
}

std::string strftime_text(int64_t epoch_s, const char* format) {
    std::tm tm = local_tm(epoch_s);
    char buffer[64];
    size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
    return std::string(buffer, n);
}

}  // namespace

Expected<int64_t> parse_cli_instant(std::string_view text, int64_t now_s, DateEdge edge) {
    auto parsed = parse_cli_time(text);
    if (!parsed) return make_error(parsed.error());
    if (parsed->relative) return now_s + parsed->offset_from_now_s;
    CivilTime civil = parsed->civil;
    if (!civil.has_time && edge == DateEdge::kEndOfDay) {
        // The whole last day belongs to the period: it ends at the next midnight.
        CivilTime next = civil;
        next.day += 1;  // mktime carries into the next month or year
        return local_epoch(next);
    }
    return local_epoch(civil);
}

std::string format_local_date(int64_t epoch_s) {
    return strftime_text(epoch_s, "%Y-%m-%d");
}

std::string format_local_datetime(int64_t epoch_s) {
    return strftime_text(epoch_s, "%Y-%m-%dT%H:%M:%S");
}

std::string format_rfc3339_utc(int64_t epoch_s) {
    std::tm tm{};
    auto t = static_cast<time_t>(epoch_s);
    gmtime_r(&t, &tm);
    char buffer[32];
    size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buffer, n);
}

std::string format_period(int64_t start_s, int64_t end_s) {
    auto is_midnight = [](int64_t s) {
        std::tm tm = local_tm(s);
        return tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0;
    };
    if (is_midnight(start_s) && is_midnight(end_s)) {
        return format_local_date(start_s) + ".." + format_local_date(end_s - 1);
    }
    return format_local_datetime(start_s) + ".." + format_local_datetime(end_s);
}

}  // namespace asbb
