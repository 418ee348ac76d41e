#include "db/connect.hpp"

#include "core/host_list.hpp"

namespace asbb::db {

ConnectParams connect_params_for(const Config& config) {
    ConnectParams params;
    // The config accepted the list, so it parses; DbPort fills in the ports.
    params.hosts.clear();
    if (auto hosts = parse_host_list(config.db_host); hosts.ok()) {
        for (const HostPort& entry : *hosts) {
            params.hosts.push_back({entry.host, entry.port != 0 ? entry.port : config.db_port});
        }
    }
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
