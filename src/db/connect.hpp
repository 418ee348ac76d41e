// Connection settings from asbb.conf, the same for every program that opens
// the ledger (the CLI, the poller, the plugin, which then tightens them).
#pragma once

#include "config/config.hpp"
#include "db/mariadb_session.hpp"

namespace asbb::db {

ConnectParams connect_params_for(const Config& config);

}  // namespace asbb::db
