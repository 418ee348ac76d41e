#include "service/service.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "db/connect.hpp"
#include "db/mariadb_session.hpp"
#include "net/advisor_client.hpp"
#include "service/api.hpp"
#include "service/http_server.hpp"

namespace asbb::service {

struct Service::Impl {
    Impl(const Config& c, CliRunner cli)
        : config(c),
          advisor(net::AdvisorSettings{c.advisor_url, c.advisor_key, c.advisor_timeout_ms,
                                       c.advisor_health_interval_s}),
          state{config, metrics, config.advisor_url.empty() ? nullptr : &advisor, std::move(cli)},
          pool([this] {
              return std::unique_ptr<db::Session>(
                  std::make_unique<db::MariaSession>(db::connect_params_for(config)));
          }),
          api(state, pool),
          server(limits_of(c), [this](const HttpRequest& r) { return api.handle(r); }) {}

    static ServerLimits limits_of(const Config& c) {
        ServerLimits limits;
        limits.worker_threads = c.service_threads;
        limits.queue_length = std::max(16, c.service_threads * 8);
        limits.max_body_bytes = c.service_max_body_bytes;
        limits.max_headers = c.service_max_headers;
        limits.timeout_ms = c.service_timeout_ms;
        return limits;
    }

    Config config;
    Metrics metrics;
    net::AdvisorClient advisor;
    ServiceState state;
    SessionPool pool;
    Api api;
    HttpServer server;
};

Service::Service(const Config& config, CliRunner cli)
    : impl_(std::make_unique<Impl>(config, std::move(cli))) {}
Service::~Service() = default;

int Service::bind(int port_override) {
    return impl_->server.bind(impl_->config.service_host,
                              port_override >= 0 ? port_override : impl_->config.service_port);
}

bool Service::serve() {
    return impl_->server.serve();
}

void Service::stop() {
    impl_->server.stop();
}

int run_until_signal(const Config& config, CliRunner cli) {
    // Blocked before any thread starts, so every thread inherits the mask and
    // only the waiter below sees SIGTERM/SIGINT.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    Service service(config, std::move(cli));
    const int port = service.bind();
    if (port < 0) {
        spdlog::error("cannot listen on {}:{}", config.service_host, config.service_port);
        return 1;
    }
    spdlog::info("asbb service {} listening on {}:{} ({} workers)", ASBB_VERSION,
                 config.service_host, port, config.service_threads);
    std::atomic<bool> done{false};
    std::thread waiter([&] {
        const timespec tick{0, 200'000'000};
        while (!done.load()) {
            const int sig = sigtimedwait(&signals, nullptr, &tick);
            if (sig == SIGTERM || sig == SIGINT) {
                spdlog::info("signal {}: answering requests in flight, then stopping", sig);
                service.stop();
                return;
            }
        }
    });
    const bool ok = service.serve();
    done = true;
    waiter.join();
    spdlog::info("asbb service stopped");
    return ok ? 0 : 1;
}

}  // namespace asbb::service
