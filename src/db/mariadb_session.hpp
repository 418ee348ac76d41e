// Session over MariaDB Connector/C with a per-connection cache of prepared
// statements. Every session states its own settings (isolation level, lock
// wait, statement time limit, SQL mode) instead of trusting server defaults:
// SLURM recommends innodb_lock_wait_timeout=900 for slurmdbd on the same
// server, which must never apply to asbb.
#pragma once

#include <mysql.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "db/session.hpp"

namespace asbb::db {

struct ConnectParams {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string socket;  // non-empty: connect through this Unix socket
    std::string user;
    std::string password;
    std::string database;  // may be empty (migrate creates it)
    int connect_timeout_s = 5;
    int read_timeout_s = 30;  // Connector/C only takes whole seconds
    int write_timeout_s = 30;
    int lock_wait_timeout_s = 5;
    int64_t statement_timeout_ms = 10'000;
    bool multi_statements = false;

    // "host:port" or the socket path, for error messages.
    std::string where() const;
};

class MariaSession final : public DeadlineSession {
  public:
    // Connects and applies the session settings; throws DbError (message
    // naming host:port or socket) when it cannot: kind kMisconfigured when
    // the server refused the login or the database (1045, 1044, 1049, ...),
    // kConnection for every other failure.
    explicit MariaSession(const ConnectParams& params);
    ~MariaSession() override;
    MariaSession(const MariaSession&) = delete;
    MariaSession& operator=(const MariaSession&) = delete;

    uint64_t exec(std::string_view sql, const Params& params = {}) override;
    std::vector<Row> query(std::string_view sql, const Params& params = {}) override;
    uint64_t last_insert_id() override { return last_insert_id_; }
    void run(std::string_view sql) override;
    void run_script(std::string_view sql) override;

    MYSQL* handle() { return conn_; }

    // Every round trip after this must finish by the deadline; one that does
    // not abandons the connection (it cannot be trusted mid-protocol) and
    // throws DbError kConnection. Connector/C's own timeouts take whole
    // seconds, too coarse for slurmctld, so the I/O is driven here with the
    // library's non-blocking API and poll(2).
    void set_deadline(std::optional<Clock::time_point> deadline) override { deadline_ = deadline; }
    bool connected() const override { return conn_ != nullptr; }

    // Connects with a deadline on the connect itself.
    MariaSession(const ConnectParams& params, Clock::time_point connect_deadline);

  private:
    void open(const ConnectParams& params);
    // Waits for the socket as the library asks (status: MYSQL_WAIT_* bits)
    // and returns what happened, in the same bits.
    int wait_io(int status);
    template <class Start, class Cont>
    void drive(Start&& start, Cont&& cont) {
        int status = start();
        while (status != 0) status = cont(wait_io(status));
    }
    [[noreturn]] void abandon(const std::string& what);

    MYSQL_STMT* prepared(std::string_view sql);
    MYSQL_STMT* execute(std::string_view sql, const Params& params);
    // Reads past the status a CALL ends with, so the connection is ready
    // for the next statement (asbb's procedures answer with one result set).
    void finish_results(MYSQL_STMT* stmt);
    [[noreturn]] void fail(unsigned code, const std::string& message);
    [[noreturn]] void fail_stmt(MYSQL_STMT* stmt);

    MYSQL* conn_ = nullptr;
    std::string where_;
    std::optional<Clock::time_point> deadline_;
    std::unordered_map<std::string, MYSQL_STMT*> statements_;
    uint64_t last_insert_id_ = 0;
};

}  // namespace asbb::db
