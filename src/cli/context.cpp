#include "cli/context.hpp"

#include "db/connect.hpp"
#include "db/slurm_roles.hpp"

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
    if (borrowed_session_ != nullptr) return *borrowed_session_;
    if (!session_) session_ = std::make_unique<db::MariaSession>(connect_params());
    return *session_;
}

std::unique_ptr<db::MariaSession> Context::admin_session() {
    db::ConnectParams params = connect_params();
    params.database.clear();
    params.multi_statements = true;
    return std::make_unique<db::MariaSession>(params);
}

void Context::serve_caller(const Principal& caller, const Config& config, db::Session& session) {
    caller_ = caller;
    config_ = config;
    borrowed_session_ = &session;
    actor = caller.user;
}

bool Context::may(Access access, const std::string& account, const std::string& cluster) {
    if (!caller_) return true;
    return db::may_access(session(), slurm_db(), cluster.empty() ? config().cluster_name : cluster,
                          *caller_, access, account);
}

void Context::require(Access access, const std::string& account, const std::string& cluster) {
    if (!may(access, account, cluster)) {
        user_error(std::string("user ") + caller_->user + " may not " +
                   (access == Access::kRead ? "read" : "change") + " account " + account);
    }
}

}  // namespace asbb::cli
