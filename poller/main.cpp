// asbb-poller: keeps the ledger in step with SLURM (see asbb-poller(8)).
// --once for the systemd timer, --daemon to loop; SIGTERM ends the loop
// after the pass in progress; a lock file keeps two pollers off one cluster.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "cli/options.hpp"
#include "config/config.hpp"
#include "core/names.hpp"
#include "core/time_parse.hpp"
#include "db/connect.hpp"
#include "db/mariadb_session.hpp"
#include "live_jobs.hpp"
#include "pass_options.hpp"
#include "reconcile.hpp"
#include "util/local_time.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;
void request_stop(int) {
    stop_requested = 1;
}

// Returns the descriptor holding the lock, or -1 when another poller has it.
int take_lock(const std::string& path) {
    // The lock lives beside the plugin's spool; make the directory on a
    // fresh install (the parent is SLURM's StateSaveLocation or similar).
    ::mkdir(path.substr(0, path.rfind('/')).c_str(), 0700);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// One pass; false when the database could not be used.
struct RunSettings {
    bool ask_slurmctld = true;
    int64_t batch_rows = 5000;
    asbb::poller::RunSource source = asbb::poller::RunSource::kDatabase;
    int64_t sacct_overlap_s = 600;
};

bool one_pass(const asbb::Config& config, const RunSettings& settings) {
    const auto start = std::chrono::steady_clock::now();
    std::optional<std::vector<asbb::poller::LiveJob>> live;
    if (!settings.ask_slurmctld) {
        // --charge-only: no live job list, so nothing is linked, closed or expired.
    } else if (auto loaded = asbb::poller::load_live_jobs()) {
        live = std::move(loaded).value();
    } else {
        spdlog::warn("{}; charging only, no hold is closed or expired this pass", loaded.error());
    }
    try {
        asbb::db::MariaSession session(asbb::db::connect_params_for(config));
        auto options = asbb::poller::pass_options_for(config);
        options.batch_rows = settings.batch_rows;
        options.source = settings.source;
        options.sacct_overlap_s = settings.sacct_overlap_s;
        auto report = asbb::poller::reconcile_pass(session, options, live, asbb::now_epoch_s());
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
        for (const auto& problem : report.problems) spdlog::warn("{}", problem);
        spdlog::info("{}", asbb::poller::describe(report, ms));
        return true;
    } catch (const std::exception& e) {
        spdlog::error("pass failed: {}", e.what());
        return false;
    }
}

asbb::cli::CommandOptions poller_options() {
    using asbb::cli::OptionArg;
    auto options =
        asbb::cli::command_options("asbb-poller", "Keep asbb's ledger in step with SLURM");
    options.add_options()("once", "one pass, then exit (for the systemd timer)")(
        "daemon", "pass after pass until SIGTERM")(
        "interval", "time between passes with --daemon (default 60s; e.g. 5m)", OptionArg::kValue)(
        "config", "asbb.conf (default: $ASBB_CONF or /etc/asbb/asbb.conf)", OptionArg::kValue)(
        "lock-file", "default: SpoolDir/asbb-poller-CLUSTER.lock", OptionArg::kValue)(
        "charge-only", "only charge finished runs; do not ask slurmctld")(
        "batch-rows", "job rows per transaction (default 5000)", OptionArg::kValue)(
        "source", "where finished runs are read: db (slurmdbd's tables, the default) or sacct",
        OptionArg::kValue)("sacct-overlap",
                           "with --source=sacct: how far each window reaches back (default 10m)",
                           OptionArg::kValue)("V,version", "show the version");
    return options;
}

// A duration option ("60s", "5m"), or its default.
int64_t duration_option(const asbb::cli::ParsedOptions& parsed, const std::string& name,
                        const std::string& fallback) {
    auto seconds = asbb::parse_duration_seconds(parsed.value(name).value_or(fallback));
    if (!seconds) asbb::cli::usage_error("--" + name + ": " + seconds.error());
    return *seconds;
}

// The pass settings from the command line; bad values are usage errors.
RunSettings parse_settings(const asbb::cli::ParsedOptions& parsed) {
    RunSettings settings;
    settings.ask_slurmctld = parsed.count("charge-only") == 0;
    const std::string rows = parsed.value("batch-rows").value_or("5000");
    const auto [end, ec] =
        std::from_chars(rows.data(), rows.data() + rows.size(), settings.batch_rows);
    if (ec != std::errc() || end != rows.data() + rows.size() || settings.batch_rows < 1 ||
        settings.batch_rows > 1'000'000) {
        asbb::cli::usage_error("--batch-rows must be a number from 1 to 1000000, not " +
                               asbb::quote_input(rows));
    }
    const std::string source = parsed.value("source").value_or("db");
    if (source == "sacct") {
        settings.source = asbb::poller::RunSource::kSacct;
    } else if (source != "db") {
        asbb::cli::usage_error("--source must be db or sacct, not " + asbb::quote_input(source));
    }
    settings.sacct_overlap_s = duration_option(parsed, "sacct-overlap", "10m");
    return settings;
}

// Passes until SIGTERM or SIGINT, interval_s apart.
int run_daemon(const asbb::Config& config, const RunSettings& settings, int64_t interval_s) {
    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);
    spdlog::info("asbb-poller {} for cluster {}, every {} s", ASBB_VERSION, config.cluster_name,
                 interval_s);
    while (!stop_requested) {
        one_pass(config, settings);
        for (int64_t waited_ms = 0; waited_ms < interval_s * 1000 && !stop_requested;
             waited_ms += 200) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    spdlog::info("asbb-poller stopping");
    return 0;
}

int run(const std::vector<std::string>& args) {
    auto options = poller_options();
    std::vector<std::string> positional;
    const auto parsed = asbb::cli::parse_options(options, args, positional, 0);
    if (parsed.count("help")) {
        std::cout << options.help();
        return 0;
    }
    if (parsed.count("version")) {
        std::cout << "asbb-poller " << ASBB_VERSION << "\n";
        return 0;
    }
    const bool daemon = parsed.count("daemon") > 0;
    if (daemon == (parsed.count("once") > 0)) {
        asbb::cli::usage_error("give exactly one of --once and --daemon");
    }
    const int64_t interval_s = duration_option(parsed, "interval", "60s");
    const RunSettings settings = parse_settings(parsed);
    auto config =
        asbb::load_config_file(parsed.value("config").value_or(asbb::default_config_path()));
    if (!config) asbb::cli::user_error(config.error());
    const std::string lock_path =
        parsed.value("lock-file")
            .value_or((config->spool_dir.empty() ? "/run/lock" : config->spool_dir) +
                      "/asbb-poller-" + config->cluster_name + ".lock");
    if (take_lock(lock_path) < 0) asbb::cli::user_error("another poller holds " + lock_path);
    if (!daemon) return one_pass(*config, settings) ? 0 : 3;
    return run_daemon(*config, settings, interval_s);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const asbb::cli::CliError& e) {
        std::cerr << "asbb-poller: error: " << e.what() << "\n";
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "asbb-poller: error: " << e.what() << "\n";
        return 3;
    }
}
