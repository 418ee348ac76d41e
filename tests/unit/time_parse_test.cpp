#include "core/time_parse.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace asbb {
namespace {

int64_t limit_s(std::string_view text) {
    auto parsed = parse_slurm_time_limit(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    if (!parsed.ok()) {
        return -999;
    }
    EXPECT_FALSE(parsed->unlimited) << text;
    return parsed->seconds;
}

bool limit_unlimited(std::string_view text) {
    auto parsed = parse_slurm_time_limit(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() && parsed->unlimited;
}

std::string limit_error(std::string_view text) {
    auto parsed = parse_slurm_time_limit(text);
    EXPECT_FALSE(parsed.ok()) << "'" << text << "' parsed as "
                              << (parsed.ok() ? parsed->seconds : 0);
    return parsed.ok() ? "" : parsed.error();
}

TEST(SlurmTimeLimit, Forms) {
    EXPECT_EQ(limit_s("90"), 5400);  // minutes may exceed 59 in the first field
    EXPECT_EQ(limit_s("1"), 60);
    EXPECT_EQ(limit_s("10:30"), 630);
    EXPECT_EQ(limit_s("0:30"), 30);
    EXPECT_EQ(limit_s("1:00:00"), 3600);
    EXPECT_EQ(limit_s("100:00:00"), 360'000);
    EXPECT_EQ(limit_s("01:02:03"), 3723);
    EXPECT_EQ(limit_s("2-0"), 172'800);
    EXPECT_EQ(limit_s("2-3"), 172'800 + 3 * 3600);
    EXPECT_EQ(limit_s("2-3:04"), 172'800 + 3 * 3600 + 4 * 60);  // 183840
    EXPECT_EQ(limit_s("2-3:04:05"), 183'845);
    EXPECT_EQ(limit_s("0-0:0:1"), 1);
}

TEST(SlurmTimeLimit, Unlimited) {
    EXPECT_TRUE(limit_unlimited("UNLIMITED"));
    EXPECT_TRUE(limit_unlimited("unlimited"));
    EXPECT_TRUE(limit_unlimited("infinite"));
    EXPECT_TRUE(limit_unlimited("INFINITE"));
    EXPECT_TRUE(limit_unlimited("-1"));
    // sbatch: a time limit of zero means no limit at all.
    EXPECT_TRUE(limit_unlimited("0"));
    EXPECT_TRUE(limit_unlimited("0:00:00"));
    EXPECT_TRUE(limit_unlimited("0-0"));
}

TEST(SlurmTimeLimit, Malformed) {
    EXPECT_EQ(limit_error("1-"), "invalid time limit '1-': expected D-H[:M[:S]]");
    EXPECT_EQ(limit_error("-5"), "invalid time limit '-5': expected D-H[:M[:S]]");
    EXPECT_EQ(limit_error("1--2"), "invalid time limit '1--2': expected D-H[:M[:S]]");
    EXPECT_EQ(limit_error("1-2:3:4:5"), "invalid time limit '1-2:3:4:5': expected D-H[:M[:S]]");
    EXPECT_EQ(limit_error("1-:30"), "invalid time limit '1-:30': expected D-H[:M[:S]]");
    EXPECT_EQ(limit_error(":5"), "invalid time limit ':5': expected M, M:S, H:M:S or D-H[:M[:S]]");
    EXPECT_EQ(limit_error("5:"), "invalid time limit '5:': expected M, M:S, H:M:S or D-H[:M[:S]]");
    EXPECT_EQ(limit_error("1:2:3:4"),
              "invalid time limit '1:2:3:4': expected M, M:S, H:M:S or D-H[:M[:S]]");
    EXPECT_EQ(limit_error("a"), "invalid time limit 'a': expected M, M:S, H:M:S or D-H[:M[:S]]");
    EXPECT_EQ(limit_error(""), "invalid time limit '': empty");
    EXPECT_FALSE(parse_slurm_time_limit(" 10").ok());
    EXPECT_FALSE(parse_slurm_time_limit("10 ").ok());
    EXPECT_FALSE(parse_slurm_time_limit("+10").ok());
    EXPECT_FALSE(parse_slurm_time_limit("1.5").ok());
    EXPECT_FALSE(parse_slurm_time_limit("-1-0").ok());
    EXPECT_FALSE(parse_slurm_time_limit("unlimitedx").ok());
    EXPECT_FALSE(parse_slurm_time_limit("1h").ok());
}

TEST(SlurmTimeLimit, LaterFieldsStayInRange) {
    EXPECT_EQ(limit_error("10:60"), "invalid time limit '10:60': seconds must be 0-59");
    EXPECT_EQ(limit_error("1:60:00"), "invalid time limit '1:60:00': minutes must be 0-59");
    EXPECT_EQ(limit_error("1:00:60"), "invalid time limit '1:00:60': seconds must be 0-59");
    EXPECT_EQ(limit_error("1-24"), "invalid time limit '1-24': hours must be 0-23");
    EXPECT_EQ(limit_error("1-0:60"), "invalid time limit '1-0:60': minutes must be 0-59");
    EXPECT_EQ(limit_s("1-23:59:59"), 86'400 + 86'399);
}

TEST(SlurmTimeLimit, OverflowRefused) {
    // INT64_MAX / 86400 = 106751991167300 whole days; one more overflows.
    EXPECT_EQ(limit_s("106751991167300-0"), int64_t{106751991167300} * 86'400);
    EXPECT_EQ(limit_error("106751991167301-0"),
              "invalid time limit '106751991167301-0': too large");
    // The days fit, the hours added to them do not.
    EXPECT_EQ(limit_error("106751991167300-23"),
              "invalid time limit '106751991167300-23': too large");
    EXPECT_EQ(limit_error("99999999999999999999-0"),
              "invalid time limit '99999999999999999999-0': too large");
    EXPECT_EQ(limit_error("99999999999999999999"),
              "invalid time limit '99999999999999999999': too large");
    EXPECT_EQ(limit_error("153722867280912931"),  // minutes x 60 just past INT64_MAX
              "invalid time limit '153722867280912931': too large");
    EXPECT_EQ(limit_s("153722867280912930"), int64_t{153722867280912930} * 60);
    EXPECT_EQ(limit_error("2562047788015215:60:00"),
              "invalid time limit '2562047788015215:60:00': minutes must be 0-59");
    EXPECT_EQ(limit_error("2562047788015216:00:00"),
              "invalid time limit '2562047788015216:00:00': too large");
}

TEST(SlurmTimeLimit, Format) {
    EXPECT_EQ(format_slurm_time_limit(0), "00:00:00");
    EXPECT_EQ(format_slurm_time_limit(630), "00:10:30");
    EXPECT_EQ(format_slurm_time_limit(3600), "01:00:00");
    EXPECT_EQ(format_slurm_time_limit(86'399), "23:59:59");
    EXPECT_EQ(format_slurm_time_limit(86'400), "1-00:00:00");
    EXPECT_EQ(format_slurm_time_limit(183'845), "2-03:04:05");
    EXPECT_EQ(format_slurm_time_limit(-1), "UNLIMITED");
    for (int64_t seconds : {1, 59, 60, 61, 3599, 3601, 86'401, 183'845, 31'536'000}) {
        EXPECT_EQ(limit_s(format_slurm_time_limit(seconds)), seconds) << seconds;
    }
}

CliTime cli_ok(std::string_view text) {
    auto parsed = parse_cli_time(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() ? *parsed : CliTime{};
}

std::string cli_error(std::string_view text) {
    auto parsed = parse_cli_time(text);
    EXPECT_FALSE(parsed.ok()) << "'" << text << "' parsed";
    return parsed.ok() ? "" : parsed.error();
}

void expect_civil(std::string_view text, int year, int month, int day, int hour, int minute,
                  int second, bool has_time) {
    const CliTime t = cli_ok(text);
    EXPECT_FALSE(t.relative) << text;
    EXPECT_EQ(t.civil.year, year) << text;
    EXPECT_EQ(t.civil.month, month) << text;
    EXPECT_EQ(t.civil.day, day) << text;
    EXPECT_EQ(t.civil.hour, hour) << text;
    EXPECT_EQ(t.civil.minute, minute) << text;
    EXPECT_EQ(t.civil.second, second) << text;
    EXPECT_EQ(t.civil.has_time, has_time) << text;
}

int64_t relative_s(std::string_view text) {
    const CliTime t = cli_ok(text);
    EXPECT_TRUE(t.relative) << text;
    return t.offset_from_now_s;
}

TEST(CliTime, Dates) {
    expect_civil("2025-01-01", 2025, 1, 1, 0, 0, 0, false);
    expect_civil("2024-02-29", 2024, 2, 29, 0, 0, 0, false);
    expect_civil("2000-02-29", 2000, 2, 29, 0, 0, 0, false);
    expect_civil("2025-01-01T10:30", 2025, 1, 1, 10, 30, 0, true);
    expect_civil("2025-01-01T10:30:15", 2025, 1, 1, 10, 30, 15, true);
    expect_civil("2025-12-31T23:59:59", 2025, 12, 31, 23, 59, 59, true);
    expect_civil("1970-01-01T00:00:00", 1970, 1, 1, 0, 0, 0, true);
    expect_civil("9999-12-31", 9999, 12, 31, 0, 0, 0, false);
}

TEST(CliTime, InvalidDates) {
    EXPECT_EQ(cli_error("2025-02-29"), "invalid time '2025-02-29': no such date or time");
    EXPECT_EQ(cli_error("1900-02-29"), "invalid time '1900-02-29': no such date or time");
    EXPECT_EQ(cli_error("2025-13-01"), "invalid time '2025-13-01': no such date or time");
    EXPECT_EQ(cli_error("2025-04-31"), "invalid time '2025-04-31': no such date or time");
    EXPECT_EQ(cli_error("2025-00-10"), "invalid time '2025-00-10': no such date or time");
    EXPECT_EQ(cli_error("2025-01-00"), "invalid time '2025-01-00': no such date or time");
    EXPECT_EQ(cli_error("2025-01-01T24:00"),
              "invalid time '2025-01-01T24:00': no such date or time");
    EXPECT_EQ(cli_error("2025-01-01T10:60"),
              "invalid time '2025-01-01T10:60': no such date or time");
    EXPECT_EQ(cli_error("2025-01-01T10:30:60"),
              "invalid time '2025-01-01T10:30:60': no such date or time");
    EXPECT_EQ(cli_error("1969-12-31"), "invalid time '1969-12-31': no such date or time");
    const std::string expected = ": expected YYYY-MM-DD[THH:MM[:SS]] or now[+-N[units]]";
    EXPECT_EQ(cli_error("2025-1-1"), "invalid time '2025-1-1'" + expected);
    EXPECT_EQ(cli_error("2025/01/01"), "invalid time '2025/01/01'" + expected);
    EXPECT_EQ(cli_error("2025-01-01 10:30"), "invalid time '2025-01-01 10:30'" + expected);
    EXPECT_EQ(cli_error("2025-01-01T10"), "invalid time '2025-01-01T10'" + expected);
    EXPECT_EQ(cli_error("2025-01-01T10:30:"), "invalid time '2025-01-01T10:30:'" + expected);
    EXPECT_EQ(cli_error("2025-01-01T10:3a"), "invalid time '2025-01-01T10:3a'" + expected);
    EXPECT_EQ(cli_error(" 2025-01-01"), "invalid time ' 2025-01-01'" + expected);
    EXPECT_EQ(cli_error("2025-01-01 "), "invalid time '2025-01-01 '" + expected);
    EXPECT_EQ(cli_error("yesterday"), "invalid time 'yesterday'" + expected);
    EXPECT_EQ(cli_error(""), "invalid time '': empty");
}

TEST(CliTime, Relative) {
    EXPECT_EQ(relative_s("now"), 0);
    EXPECT_EQ(relative_s("NOW"), 0);
    EXPECT_EQ(relative_s("now-30days"), -30 * 86'400);
    EXPECT_EQ(relative_s("now+2hours"), 7200);
    EXPECT_EQ(relative_s("now-5"), -5);  // seconds by default
    EXPECT_EQ(relative_s("now-1weeks"), -604'800);
    EXPECT_EQ(relative_s("now-1week"), -604'800);
    EXPECT_EQ(relative_s("now+1day"), 86'400);
    EXPECT_EQ(relative_s("now+90minutes"), 5400);
    EXPECT_EQ(relative_s("now+10seconds"), 10);
    EXPECT_EQ(relative_s("now-0"), 0);
    EXPECT_EQ(relative_s("now+3Hours"), 10'800);
}

TEST(CliTime, RelativeMalformed) {
    EXPECT_EQ(cli_error("now-"), "invalid time 'now-': expected a number after '-'");
    EXPECT_EQ(cli_error("now+days"), "invalid time 'now+days': expected a number after '+'");
    EXPECT_EQ(cli_error("now5"),
              "invalid time 'now5': expected now[+-N[seconds|minutes|hours|days|weeks]]");
    EXPECT_EQ(cli_error("now 5"),
              "invalid time 'now 5': expected now[+-N[seconds|minutes|hours|days|weeks]]");
    EXPECT_EQ(cli_error("now-30d"),
              "invalid time 'now-30d': unknown unit 'd' (use seconds, minutes, hours, days or "
              "weeks)");
    EXPECT_EQ(cli_error("now-30dayss"),
              "invalid time 'now-30dayss': unknown unit 'dayss' (use seconds, minutes, hours, "
              "days or weeks)");
    EXPECT_EQ(cli_error("now-3-days"),
              "invalid time 'now-3-days': unknown unit '-days' (use seconds, minutes, hours, "
              "days or weeks)");
    EXPECT_EQ(cli_error("now-99999999999999999999"),
              "invalid time 'now-99999999999999999999': offset too large");
    EXPECT_EQ(cli_error("now+100000000000000weeks"),
              "invalid time 'now+100000000000000weeks': offset too large");
}

TEST(Duration, Forms) {
    EXPECT_EQ(*parse_duration_seconds("30d"), 30 * 86'400);
    EXPECT_EQ(*parse_duration_seconds("12h"), 43'200);
    EXPECT_EQ(*parse_duration_seconds("90m"), 5400);
    EXPECT_EQ(*parse_duration_seconds("45s"), 45);
    EXPECT_EQ(*parse_duration_seconds("2w"), 1'209'600);
    EXPECT_EQ(*parse_duration_seconds("1s"), 1);
}

TEST(Duration, Refused) {
    auto error = [](std::string_view text) {
        auto parsed = parse_duration_seconds(text);
        EXPECT_FALSE(parsed.ok()) << text;
        return parsed.ok() ? "" : parsed.error();
    };
    const std::string expected = ": expected a number and one unit of s, m, h, d, w";
    EXPECT_EQ(error("0d"), "invalid duration '0d': must be greater than zero");
    EXPECT_EQ(error("0s"), "invalid duration '0s': must be greater than zero");
    EXPECT_EQ(error("-1d"), "invalid duration '-1d'" + expected);
    EXPECT_EQ(error("+1d"), "invalid duration '+1d'" + expected);
    EXPECT_EQ(error("30"), "invalid duration '30'" + expected);
    EXPECT_EQ(error("d"), "invalid duration 'd'" + expected);
    EXPECT_EQ(error("1h30m"), "invalid duration '1h30m'" + expected);
    EXPECT_EQ(error("30D"), "invalid duration '30D'" + expected);
    EXPECT_EQ(error("1.5h"), "invalid duration '1.5h'" + expected);
    EXPECT_EQ(error(" 30d"), "invalid duration ' 30d'" + expected);
    EXPECT_EQ(error("30d "), "invalid duration '30d '" + expected);
    EXPECT_EQ(error(""), "invalid duration '': empty");
    EXPECT_EQ(error("100000000000000w"), "invalid duration '100000000000000w': too large");
    EXPECT_EQ(error("99999999999999999999s"),
              "invalid duration '99999999999999999999s': too large");
}

TEST(Civil, DaysFromCivil) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(1970, 1, 2), 1);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
    EXPECT_EQ(days_from_civil(2000, 1, 1), 10'957);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11'017);  // 2000 is a leap year
    EXPECT_EQ(days_from_civil(2024, 2, 29), 19'782);
    EXPECT_EQ(days_from_civil(2024, 3, 1), 19'783);
    EXPECT_EQ(days_from_civil(2025, 1, 1), 20'089);  // 1735689600 / 86400
    EXPECT_EQ(days_from_civil(2038, 1, 19), 24'855);
    EXPECT_EQ(days_from_civil(9999, 12, 31), 2'932'896);
    // Consecutive days across every month boundary of a leap and a common year.
    int64_t previous = days_from_civil(2023, 12, 31);
    for (int year : {2024, 2025}) {
        for (int month = 1; month <= 12; ++month) {
            for (int day = 1; day <= 31; ++day) {
                CivilTime t;
                t.year = year;
                t.month = month;
                t.day = day;
                if (!civil_time_valid(t)) {
                    continue;
                }
                EXPECT_EQ(days_from_civil(year, month, day), previous + 1)
                    << year << "-" << month << "-" << day;
                previous = days_from_civil(year, month, day);
            }
        }
    }
    EXPECT_EQ(previous, days_from_civil(2025, 12, 31));
    EXPECT_EQ(days_from_civil(2025, 12, 31) - days_from_civil(2023, 12, 31), 366 + 365);
}

TEST(Civil, Valid) {
    auto valid = [](int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
        CivilTime t;
        t.year = y;
        t.month = mo;
        t.day = d;
        t.hour = h;
        t.minute = mi;
        t.second = s;
        return civil_time_valid(t);
    };
    EXPECT_TRUE(valid(2024, 2, 29));
    EXPECT_FALSE(valid(2025, 2, 29));
    EXPECT_FALSE(valid(2100, 2, 29));
    EXPECT_TRUE(valid(2000, 2, 29));
    EXPECT_FALSE(valid(1969, 12, 31));
    EXPECT_FALSE(valid(10000, 1, 1));
    EXPECT_TRUE(valid(2025, 6, 30, 23, 59, 59));
    EXPECT_FALSE(valid(2025, 6, 31));
    EXPECT_FALSE(valid(2025, 6, 30, -1));
    EXPECT_FALSE(valid(2025, 6, 30, 0, -1));
    EXPECT_FALSE(valid(2025, 6, 30, 0, 0, 60));
    EXPECT_FALSE(valid(2025, 0, 1));
    EXPECT_FALSE(valid(2025, 13, 1));
}

}  // namespace
}  // namespace asbb
