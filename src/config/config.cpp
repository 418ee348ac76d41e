#include "config/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ascii.hpp"
#include "core/hold_sizing.hpp"
#include "core/host_list.hpp"
#include "core/names.hpp"
#include "core/split.hpp"
#include "core/time_parse.hpp"
#include "util/file_mode.hpp"

namespace asbb {

namespace {

// A config file is a few dozen lines; the cap keeps a mistaken path (a log,
// a core file) from being read whole into memory.
constexpr size_t kMaxConfigBytes = 64 * 1024;

// sun_path is 108 bytes including the terminating NUL.
constexpr size_t kMaxSocketPath = 107;
constexpr size_t kMaxPath = 4095;
// MariaDB user names are at most 80 characters (mysql.user.User).
constexpr size_t kMaxDbUser = 80;
constexpr size_t kMaxHostName = 255;

// Set when the value is wrong: the message that follows "Key: ".
using Problem = std::optional<std::string>;

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = ascii_lower(c);
    }
    return out;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// Plain decimal digits only: no sign, no spaces, no unit. Nullopt outside
// [lo, hi] or on anything else.
std::optional<int64_t> parse_in_range(std::string_view text, int64_t lo, int64_t hi) {
    if (text.empty() || text.size() > 18) {
        return std::nullopt;
    }
    int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    if (value < lo || value > hi) {
        return std::nullopt;
    }
    return value;
}

constexpr int64_t kDay_s = 24 * 3600;

// Seconds, or a duration such as 10m, 2h, 1d, from lo_s to hi_s.
Problem set_duration(std::string_view value, int64_t lo_s, int64_t hi_s, std::string_view range,
                     int64_t& out_s) {
    std::optional<int64_t> seconds = parse_in_range(value, 0, hi_s + 1);
    if (!seconds) {
        auto duration = parse_duration_seconds(value);
        if (duration.ok()) seconds = duration.value();
    }
    if (!seconds || *seconds < lo_s || *seconds > hi_s) {
        return "must be from " + std::string(range) + " (seconds, or 10m, 2h, 1d), got " +
               quoted(value);
    }
    out_s = *seconds;
    return std::nullopt;
}

template <class T>
Problem set_number(std::string_view value, int64_t lo, int64_t hi, std::string_view unit, T& out) {
    const auto parsed = parse_in_range(value, lo, hi);
    if (!parsed) {
        std::string what = "must be a whole number";
        if (!unit.empty()) {
            what += " of " + std::string(unit);
        }
        return what + " from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
               quoted(value);
    }
    out = static_cast<T>(*parsed);
    return std::nullopt;
}

Problem set_absolute_path(std::string_view value, size_t max_len, std::string& out) {
    if (value.empty() || value.front() != '/') {
        return "must be an absolute path, got " + quoted(value);
    }
    if (value.size() > max_len) {
        return "must be at most " + std::to_string(max_len) + " bytes long";
    }
    out = std::string(value);
    return std::nullopt;
}

Problem set_no_space_text(std::string_view value, size_t max_len, std::string& out) {
    if (value.empty()) {
        return std::string("must not be empty");
    }
    for (char c : value) {
        if (is_blank(c)) {
            return "must not contain spaces, got " + quoted(value);
        }
    }
    if (value.size() > max_len) {
        return "must be at most " + std::to_string(max_len) + " characters long";
    }
    out = std::string(value);
    return std::nullopt;
}

// DbHost: one server or a comma-separated list of them (core/host_list.hpp).
Problem set_db_hosts(std::string_view value, Config& config) {
    constexpr size_t kMaxHostList = kMaxHosts * (kMaxHostName + 9);  // "[name]:65535,"
    std::string text;
    if (Problem problem = set_no_space_text(value, kMaxHostList, text)) return problem;
    const auto hosts = parse_host_list(text);
    if (!hosts.ok()) return hosts.error();
    config.db_host = std::move(text);
    return std::nullopt;
}

// A comma-separated list, every item checked by validate (which may also
// normalise it); the whole list is refused on the first bad item.
Problem set_checked_list(std::string_view value,
                         Expected<std::string> (*validate)(std::string_view),
                         std::vector<std::string>& out) {
    std::vector<std::string> items;
    for (std::string_view item : split_on(value)) {
        auto valid = validate(item);
        if (!valid.ok()) return valid.error();
        items.push_back(valid.value());
    }
    out = std::move(items);
    return std::nullopt;
}

// One of two words, case-insensitive: "must be open or closed".
template <class T>
Problem set_choice(std::string_view value, std::pair<const char*, T> first,
                   std::pair<const char*, T> second, T& out) {
    const std::string lower = to_lower(value);
    if (lower == first.first) {
        out = first.second;
    } else if (lower == second.first) {
        out = second.second;
    } else {
        return std::string("must be ") + first.first + " or " + second.first + ", got " +
               quoted(value);
    }
    return std::nullopt;
}

std::string join_list(const std::vector<std::string>& items) {
    std::string joined;
    for (const auto& item : items) joined += (joined.empty() ? "" : ",") + item;
    return joined;
}

// An http:// or https:// URL without spaces, without a trailing '/'.
Problem set_http_url(std::string_view value, std::string& out) {
    if (!(value.starts_with("http://") || value.starts_with("https://")) || value.size() > 2048) {
        return "must be an http:// or https:// URL, got " + quoted(value);
    }
    if (Problem p = set_no_space_text(value, 2048, out)) return p;
    while (out.ends_with('/')) out.pop_back();
    return std::nullopt;
}

Problem from_expected(const Expected<std::string>& result, std::string& out) {
    if (!result.ok()) {
        return result.error();
    }
    out = result.value();
    return std::nullopt;
}

struct KeyInfo {
    std::string_view name;     // canonical spelling, as the template writes it
    std::string_view section;  // non-empty: the template starts a new section here
    std::string_view help;     // meaning and valid range; '\n' separates template lines
    // Active (uncommented) in the template; these are the settings every site
    // has to look at. `example` is written instead of an empty default.
    bool active = false;
    std::string_view example;
    Problem (*set)(std::string_view value, Config& config);
    std::string (*show)(const Config& config);
};

// The one list of keys: the parser and the template both read it, so a key
// cannot be accepted without being documented or documented without being
// accepted.
const std::vector<KeyInfo>& keys() {
    static const std::vector<KeyInfo> kKeys = {
        {"DbHost", "Database: the asbb schema on the MariaDB server that slurmdbd uses",
         "Host name or address of the MariaDB server, or a comma-separated list of\n"
         "servers (the nodes of a Galera cluster), each host, host:port, [ipv6] or\n"
         "[ipv6]:port; DbPort applies to those without a port. Connections try them\n"
         "in order, starting from the last one that worked. No spaces.",
         true, "", set_db_hosts, [](const Config& c) { return c.db_host; }},
        {"DbPort", "", "TCP port of the MariaDB server, 1 to 65535.", true, "",
         [](std::string_view v, Config& c) { return set_number(v, 1, 65535, "", c.db_port); },
         [](const Config& c) { return std::to_string(c.db_port); }},
        {"DbSocket", "",
         "Unix socket of the MariaDB server, an absolute path of at most 107 bytes.\n"
         "When set it is used instead of DbHost and DbPort.",
         false, "/run/mysqld/mysqld.sock",
         [](std::string_view v, Config& c) {
             return set_absolute_path(v, kMaxSocketPath, c.db_socket);
         },
         [](const Config& c) { return c.db_socket; }},
        {"DbUser", "",
         "MariaDB user that owns the asbb schema and may read SlurmDbName.\n"
         "Not empty, no spaces, at most 80 characters.",
         true, "",
         [](std::string_view v, Config& c) { return set_no_space_text(v, kMaxDbUser, c.db_user); },
         [](const Config& c) { return c.db_user; }},
        {"DbPass", "",
         "Password of DbUser; may be empty. Written as is, without quotes.\n"
         "A '#' after a space or tab starts a comment, so the password cannot\n"
         "contain a space or tab followed by '#'.",
         true, "",
         [](std::string_view v, Config& c) -> Problem {
             c.db_pass = std::string(v);
             return std::nullopt;
         },
         [](const Config& c) { return c.db_pass; }},
        {"DbName", "", "Database that holds asbb's tables: 1 to 64 of [A-Za-z0-9_].", true, "",
         [](std::string_view v, Config& c) {
             return from_expected(validate_sql_identifier(v), c.db_name);
         },
         [](const Config& c) { return c.db_name; }},
        {"SlurmDbName", "SLURM",
         "SLURM's accounting database (slurmdbd.conf StorageLoc), read only:\n"
         "1 to 64 of [A-Za-z0-9_].",
         false, "",
         [](std::string_view v, Config& c) {
             return from_expected(validate_sql_identifier(v), c.slurm_db_name);
         },
         [](const Config& c) { return c.slurm_db_name; }},
        {"ClusterName", "",
         "Default cluster for commands and the plugin: slurm.conf's ClusterName.\n"
         "1 to 64 of [a-z0-9_-]; upper case is folded to lower case.\n"
         "No default: the value below is a placeholder to replace.",
         true, "cluster",
         [](std::string_view v, Config& c) {
             return from_expected(normalize_cluster_name(v), c.cluster_name);
         },
         [](const Config& c) { return c.cluster_name; }},
        {"SlurmUser", "",
         "slurm.conf's SlurmUser. This file may be owned by root or by this user.\n"
         "1 to 32 of [A-Za-z0-9_.-], not starting with '-'.",
         false, "",
         [](std::string_view v, Config& c) {
             return from_expected(validate_user_name(v), c.slurm_user);
         },
         [](const Config& c) { return c.slurm_user; }},
        {"HoldFactor", "Holds",
         "A job's hold is its estimated cost times this factor, 1.0 to 10.0.", false, "",
         [](std::string_view v, Config& c) -> Problem {
             auto ppm = parse_hold_factor_ppm(v);
             if (!ppm.ok()) {
                 return ppm.error();
             }
             c.hold_factor_ppm = ppm.value();
             return std::nullopt;
         },
         [](const Config& c) { return format_hold_factor(c.hold_factor_ppm); }},
        {"MaxDefaultTime", "",
         "The longest default time limit asbb rates set --default-time accepts, in\n"
         "SLURM's time format (D-HH:MM:SS, or minutes); jobs without --time are held\n"
         "for their partition's default. 1 minute to 0xfffffffe minutes (SLURM's\n"
         "longest finite limit).",
         false, "",
         [](std::string_view v, Config& c) -> Problem {
             auto limit = parse_slurm_time_limit(v);
             if (!limit.ok() || limit->unlimited || limit->seconds < 60 ||
                 limit->seconds > kMaxSlurmTimeLimitS) {
                 return "must be a finite SLURM time limit from 1 minute to " +
                        format_slurm_time_limit(kMaxSlurmTimeLimitS) + ", got " + quoted(v);
             }
             c.max_default_time_s = limit->seconds;
             return std::nullopt;
         },
         [](const Config& c) { return format_slurm_time_limit(c.max_default_time_s); }},
        {"ConnectTimeout", "Deadlines for the CLI and the poller",
         "Seconds to wait for a connection to MariaDB, 1 to 60.", false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 1, 60, "seconds", c.connect_timeout_s);
         },
         [](const Config& c) { return std::to_string(c.connect_timeout_s); }},
        {"LockWaitTimeout", "",
         "Seconds a statement waits for a row lock (innodb_lock_wait_timeout), 1 to 60.", false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 1, 60, "seconds", c.lock_wait_timeout_s);
         },
         [](const Config& c) { return std::to_string(c.lock_wait_timeout_s); }},
        {"StatementTimeout", "",
         "Milliseconds a statement may run (max_statement_time), 10 to 600000.", false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 10, 600000, "milliseconds", c.statement_timeout_ms);
         },
         [](const Config& c) { return std::to_string(c.statement_timeout_ms); }},
        {"PluginDeadline", "Plugin (job_submit/budget inside slurmctld)",
         "Milliseconds the plugin may spend on the database for one submission,\n"
         "10 to 5000. slurmctld holds its locks meanwhile: keep it short.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 10, 5000, "milliseconds", c.plugin_deadline_ms);
         },
         [](const Config& c) { return std::to_string(c.plugin_deadline_ms); }},
        {"PluginSessions", "",
         "Database sessions the plugin keeps, 1 to 64: how many submissions may\n"
         "talk to the database at once (SLURM 23.02 and later call the plugin from\n"
         "several threads). A submission that finds them all busy waits at most\n"
         "half of PluginDeadline, then is refused as busy.",
         false, "",
         [](std::string_view v, Config& c) { return set_number(v, 1, 64, "", c.plugin_sessions); },
         [](const Config& c) { return std::to_string(c.plugin_sessions); }},
        {"FailPolicy", "",
         "What the plugin does when the database fails: closed rejects the job,\n"
         "open accepts it and records the hold in SpoolDir for the poller.\n"
         "open or closed.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_choice(v, std::pair{"open", FailPolicy::kOpen},
                               std::pair{"closed", FailPolicy::kClosed}, c.fail_policy);
         },
         [](const Config& c) { return std::string(to_string(c.fail_policy)); }},
        {"EnforcePolicy", "",
         "enforce refuses jobs their budgets cannot hold. shadow is a trial before\n"
         "enforcing: holds that fit are placed as under enforce, every job the\n"
         "plugin would refuse is accepted without a hold, and what it would have\n"
         "said is recorded for `asbb shadow report`. Read when slurmctld starts.\n"
         "enforce or shadow.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_choice(v, std::pair{"enforce", EnforcePolicy::kEnforce},
                               std::pair{"shadow", EnforcePolicy::kShadow}, c.enforce_policy);
         },
         [](const Config& c) { return std::string(to_string(c.enforce_policy)); }},
        {"BreakerSeconds", "",
         "After a database failure the plugin applies FailPolicy at once for this\n"
         "many seconds instead of waiting on the database again, 1 to 3600.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 1, 3600, "seconds", c.breaker_s);
         },
         [](const Config& c) { return std::to_string(c.breaker_s); }},
        {"BreakerProbeMs", "",
         "While the breaker is open, one submission per this many milliseconds\n"
         "tries the database; a success closes the breaker. 100 to 60000.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 100, 60000, "milliseconds", c.breaker_probe_ms);
         },
         [](const Config& c) { return std::to_string(c.breaker_probe_ms); }},
        {"BudgetedPartitions", "",
         "Comma-separated partitions that burst to AWS and are budgeted (each needs\n"
         "a rate: asbb rates set). Jobs on other partitions pass without a database\n"
         "call. Default: none.",
         false, "aws-cpu,aws-gpu",
         [](std::string_view v, Config& c) {
             return set_checked_list(v, validate_partition_name, c.budgeted_partitions);
         },
         [](const Config& c) { return join_list(c.budgeted_partitions); }},
        {"SpoolDir", "",
         "Where the plugin records holds it could not write to the database, an\n"
         "absolute path. Default: slurm.conf's StateSaveLocation.",
         false, "/var/spool/slurmctld/asbb",
         [](std::string_view v, Config& c) { return set_absolute_path(v, kMaxPath, c.spool_dir); },
         [](const Config& c) { return c.spool_dir; }},
        {"CostDir", "Poller",
         "Directory where aws-slurm-burst writes job-<id>-asbb-reconciliation.json\n"
         "files with a job's actual cost; the poller charges that cost instead of\n"
         "the computed one, or adjusts a charge already made. Absolute path.\n"
         "Default: none (costs are computed from the rate card).",
         false, "/var/spool/aws-slurm-burst/reconciliation",
         [](std::string_view v, Config& c) { return set_absolute_path(v, kMaxPath, c.cost_dir); },
         [](const Config& c) { return c.cost_dir; }},
        {"OrphanHoldTTL", "",
         "A hold linked to no job after this long is expired: seconds, or a\n"
         "duration such as 10m, 2h, 1d; 60 seconds to 7 days.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_duration(v, 60, 7 * kDay_s, "60 seconds to 7 days", c.orphan_hold_ttl_s);
         },
         [](const Config& c) { return std::to_string(c.orphan_hold_ttl_s); }},
        {"LinkedHoldGrace", "",
         "A hold linked to a job that slurmctld no longer knows, with no finished\n"
         "run in slurmdbd, is expired after this long: seconds, or a duration\n"
         "such as 12h, 1d; 60 seconds to 30 days.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_duration(v, 60, 30 * kDay_s, "60 seconds to 30 days",
                                 c.linked_hold_grace_s);
         },
         [](const Config& c) { return std::to_string(c.linked_hold_grace_s); }},
        {"LogLevel", "", "How much the poller and the CLI log: trace, debug, info, warn or error.",
         false, "",
         [](std::string_view v, Config& c) -> Problem {
             const std::string lower = to_lower(v);
             for (std::string_view level : {"trace", "debug", "info", "warn", "error"}) {
                 if (lower == level) {
                     c.log_level = lower;
                     return std::nullopt;
                 }
             }
             return "must be trace, debug, info, warn or error, got " + quoted(v);
         },
         [](const Config& c) { return c.log_level; }},
        {"AlertThresholds", "Alerts (sent by asbb-poller)",
         "Comma-separated percents of a budget's allocation, 1 to 1000, e.g.\n"
         "50,80,90,100. The poller alerts once per budget period when use first\n"
         "reaches each one; a deposit that brings the budget back below a\n"
         "threshold re-arms it. Default: none (no alerts).",
         false, "50,80,90,100",
         [](std::string_view v, Config& c) -> Problem {
             auto thresholds = parse_alert_thresholds(v);
             if (!thresholds) return thresholds.error();
             c.alert_thresholds_pct = std::move(thresholds).value();
             return std::nullopt;
         },
         [](const Config& c) { return format_alert_thresholds(c.alert_thresholds_pct); }},
        {"AlertBasis", "",
         "What is compared with the allocation: committed (spent + held, what\n"
         "refuses jobs) or spent.",
         false, "",
         [](std::string_view v, Config& c) -> Problem {
             auto basis = parse_alert_basis(to_lower(v));
             if (!basis) return basis.error();
             c.alert_basis = *basis;
             return std::nullopt;
         },
         [](const Config& c) { return std::string(alert_basis_name(c.alert_basis)); }},
        {"MailProg", "",
         "Program that mails alerts, run as SLURM runs its MailProg:\n"
         "MailProg -s SUBJECT RECIPIENT... with the text on stdin. An absolute\n"
         "path. Default: none (no mail).",
         false, "/usr/bin/mail",
         [](std::string_view v, Config& c) { return set_absolute_path(v, kMaxPath, c.mail_prog); },
         [](const Config& c) { return c.mail_prog; }},
        {"AlertMail", "",
         "Comma-separated recipients (user or user@domain) of every alert, beside\n"
         "the account's coordinators.",
         false, "finance@example.org",
         [](std::string_view v, Config& c) {
             return set_checked_list(v, validate_mail_recipient, c.alert_mail);
         },
         [](const Config& c) { return join_list(c.alert_mail); }},
        {"AlertMailCoordinators", "",
         "yes: mail each alert also to the coordinators of the budget's account\n"
         "(sacctmgr add coordinator); no: only to AlertMail.",
         false, "",
         [](std::string_view v, Config& c) -> Problem {
             const std::string lower = to_lower(v);
             if (lower != "yes" && lower != "no") return "must be yes or no, got " + quoted(v);
             c.alert_mail_coordinators = lower == "yes";
             return std::nullopt;
         },
         [](const Config& c) { return std::string(c.alert_mail_coordinators ? "yes" : "no"); }},
        {"MailDomain", "",
         "Domain appended to coordinators' user names (user@MailDomain), as\n"
         "slurm.conf's MailDomain. Default: none (local user names).",
         false, "example.org",
         [](std::string_view v, Config& c) {
             return from_expected(validate_mail_domain(v), c.mail_domain);
         },
         [](const Config& c) { return c.mail_domain; }},
        {"AlertWebhook", "",
         "http:// or https:// URL that receives each alert as a JSON POST.\n"
         "Default: none.",
         false, "https://hooks.example.org/asbb",
         [](std::string_view v, Config& c) { return set_http_url(v, c.alert_webhook); },
         [](const Config& c) { return c.alert_webhook; }},
        {"AlertTimeout", "",
         "Milliseconds one mail or one webhook POST may take, 100 to 60000; a\n"
         "slower one counts as a failed attempt.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 100, 60000, "milliseconds", c.alert_timeout_ms);
         },
         [](const Config& c) { return std::to_string(c.alert_timeout_ms); }},
        {"AlertAttempts", "",
         "Attempts per alert and channel, one per poller pass, 1 to 100; after\n"
         "the last failed one the alert is marked failed (and logged).",
         false, "",
         [](std::string_view v, Config& c) { return set_number(v, 1, 100, "", c.alert_attempts); },
         [](const Config& c) { return std::to_string(c.alert_attempts); }},
        {"BillCurrency", "The AWS bill (asbb bill import, asbb rates import)",
         "The currency of the Cost and Usage Reports asbb imports, as their\n"
         "line_item_currency_code writes it (three capital letters). A line in\n"
         "any other currency refuses the whole import. Default: USD.",
         false, "",
         [](std::string_view v, Config& c) -> Problem {
             const bool code = v.size() == 3 && std::all_of(v.begin(), v.end(), [](char ch) {
                                   return ch >= 'A' && ch <= 'Z';
                               });
             if (!code) return "must be a currency code such as USD, got " + quoted(v);
             c.bill_currency = std::string(v);
             return std::nullopt;
         },
         [](const Config& c) { return c.bill_currency; }},
        {"BillNodeTag", "",
         "The cost allocation tag whose value is an instance's SLURM node name\n"
         "(aws-slurm-burst tags each instance Name=<node>): with it, asbb bill\n"
         "import places each instance-hour on the jobs that ran on that node and\n"
         "trues their charges up to it. The tag must be activated in the payer\n"
         "account, so the report has resourceTags/user:<tag> or resource_tags.\n"
         "Letters, digits and _ . : / = + - @, at most 128. Default: none (the\n"
         "import records the bill's totals only).",
         false, "Name",
         [](std::string_view v, Config& c) -> Problem {
             const bool valid =
                 !v.empty() && v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char ch) {
                     return std::isalnum(static_cast<unsigned char>(ch)) ||
                            std::string_view("_.:/=+-@").find(ch) != std::string_view::npos;
                 });
             if (!valid) return "must be a tag key such as Name, got " + quoted(v);
             c.bill_node_tag = std::string(v);
             return std::nullopt;
         },
         [](const Config& c) { return c.bill_node_tag; }},
        {"BillSharedCosts", "",
         "What asbb bill import does with the lines that are not instance-hours\n"
         "(EBS, data transfer, public IPv4, fees, tax, credits): unattributed\n"
         "records them on no job; proportional shares them by instance cost, so\n"
         "each job (and the idle and untagged hours) carries the same part of\n"
         "them per dollar. unattributed or proportional.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_choice(v, std::pair{"unattributed", SharedCosts::kUnattributed},
                               std::pair{"proportional", SharedCosts::kProportional},
                               c.bill_shared_costs);
         },
         [](const Config& c) { return std::string(to_string(c.bill_shared_costs)); }},
        {"IdleCostAccount", "",
         "The SLURM account whose budget asbb bill import charges with the bill's\n"
         "idle node time, untagged instance-hours and unattributed lines, so that\n"
         "the budgets add up to the bill; it needs a budget covering the billed\n"
         "month. Default: none (those costs are only reported).",
         false, "overhead",
         [](std::string_view v, Config& c) -> Problem {
             auto account = normalize_account_name(v);
             if (!account) return "must be a SLURM account name: " + account.error();
             c.idle_cost_account = *account;
             return std::nullopt;
         },
         [](const Config& c) { return c.idle_cost_account; }},
        {"SpotPriceWindow", "",
         "How far back asbb rates import --spot-history looks for the highest\n"
         "Spot price, which a Spot partition's node-hour is set to: seconds, or\n"
         "a duration such as 12h, 7d; 1 hour to 90 days (AWS keeps 90 days).",
         false, "",
         [](std::string_view v, Config& c) {
             return set_duration(v, 3600, 90 * kDay_s, "1 hour to 90 days", c.spot_price_window_s);
         },
         [](const Config& c) { return std::to_string(c.spot_price_window_s); }},
        {"ServiceAddress", "Service (asbb service start: the REST API)",
         "HOST:PORT the service listens on, e.g. 0.0.0.0:8080; port 1 to 65535.\n"
         "Every request is authenticated with MUNGE.",
         false, "",
         [](std::string_view v, Config& c) -> Problem {
             const size_t colon = v.rfind(':');
             if (colon == std::string_view::npos || colon == 0) {
                 return "must be HOST:PORT, got " + quoted(v);
             }
             std::string host(v.substr(0, colon));
             if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
                 host = host.substr(1, host.size() - 2);  // [::1]:8080
             }
             if (Problem p = set_no_space_text(host, kMaxHostName, c.service_host)) return p;
             if (!parse_in_range(v.substr(colon + 1), 1, 65535)) {
                 return "must be HOST:PORT with a port from 1 to 65535, got " + quoted(v);
             }
             c.service_port = static_cast<int>(*parse_in_range(v.substr(colon + 1), 1, 65535));
             return std::nullopt;
         },
         [](const Config& c) { return c.service_host + ":" + std::to_string(c.service_port); }},
        {"ServiceThreads", "",
         "Worker threads answering requests (each with its own database\n"
         "connection), 1 to 256. Further connections wait to be accepted.",
         false, "",
         [](std::string_view v, Config& c) { return set_number(v, 1, 256, "", c.service_threads); },
         [](const Config& c) { return std::to_string(c.service_threads); }},
        {"ServiceMaxBody", "",
         "Largest request body in bytes, 1024 to 16777216; larger ones get 413.", false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 1024, 16 * 1024 * 1024, "bytes", c.service_max_body_bytes);
         },
         [](const Config& c) { return std::to_string(c.service_max_body_bytes); }},
        {"ServiceMaxHeaders", "", "Most header lines a request may have, 8 to 1000; more get 431.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 8, 1000, "", c.service_max_headers);
         },
         [](const Config& c) { return std::to_string(c.service_max_headers); }},
        {"ServiceTimeout", "",
         "Milliseconds to read a request and to write a reply (a client that\n"
         "stalls longer is dropped), 100 to 600000.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 100, 600000, "milliseconds", c.service_timeout_ms);
         },
         [](const Config& c) { return std::to_string(c.service_timeout_ms); }},
        {"TokenFailureLimit", "",
         "Failed API token attempts (unknown, revoked or malformed Bearer tokens)\n"
         "a client address may make in a minute, 1 to 1000; beyond it the service\n"
         "answers 429 without looking tokens up until the minute has passed.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 1, 1000, "", c.token_failure_limit);
         },
         [](const Config& c) { return std::to_string(c.token_failure_limit); }},
        {"MungeSocket", "",
         "munged's socket, an absolute path of at most 107 bytes. Default:\n"
         "libmunge's own (/run/munge/munge.socket.2).",
         false, "/run/munge/munge.socket.2",
         [](std::string_view v, Config& c) {
             return set_absolute_path(v, kMaxSocketPath, c.munge_socket);
         },
         [](const Config& c) { return c.munge_socket; }},
        {"AdvisorURL", "Burst advisor (aws-slurm-burst-advisor)",
         "Base URL of the advisor; asbb estimate and the service's /budget/check\n"
         "ask POST <AdvisorURL>/api/v1/analyze and fall back to the rate card when\n"
         "it fails. http:// or https://. Default: none (the rate card only).",
         false, "http://localhost:8081",
         [](std::string_view v, Config& c) { return set_http_url(v, c.advisor_url); },
         [](const Config& c) { return c.advisor_url; }},
        {"AdvisorKey", "",
         "API key sent to the advisor as \"Authorization: Bearer <key>\". No spaces.", false,
         "secret",
         [](std::string_view v, Config& c) { return set_no_space_text(v, 1024, c.advisor_key); },
         [](const Config& c) { return c.advisor_key; }},
        {"AdvisorTimeout", "",
         "Milliseconds one advisor call may take in all (connect, send, answer),\n"
         "10 to 60000; after it the rate card is used.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 10, 60000, "milliseconds", c.advisor_timeout_ms);
         },
         [](const Config& c) { return std::to_string(c.advisor_timeout_ms); }},
        {"AdvisorHealthInterval", "",
         "Seconds after a failed advisor call during which the rate card is used\n"
         "at once; then GET <AdvisorURL>/health is probed again. 1 to 86400.",
         false, "",
         [](std::string_view v, Config& c) {
             return set_number(v, 1, 86400, "seconds", c.advisor_health_interval_s);
         },
         [](const Config& c) { return std::to_string(c.advisor_health_interval_s); }},
    };
    return kKeys;
}

const KeyInfo* find_key(std::string_view name) {
    const std::string lower = to_lower(name);
    for (const auto& key : keys()) {
        if (to_lower(key.name) == lower) {
            return &key;
        }
    }
    return nullptr;
}

// A '#' starts a comment at the start of a line or after a space or tab. A
// '#' inside a value ("DbPass=a#b") is kept: passwords may contain one.
std::string_view strip_comment(std::string_view line) {
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '#' && (i == 0 || is_blank(line[i - 1]))) {
            return line.substr(0, i);
        }
    }
    return line;
}

bool has_control_character(std::string_view line) {
    for (char c : line) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string_view to_string(SharedCosts shared) {
    return shared == SharedCosts::kProportional ? "proportional" : "unattributed";
}

std::string_view to_string(FailPolicy policy) {
    return policy == FailPolicy::kOpen ? "open" : "closed";
}

std::string_view to_string(EnforcePolicy policy) {
    return policy == EnforcePolicy::kShadow ? "shadow" : "enforce";
}

ParseResult parse_config_text(std::string_view text) {
    ParseResult result;
    if (text.size() > kMaxConfigBytes) {
        result.problems.push_back({0, "file is larger than 64 KiB"});
        return result;
    }
    std::map<std::string_view, int> first_seen;  // canonical key -> line
    int line_no = 0;
    size_t start = 0;
    while (start < text.size()) {
        ++line_no;
        const size_t end = text.find('\n', start);
        std::string_view line = text.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        start = end == std::string_view::npos ? text.size() : end + 1;

        // Files edited on Windows end their lines in "\r\n".
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        // Checked before the comment is stripped: a NUL or escape sequence
        // anywhere means the file is not what the admin thinks it is.
        if (has_control_character(line)) {
            result.problems.push_back({line_no, "control character in line"});
            continue;
        }
        line = trim(strip_comment(line));
        if (line.empty()) {
            continue;
        }
        const size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            // The line is not echoed: it may be a password pasted on its own.
            result.problems.push_back({line_no, "missing '=' (expected Key=Value)"});
            continue;
        }
        const std::string_view name = trim(line.substr(0, eq));
        const std::string_view value = trim(line.substr(eq + 1));
        if (name.empty()) {
            result.problems.push_back({line_no, "missing key before '='"});
            continue;
        }
        const KeyInfo* key = find_key(name);
        if (key == nullptr) {
            result.problems.push_back({line_no, "unknown key " + quoted(name)});
            continue;
        }
        const auto [seen, inserted] = first_seen.emplace(key->name, line_no);
        if (!inserted) {
            result.problems.push_back({line_no, "duplicate key " + quoted(key->name) +
                                                    " (first set on line " +
                                                    std::to_string(seen->second) + ")"});
            continue;
        }
        if (Problem problem = key->set(value, result.config)) {
            result.problems.push_back({line_no, std::string(key->name) + ": " + *problem});
        }
    }
    return result;
}

Expected<Config> load_config_file(const std::string& path) {
    // One byte more than accepted, so that the parser sees an oversized file
    // as such instead of a silently cut one.
    auto snapshot = read_regular_file(path, kMaxConfigBytes + 1);
    if (!snapshot.ok()) {
        return make_error(snapshot.error());
    }
    // Others may not read it (credentials) and the group may not write it
    // (it names the database the plugin trusts). 600 and 640 are what
    // slurmdbd accepts for slurmdbd.conf.
    if ((snapshot->mode & 027) != 0) {
        return make_error("asbb.conf " + path + " should be 600 or 640, is " +
                          format_file_mode(snapshot->mode) + ": it holds database credentials");
    }
    ParseResult parsed = parse_config_text(snapshot->content);

    // The owner check needs SlurmUser, which only the file itself names, so
    // it runs after parsing (a bad SlurmUser line leaves the default). It is
    // reported before parse problems: whether to trust the file comes first.
    // Trusted owners: root; SlurmUser, as slurmdbd allows for slurmdbd.conf;
    // and the process's own effective uid. The last one lets a developer or
    // a test suite point ASBB_CONF at a file of their own: a file the caller
    // owns cannot have been planted by someone else, and a caller who can
    // write it could run any program with the same privileges anyway. A
    // privileged caller (root, SlurmUser in slurmctld) is still protected
    // against files owned by ordinary users.
    const uint32_t owner = snapshot->uid;
    const auto slurm_uid = lookup_user_uid(parsed.config.slurm_user);
    const bool trusted = owner == 0 || owner == static_cast<uint32_t>(::geteuid()) ||
                         (slurm_uid && owner == *slurm_uid);
    if (!trusted) {
        const std::string slurm_desc =
            slurm_uid ? "(uid " + std::to_string(*slurm_uid) + ")" : "(no such user)";
        return make_error("asbb.conf " + path + " is owned by uid " + std::to_string(owner) +
                          ", should be owned by root or SlurmUser " + parsed.config.slurm_user +
                          " " + slurm_desc + ": it holds database credentials");
    }
    if (!parsed.ok()) {
        const ConfigProblem& first = parsed.problems.front();
        if (first.line > 0) {
            return make_error(path + ":" + std::to_string(first.line) + ": " + first.message);
        }
        return make_error(path + ": " + first.message);
    }
    return std::move(parsed.config);
}

std::string default_config_path() {
    const char* env = std::getenv("ASBB_CONF");
    if (env != nullptr && *env != '\0') {
        return env;
    }
    return "/etc/asbb/asbb.conf";
}

std::string config_template() {
    const Config defaults;
    std::string out =
        "# asbb.conf: settings for asbb, asbb-poller and the job_submit/budget plugin.\n"
        "# See asbb.conf(5).\n"
        "#\n"
        "# One Key=Value per line, as in slurmdbd.conf. Keys are case-insensitive;\n"
        "# spaces around keys and values are ignored. A '#' at the start of a line\n"
        "# or after a space or tab starts a comment. Commented-out keys show their\n"
        "# default.\n"
        "#\n"
        "# This file holds database credentials: it must be mode 600 or 640 and\n"
        "# owned by root or SlurmUser, or asbb refuses to read it.\n";
    for (const auto& key : keys()) {
        if (!key.section.empty()) {
            out += "\n# === ";
            out += key.section;
            out += " ===\n";
        }
        out += "\n";
        std::string_view help = key.help;
        while (!help.empty()) {
            const size_t nl = help.find('\n');
            out += "# ";
            out += help.substr(0, nl);
            out += "\n";
            help = nl == std::string_view::npos ? std::string_view() : help.substr(nl + 1);
        }
        const std::string value = key.show(defaults);
        if (key.active) {
            out += std::string(key.name) + "=" +
                   (value.empty() ? std::string(key.example) : value) + "\n";
        } else if (value.empty()) {
            // No default to show: an example, clearly marked as one.
            out += "# Not set by default. For example:\n#" + std::string(key.name) + "=" +
                   std::string(key.example) + "\n";
        } else {
            out += "#" + std::string(key.name) + "=" + value + "\n";
        }
    }
    return out;
}

}  // namespace asbb
