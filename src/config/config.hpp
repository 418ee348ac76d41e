// asbb.conf: SLURM-style "Key=Value" lines, '#' comments, keys
// case-insensitive (as slurm.conf). It holds DB credentials, so like
// slurmdbd.conf it must not be readable by others and must be owned by root
// or the SlurmUser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert_rule.hpp"
#include "core/expected.hpp"

namespace asbb {

enum class FailPolicy { kClosed, kOpen };
// BillSharedCosts: the AWS bill's lines that are not instance-hours (EBS,
// data transfer, fees, tax, credits) stay on no job, or are shared by every
// instance-dollar alike.
enum class SharedCosts { kUnattributed, kProportional };
// enforce: refuse what does not fit. shadow: a trial before enforcing; the
// plugin places the holds that fit and accepts the jobs it would refuse,
// writing down what it would have said (asbb shadow report).
enum class EnforcePolicy { kEnforce, kShadow };

struct Config {
    // Where the budget tables live and how to reach them.
    std::string db_host = "127.0.0.1";
    int db_port = 3306;
    std::string db_socket;  // when set, used instead of host/port
    std::string db_user = "asbb";
    std::string db_pass;
    std::string db_name = "asbb";
    // SLURM's accounting database on the same server (read only).
    std::string slurm_db_name = "slurm_acct_db";
    std::string cluster_name;  // default cluster for commands and the plugin
    std::string slurm_user = "slurm";

    int64_t hold_factor_ppm = 1'200'000;  // HoldFactor=1.2
    // The longest --default-time `asbb rates set` accepts: every job without
    // --time is held for that long, so a typo must not make holds absurd.
    int64_t max_default_time_s = 365 * 86400;

    // Deadlines. Connector/C takes whole seconds; the statement and lock
    // limits are enforced by the server per session.
    int connect_timeout_s = 5;
    int lock_wait_timeout_s = 5;            // innodb_lock_wait_timeout for CLI/poller
    int64_t statement_timeout_ms = 10'000;  // max_statement_time for CLI/poller

    // Plugin (job_submit/budget).
    int64_t plugin_deadline_ms = 200;
    // Database sessions the plugin keeps: how many submissions may talk to
    // the database at once (SLURM 23.02+ calls the plugin concurrently).
    int plugin_sessions = 4;
    FailPolicy fail_policy = FailPolicy::kClosed;
    EnforcePolicy enforce_policy = EnforcePolicy::kEnforce;
    int64_t breaker_s = 30;
    // While the breaker is open, one call per this interval tries the
    // database; its success closes the breaker.
    int64_t breaker_probe_ms = 1000;
    std::string spool_dir;  // empty: SLURM's StateSaveLocation
    // Partitions that burst to AWS. The plugin needs no database to let jobs
    // on other partitions through, and applies FailPolicy to these when the
    // database cannot say what they cost.
    std::vector<std::string> budgeted_partitions;

    // Poller.
    // Where aws-slurm-burst writes job-<id>-asbb-reconciliation.json with a
    // job's actual cost; empty: no such files are read.
    std::string cost_dir;
    int64_t orphan_hold_ttl_s = 600;
    // A linked hold whose job slurmctld lost (a crash) and slurmdbd never
    // finished is expired after this; long, because slurmctld queues job
    // records while slurmdbd is down and sends them later.
    int64_t linked_hold_grace_s = 86'400;
    std::string log_level = "info";

    // Threshold alerts, sent by the poller (never from slurmctld).
    std::vector<int> alert_thresholds_pct;  // ascending; empty: no alerts
    AlertBasis alert_basis = AlertBasis::kCommitted;
    std::string mail_prog;                // invoked as SLURM's MailProg; empty: no mail
    std::vector<std::string> alert_mail;  // recipients of every alert
    bool alert_mail_coordinators = true;  // and the account's SLURM coordinators
    std::string mail_domain;              // appended to coordinators' names, as SLURM's
    std::string alert_webhook;            // JSON POST of each alert; empty: none
    int64_t alert_timeout_ms = 5'000;     // one mail or one POST
    int alert_attempts = 10;              // per channel, one per pass, then "failed"
    std::string bill_currency = "USD";    // of the Cost and Usage Reports and Price Lists read
    std::string bill_node_tag;            // BillNodeTag: "" attributes nothing
    SharedCosts bill_shared_costs = SharedCosts::kUnattributed;  // BillSharedCosts
    std::string idle_cost_account;             // IdleCostAccount: "" reports idle cost only
    int64_t spot_price_window_s = 7 * 86'400;  // SpotPriceWindow

    // asbb service (the REST API, `asbb service start`).
    std::string service_host = "127.0.0.1";
    int service_port = 8080;
    int service_threads = 4;                     // workers answering requests
    int64_t service_max_body_bytes = 64 * 1024;  // larger bodies: 413
    int service_max_headers = 64;                // more header lines: 431
    int64_t service_timeout_ms = 5'000;          // to read a request, to write a reply
    int token_failure_limit = 10;  // failed API token attempts per client address per minute
    std::string munge_socket;      // empty: libmunge's default socket

    // Burst advisor (aws-slurm-burst-advisor): cost estimates for `asbb
    // estimate` and the service's /budget/check; empty URL: the rate card.
    std::string advisor_url;
    std::string advisor_key;  // sent as "Authorization: Bearer <key>" when set
    int64_t advisor_timeout_ms = 2'000;
    int64_t advisor_health_interval_s = 60;
};

struct ConfigProblem {
    int line = 0;  // 1-based; 0 when not tied to a line
    std::string message;
};

// Parses text, returning the config or every problem found, each with its
// line ("line 7: HoldFactor: must be between 1.0 and 10.0").
struct ParseResult {
    Config config;
    std::vector<ConfigProblem> problems;
    bool ok() const { return problems.empty(); }
};
ParseResult parse_config_text(std::string_view text);

// Reads and parses the file at path, first checking its owner and mode:
// refused when readable or writable by others, or owned by someone other than
// root or the given SlurmUser uid. The error names the path and the problem.
Expected<Config> load_config_file(const std::string& path);

// $ASBB_CONF, else /etc/asbb/asbb.conf.
std::string default_config_path();

// A commented asbb.conf with every key and its default (for config init).
std::string config_template();

std::string_view to_string(FailPolicy policy);
std::string_view to_string(EnforcePolicy policy);
std::string_view to_string(SharedCosts shared);

}  // namespace asbb
