// The asbb service's application: routes a request to its endpoint after
// authenticating it with MUNGE and loading the caller's SLURM roles, maps
// failures to statuses, and counts everything for /metrics.
#pragma once

#include <memory>

#include "service/handler.hpp"
#include "service/session_pool.hpp"

namespace asbb::service {

class Api {
  public:
    Api(ServiceState& state, SessionPool& pool) : state_(state), pool_(pool) {}
    HttpResponse handle(const HttpRequest& request);

  private:
    ServiceState& state_;
    SessionPool& pool_;
};

}  // namespace asbb::service
