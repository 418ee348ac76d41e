// What every CLI verb works with: where to print, how to print listings, the
// config and a database session (both opened only when a verb needs them, so
// `asbb --help` or `config init` work without either), the clock and the actor.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "config/config.hpp"
#include "core/access.hpp"
#include "core/table.hpp"
#include "db/mariadb_session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::cli {

// Exit statuses, as documented in asbb(1). The rule: a failure that the
// command line alone shows (a malformed or out-of-range value, an unknown or
// missing option, options that contradict each other) is a usage error, 2;
// a well-formed request that the ledger, SLURM's database, the configuration
// or the file system refuses (unknown account, insufficient funds, budget
// exists) is a user error, 1; an unreachable database is 3.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUserError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDbUnavailable = 3;

// A failure to report on one line as "asbb: error: <message>".
class CliError : public std::runtime_error {
  public:
    CliError(int exit_code, const std::string& message)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

  private:
    int exit_code_;
};

[[noreturn]] inline void user_error(const std::string& message) {
    throw CliError(kExitUserError, message);
}
[[noreturn]] inline void usage_error(const std::string& message) {
    throw CliError(kExitUsage, message);
}

struct OutputOptions {
    TableMode mode = TableMode::kTable;
    bool header = true;
    bool json = false;
    std::optional<std::string> format;  // from format=...
};

class Context {
  public:
    Context(std::ostream& out, std::ostream& err) : out(out), err(err) {}

    std::ostream& out;
    std::ostream& err;
    OutputOptions output;
    std::string config_path;  // empty: $ASBB_CONF or /etc/asbb/asbb.conf
    int64_t now_s = 0;
    std::string actor;

    const Config& config();
    // A session on asbb's database; throws db::DbError (kConnection) when the
    // server cannot be reached, which the dispatcher maps to exit status 3.
    db::Session& session();
    // A session without a default database that may run multi-statement
    // scripts (database migrate creates the database).
    std::unique_ptr<db::MariaSession> admin_session();
    db::SlurmDbName slurm_db() { return {config().slurm_db_name}; }

    // Run inside the asbb service for a caller (see cli::run_for_caller): the
    // service's config and session are used, and read verbs must ask
    // require() before showing an account. Unset for a local run, where the
    // caller could read asbb.conf and so may read everything.
    void serve_caller(const Principal& caller, const Config& config, db::Session& session);
    bool remote() const { return caller_.has_value(); }
    bool may(Access access, const std::string& account, const std::string& cluster = "");
    void require(Access access, const std::string& account, const std::string& cluster = "");

  private:
    db::ConnectParams connect_params();

    std::optional<Config> config_;
    std::unique_ptr<db::MariaSession> session_;
    std::optional<Principal> caller_;
    db::Session* borrowed_session_ = nullptr;
};

}  // namespace asbb::cli
