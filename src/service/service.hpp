// asbb service: the REST API as one object (the HTTP server, the endpoints,
// database sessions, the advisor client, metrics), for `asbb service start`
// and for tests that run it in-process.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "service/handler.hpp"

namespace asbb::service {

class Service {
  public:
    // cli: runs CLI verbs for POST /api/v1/cli (empty: not served).
    explicit Service(const Config& config, CliRunner cli = {});
    ~Service();
    // Binds ServiceAddress (port_override >= 0: that port instead, 0 = any
    // free one). Returns the port, or -1 when it cannot be bound.
    int bind(int port_override = -1);
    // Answers requests until stop(); false when the socket failed.
    bool serve();
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Runs the service in the foreground until SIGTERM or SIGINT, then answers
// the requests in flight and returns 0 (1 when the address cannot be bound).
int run_until_signal(const Config& config, CliRunner cli = {});

}  // namespace asbb::service
