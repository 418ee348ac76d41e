#include "cli/context.hpp"

#include "db/connect.hpp"

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
    return db::connect_params_for(config());
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
