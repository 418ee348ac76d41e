// The pass's options as asbb.conf sets them, shared by asbb-poller and the
// CLI verbs that run parts of the pass (asbb reconcile, asbb recover).
#pragma once

#include "config/config.hpp"
#include "reconcile.hpp"

namespace asbb::poller {

PassOptions pass_options_for(const Config& config);

}  // namespace asbb::poller
