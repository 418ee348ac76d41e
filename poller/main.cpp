// asbb-poller: keeps the ledger in step with SLURM (see asbb-poller(8)).
// --once for the systemd timer, --daemon to loop; SIGTERM ends the loop
// after the pass in progress; a lock file keeps two pollers off one cluster.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <cxxopts.hpp>
#include <iostream>
#include <thread>

#include "config/config.hpp"
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

}  // namespace

int main(int argc, char** argv) {
    cxxopts::Options options("asbb-poller", "Keep asbb's ledger in step with SLURM");
    options.add_options()("once", "one pass, then exit (for the systemd timer)")(
        "daemon", "pass after pass until SIGTERM")(
        "interval", "time between passes with --daemon (e.g. 60s, 5m)",
        cxxopts::value<std::string>()->default_value("60s"))(
        "config", "asbb.conf (default: $ASBB_CONF or /etc/asbb/asbb.conf)",
        cxxopts::value<std::string>())("lock-file", "default: SpoolDir/asbb-poller-CLUSTER.lock",
                                       cxxopts::value<std::string>())(
        "charge-only", "only charge finished runs; do not ask slurmctld")(
        "batch-rows", "job rows per transaction (default 5000)",
        cxxopts::value<int64_t>()->default_value("5000"))(
        "source", "where finished runs are read: db (slurmdbd's tables) or sacct",
        cxxopts::value<std::string>()->default_value("db"))(
        "sacct-overlap", "with --source=sacct: how far each window reaches back (default 10m)",
        cxxopts::value<std::string>()->default_value("10m"))("h,help", "show this help")(
        "V,version", "show the version");
    try {
        auto parsed = options.parse(argc, argv);
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
            std::cerr << "asbb-poller: error: give exactly one of --once and --daemon\n";
            return 2;
        }
        auto interval = asbb::parse_duration_seconds(parsed["interval"].as<std::string>());
        if (!interval) {
            std::cerr << "asbb-poller: error: --interval: " << interval.error() << "\n";
            return 2;
        }
        const std::string path = parsed.count("config") ? parsed["config"].as<std::string>()
                                                        : asbb::default_config_path();
        auto config = asbb::load_config_file(path);
        if (!config) {
            std::cerr << "asbb-poller: error: " << config.error() << "\n";
            return 1;
        }
        const std::string lock_path =
            parsed.count("lock-file")
                ? parsed["lock-file"].as<std::string>()
                : (config->spool_dir.empty() ? "/run/lock" : config->spool_dir) + "/asbb-poller-" +
                      config->cluster_name + ".lock";
        if (take_lock(lock_path) < 0) {
            std::cerr << "asbb-poller: error: another poller holds " << lock_path << "\n";
            return 1;
        }
        RunSettings settings;
        settings.ask_slurmctld = parsed.count("charge-only") == 0;
        settings.batch_rows = parsed["batch-rows"].as<int64_t>();
        if (settings.batch_rows < 1 || settings.batch_rows > 1'000'000) {
            std::cerr << "asbb-poller: error: --batch-rows must be from 1 to 1000000\n";
            return 2;
        }
        const std::string source = parsed["source"].as<std::string>();
        if (source == "sacct") {
            settings.source = asbb::poller::RunSource::kSacct;
        } else if (source != "db") {
            std::cerr << "asbb-poller: error: --source must be db or sacct, not '" << source
                      << "'\n";
            return 2;
        }
        auto overlap = asbb::parse_duration_seconds(parsed["sacct-overlap"].as<std::string>());
        if (!overlap) {
            std::cerr << "asbb-poller: error: --sacct-overlap: " << overlap.error() << "\n";
            return 2;
        }
        settings.sacct_overlap_s = *overlap;
        if (!daemon) return one_pass(*config, settings) ? 0 : 3;

        std::signal(SIGTERM, request_stop);
        std::signal(SIGINT, request_stop);
        spdlog::info("asbb-poller {} for cluster {}, every {} s", ASBB_VERSION,
                     config->cluster_name, *interval);
        while (!stop_requested) {
            one_pass(*config, settings);
            for (int64_t waited_ms = 0; waited_ms < *interval * 1000 && !stop_requested;
                 waited_ms += 200) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
        }
        spdlog::info("asbb-poller stopping");
        return 0;
    } catch (const cxxopts::exceptions::exception& e) {
        std::cerr << "asbb-poller: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "asbb-poller: error: " << e.what() << "\n";
        return 3;
    }
}
