#include "cli/context.hpp"

namespace asbb::cli {

const Config& Context::config() {
    if (!config_) {
        std::string path = config_path.empty() ? default_config_path() : config_path;
        auto loaded = load_config_file(path);
        if (!loaded) user_error(loaded.error());
        config_ = std::move(loaded).value();
    }
    return *config_;
}

db::ConnectParams Context::connect_params() {
    const Config& c = config();
    db::ConnectParams params;
    params.host = c.db_host;
    params.port = c.db_port;
    params.socket = c.db_socket;
    params.user = c.db_user;
    params.password = c.db_pass;
    params.database = c.db_name;
    params.connect_timeout_s = c.connect_timeout_s;
    params.lock_wait_timeout_s = c.lock_wait_timeout_s;
    params.statement_timeout_ms = c.statement_timeout_ms;
    // The socket timeouts must outlast the server's own statement limit, so
    // that a slow statement ends with the server's clear message instead.
    const int statement_s = static_cast<int>(c.statement_timeout_ms / 1000) + 5;
    params.read_timeout_s = statement_s;
    params.write_timeout_s = statement_s;
    return params;
}

db::Session& Context::session() {
    if (!session_) session_ = std::make_unique<db::MariaSession>(connect_params());
    return *session_;
}

std::unique_ptr<db::MariaSession> Context::admin_session() {
    db::ConnectParams params = connect_params();
    params.database.clear();
    params.multi_statements = true;
    return std::make_unique<db::MariaSession>(params);
}

}  // namespace asbb::cli
