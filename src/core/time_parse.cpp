#include "core/time_parse.hpp"

#include <array>
#include <optional>
#include <vector>

#include "core/ascii.hpp"
#include "core/names.hpp"
#include "core/split.hpp"
#include "core/time_units.hpp"

namespace asbb {

namespace {

// A non-empty run of decimal digits as int64; nullopt on anything else or on
// overflow (huge day counts must not wrap into small ones).
std::optional<int64_t> parse_digits(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    int64_t value = 0;
    for (char c : text) {
        if (!is_ascii_digit(c) || __builtin_mul_overflow(value, 10, &value) ||
            __builtin_add_overflow(value, c - '0', &value)) {
            return std::nullopt;
        }
    }
    return value;
}

// sum += value * unit_s, refusing overflow.
bool accumulate(int64_t& sum, int64_t value, int64_t unit_s) {
    int64_t product = 0;
    return !__builtin_mul_overflow(value, unit_s, &product) &&
           !__builtin_add_overflow(sum, product, &sum);
}

std::string two_digits(int64_t value) {
    return value < 10 ? "0" + std::to_string(value) : std::to_string(value);
}

bool is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

// Fixed-width digits at text[pos, pos + width).
std::optional<int> fixed_digits(std::string_view text, size_t pos, size_t width) {
    if (pos + width > text.size() || !all_ascii_digits(text.substr(pos, width))) {
        return std::nullopt;
    }
    return static_cast<int>(*parse_digits(text.substr(pos, width)));
}

std::optional<int64_t> relative_unit_s(std::string_view unit) {
    struct Unit {
        std::string_view singular;
        int64_t seconds;
    };
    static constexpr std::array<Unit, 5> kUnits = {{{"second", 1},
                                                    {"minute", kSecondsPerMinute},
                                                    {"hour", kSecondsPerHour},
                                                    {"day", kSecondsPerDay},
                                                    {"week", kSecondsPerWeek}}};
    if (unit.empty()) {
        return 1;
    }
    for (const Unit& u : kUnits) {
        if (equals_ignore_case(unit, u.singular) ||
            (unit.size() == u.singular.size() + 1 &&
             equals_ignore_case(unit.substr(0, u.singular.size()), u.singular) &&
             ascii_lower(unit.back()) == 's')) {
            return u.seconds;
        }
    }
    return std::nullopt;
}

Expected<CliTime> parse_relative(std::string_view text) {
    auto fail = [&](std::string_view problem) {
        return make_error("invalid time " + quote_input(text) + ": " + std::string(problem));
    };
    CliTime result;
    result.relative = true;
    const std::string_view rest = text.substr(3);
    if (rest.empty()) {
        return result;
    }
    if (rest[0] != '+' && rest[0] != '-') {
        return fail("expected now[+-N[seconds|minutes|hours|days|weeks]]");
    }
    size_t digits_end = 1;
    while (digits_end < rest.size() && is_ascii_digit(rest[digits_end])) {
        ++digits_end;
    }
    if (digits_end == 1) {
        return fail("expected a number after '" + std::string(1, rest[0]) + "'");
    }
    const auto count = parse_digits(rest.substr(1, digits_end - 1));
    const auto unit_s = relative_unit_s(rest.substr(digits_end));
    if (!unit_s) {
        return fail("unknown unit '" + std::string(rest.substr(digits_end)) +
                    "' (use seconds, minutes, hours, days or weeks)");
    }
    int64_t offset_s = 0;
    if (!count || !accumulate(offset_s, *count, *unit_s)) {
        return fail("offset too large");
    }
    result.offset_from_now_s = rest[0] == '-' ? -offset_s : offset_s;
    return result;
}

}  // namespace

Expected<TimeLimit> parse_slurm_time_limit(std::string_view text) {
    if (equals_ignore_case(text, "unlimited") || equals_ignore_case(text, "infinite") ||
        text == "-1") {
        return TimeLimit{true, 0};
    }
    auto fail = [&](std::string_view problem) {
        return make_error("invalid time limit " + quote_input(text) + ": " + std::string(problem));
    };
    if (text.empty()) {
        return fail("empty");
    }

    int64_t seconds = 0;
    const size_t dash = text.find('-');
    if (dash != std::string_view::npos) {
        constexpr std::string_view kExpected = "expected D-H[:M[:S]]";
        const std::vector<std::string_view> clock = split_on(text.substr(dash + 1), ':');
        if (clock.size() > 3 || !all_ascii_digits(text.substr(0, dash))) {
            return fail(kExpected);
        }
        for (std::string_view field : clock) {
            if (!all_ascii_digits(field)) {
                return fail(kExpected);
            }
        }
        const auto days = parse_digits(text.substr(0, dash));
        if (!days || !accumulate(seconds, *days, kSecondsPerDay)) {
            return fail("too large");
        }
        // Only the leading field may run past its clock range, as in "90" minutes.
        static constexpr std::array<int64_t, 3> kUnits = {kSecondsPerHour, kSecondsPerMinute, 1};
        static constexpr std::array<int64_t, 3> kMax = {23, 59, 59};
        static constexpr std::array<std::string_view, 3> kNames = {"hours", "minutes", "seconds"};
        for (size_t i = 0; i < clock.size(); ++i) {
            const auto value = parse_digits(clock[i]);
            if (!value || *value > kMax[i]) {
                return fail(std::string(kNames[i]) + " must be 0-" + std::to_string(kMax[i]));
            }
            if (!accumulate(seconds, *value, kUnits[i])) {
                return fail("too large");
            }
        }
    } else {
        const std::vector<std::string_view> fields = split_on(text, ':');
        if (fields.size() > 3) {
            return fail("expected M, M:S, H:M:S or D-H[:M[:S]]");
        }
        for (std::string_view field : fields) {
            if (!all_ascii_digits(field)) {
                return fail("expected M, M:S, H:M:S or D-H[:M[:S]]");
            }
        }
        // "M", "M:S", "H:M:S": the units depend on how many fields there are.
        static constexpr std::array<std::array<int64_t, 3>, 3> kUnits = {
            {{kSecondsPerMinute, 0, 0},
             {kSecondsPerMinute, 1, 0},
             {kSecondsPerHour, kSecondsPerMinute, 1}}};
        const auto& units = kUnits[fields.size() - 1];
        for (size_t i = 0; i < fields.size(); ++i) {
            const auto value = parse_digits(fields[i]);
            if (!value) {
                return fail("too large");
            }
            if (i > 0 && *value > 59) {
                return fail(std::string(units[i] == 1 ? "seconds" : "minutes") + " must be 0-59");
            }
            if (!accumulate(seconds, *value, units[i])) {
                return fail("too large");
            }
        }
    }
    // sbatch: "A time limit of zero requests that no time limit be imposed."
    if (seconds == 0) {
        return TimeLimit{true, 0};
    }
    return TimeLimit{false, seconds};
}

std::string format_slurm_time_limit(int64_t seconds) {
    if (seconds < 0) {
        return "UNLIMITED";
    }
    const int64_t days = seconds / kSecondsPerDay;
    const int64_t rest = seconds % kSecondsPerDay;
    std::string clock = two_digits(rest / kSecondsPerHour) + ":" +
                        two_digits(rest % kSecondsPerHour / kSecondsPerMinute) + ":" +
                        two_digits(rest % kSecondsPerMinute);
    return days > 0 ? std::to_string(days) + "-" + clock : clock;
}

Expected<CliTime> parse_cli_time(std::string_view text) {
    if (text.size() >= 3 && equals_ignore_case(text.substr(0, 3), "now")) {
        return parse_relative(text);
    }
    auto fail = [&](std::string_view problem) {
        return make_error("invalid time " + quote_input(text) + ": " + std::string(problem));
    };
    if (text.empty()) {
        return fail("empty");
    }
    // Fixed widths: "2025-1-1" is more likely a typo than a date.
    const auto year = fixed_digits(text, 0, 4);
    const auto month = fixed_digits(text, 5, 2);
    const auto day = fixed_digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-' ||
        (text.size() != 10 && text.size() != 16 && text.size() != 19)) {
        return fail("expected YYYY-MM-DD[THH:MM[:SS]] or now[+-N[units]]");
    }
    CliTime result;
    result.civil.year = *year;
    result.civil.month = *month;
    result.civil.day = *day;
    if (text.size() > 10) {
        const auto hour = fixed_digits(text, 11, 2);
        const auto minute = fixed_digits(text, 14, 2);
        const auto second = text.size() == 19 ? fixed_digits(text, 17, 2) : std::optional<int>(0);
        if (text[10] != 'T' || text[13] != ':' || (text.size() == 19 && text[16] != ':') || !hour ||
            !minute || !second) {
            return fail("expected YYYY-MM-DD[THH:MM[:SS]] or now[+-N[units]]");
        }
        result.civil.hour = *hour;
        result.civil.minute = *minute;
        result.civil.second = *second;
        result.civil.has_time = true;
    }
    if (!civil_time_valid(result.civil)) {
        return fail("no such date or time");
    }
    return result;
}

Expected<int64_t> parse_duration_seconds(std::string_view text) {
    auto fail = [&](std::string_view problem) {
        return make_error("invalid duration " + quote_input(text) + ": " + std::string(problem));
    };
    constexpr std::string_view kExpected = "expected a number and one unit of s, m, h, d, w";
    if (text.empty()) {
        return fail("empty");
    }
    int64_t unit_s = 0;
    switch (text.back()) {
        case 's':
            unit_s = 1;
            break;
        case 'm':
            unit_s = kSecondsPerMinute;
            break;
        case 'h':
            unit_s = kSecondsPerHour;
            break;
        case 'd':
            unit_s = kSecondsPerDay;
            break;
        case 'w':
            unit_s = kSecondsPerWeek;
            break;
        default:
            return fail(kExpected);
    }
    const std::string_view number = text.substr(0, text.size() - 1);
    if (!all_ascii_digits(number)) {
        return fail(kExpected);
    }
    int64_t seconds = 0;
    const auto count = parse_digits(number);
    if (!count || !accumulate(seconds, *count, unit_s)) {
        return fail("too large");
    }
    if (seconds == 0) {
        return fail("must be greater than zero");
    }
    return seconds;
}

int64_t days_from_civil(int year, int month, int day) {
    // Howard Hinnant's algorithm: eras of 400 years, years starting in March
    // so that the leap day is the last day of the year.
    const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t year_of_era = y - era * 400;
    const int64_t month_from_march = month > 2 ? month - 3 : month + 9;
    const int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    const int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

bool civil_time_valid(const CivilTime& t) {
    return t.year >= 1970 && t.year <= 9999 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
           t.day <= days_in_month(t.year, t.month) && t.hour >= 0 && t.hour <= 23 &&
           t.minute >= 0 && t.minute <= 59 && t.second >= 0 && t.second <= 59;
}

}  // namespace asbb
