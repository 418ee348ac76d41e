#include "db/connect.hpp"

namespace asbb::db {

ConnectParams connect_params_for(const Config& config) {
    ConnectParams params;
    params.host = config.db_host;
    params.port = config.db_port;
    params.socket = config.db_socket;
    params.user = config.db_user;
    params.password = config.db_pass;
    params.database = config.db_name;
    params.connect_timeout_s = config.connect_timeout_s;
    params.lock_wait_timeout_s = config.lock_wait_timeout_s;
    params.statement_timeout_ms = config.statement_timeout_ms;
    // The socket timeouts outlast the server's own statement limit, so that
    // a slow statement ends with the server's clear message instead.
    const int statement_s = static_cast<int>(config.statement_timeout_ms / 1000) + 5;
    params.read_timeout_s = statement_s;
    params.write_timeout_s = statement_s;
    return params;
}

}  // namespace asbb::db
