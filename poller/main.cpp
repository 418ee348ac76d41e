// asbb-poller: keeps the ledger in step with SLURM. This first version links
// the holds of live jobs to their job ids (so job_modify can find a job's
// hold); charging finished jobs and expiring orphans come next.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cxxopts.hpp>
#include <iostream>

#include "config/config.hpp"
#include "db/connect.hpp"
#include "db/ledger.hpp"
#include "db/mariadb_session.hpp"
#include "live_jobs.hpp"
#include "util/local_time.hpp"

namespace {

int link_live_jobs(const asbb::Config& config) {
    const auto start = std::chrono::steady_clock::now();
    auto live = asbb::poller::load_live_jobs();
    if (!live) {
        spdlog::error("{}", live.error());
        return 3;
    }
    asbb::db::MariaSession session(asbb::db::connect_params_for(config));
    int seen = 0;
    int linked = 0;
    const int64_t now_s = asbb::now_epoch_s();
    for (const auto& job : *live) {
        if (job.hold_id.empty()) continue;
        ++seen;
        if (asbb::db::link_hold(session, job.hold_id, config.cluster_name, job.job_id, now_s)) {
            ++linked;
        } else {
            spdlog::warn("job {}: hold {} is unknown or closed", job.job_id, job.hold_id);
        }
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    spdlog::info("live jobs {}, with holds {}, linked {}, {} ms", live->size(), seen, linked, ms);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    cxxopts::Options options("asbb-poller", "Keep asbb's ledger in step with SLURM");
    options.add_options()("once", "one pass, then exit (for the systemd timer)")(
        "config", "asbb.conf (default: $ASBB_CONF or /etc/asbb/asbb.conf)",
        cxxopts::value<std::string>())("h,help", "show this help")("V,version", "show the version");
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
        if (!parsed.count("once")) {
            std::cerr << "asbb-poller: error: only --once is implemented so far\n";
            return 2;
        }
        const std::string path = parsed.count("config") ? parsed["config"].as<std::string>()
                                                        : asbb::default_config_path();
        auto config = asbb::load_config_file(path);
        if (!config) {
            std::cerr << "asbb-poller: error: " << config.error() << "\n";
            return 1;
        }
        return link_live_jobs(*config);
    } catch (const cxxopts::exceptions::exception& e) {
        std::cerr << "asbb-poller: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "asbb-poller: error: " << e.what() << "\n";
        return 3;
    }
}
