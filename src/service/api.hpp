// The asbb service's application: routes a request to its endpoint after
// authenticating it (a MUNGE credential and the caller's SLURM roles, or an
// API token and its grant), maps
// failures to statuses, and counts everything for /metrics.
#pragma once

#include <memory>

#include "service/handler.hpp"
#include "service/session_pool.hpp"
#include "service/token_auth.hpp"

namespace asbb::service {

class Api {
  public:
    Api(ServiceState& state, SessionPool& pool)
        : state_(state), pool_(pool), tokens_(state.config.token_failure_limit) {}
    HttpResponse handle(const HttpRequest& request);

  private:
    HttpResponse authenticated(HttpResponse (*handler)(Call&), Call& call);

    ServiceState& state_;
    SessionPool& pool_;
    TokenAuth tokens_;
};

}  // namespace asbb::service
