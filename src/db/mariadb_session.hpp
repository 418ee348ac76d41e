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
#include <vector>

#include "db/session.hpp"

namespace asbb::db {

// One server of DbHost's list.
struct Endpoint {
    std::string host;
    int port = 3306;
};

struct ConnectParams {
    // Tried in order, starting from the one that last worked in this
    // process (see MariaSession); a connection lost on one makes the next
    // connect start from the one after it.
    std::vector<Endpoint> hosts = {{"127.0.0.1", 3306}};
    std::string socket;  // non-empty: connect through this Unix socket, not hosts
    std::string user;
    std::string password;
    std::string database;  // may be empty (migrate creates it)
    int connect_timeout_s = 5;
    int read_timeout_s = 30;  // Connector/C only takes whole seconds
    int write_timeout_s = 30;
    int lock_wait_timeout_s = 5;
    int64_t statement_timeout_ms = 10'000;
    bool multi_statements = false;

    // "host:port[,host:port...]" or the socket path, for error messages.
    std::string where() const;
};

class MariaSession final : public DeadlineSession {
  public:
    // Connects and applies the session settings; throws DbError (message
    // naming host:port or socket) when it cannot: kind kMisconfigured when
    // the server refused the login or the database (1045, 1044, 1049, ...),
    // kConnection for every other failure. With several hosts, each is
    // tried in turn (from the last that worked) until one connects; the
    // error when none does names every host, and is kMisconfigured only
    // when every one refused that way.
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
    // The server this session is connected to: "host:port" or the socket.
    const std::string& where() const { return where_; }

    // Every round trip after this must finish by the deadline; one that does
    // not abandons the connection (it cannot be trusted mid-protocol) and
    // throws DbError kConnection. Connector/C's own timeouts take whole
    // seconds, too coarse for slurmctld, so the I/O is driven here with the
    // library's non-blocking API and poll(2).
    void set_deadline(std::optional<Clock::time_point> deadline) override { deadline_ = deadline; }
    std::optional<Clock::time_point> deadline() const override { return deadline_; }
    bool connected() const override { return conn_ != nullptr; }

    // Connects with a deadline on the connect itself.
    MariaSession(const ConnectParams& params, Clock::time_point connect_deadline);

  private:
    void open(const ConnectParams& params);
    // Tries params.hosts from the preferred one; each attempt gets an equal
    // share of the time left before the connect deadline, if there is one.
    void open_any(const ConnectParams& params);
    // One server: connects and applies the session settings.
    void open_one(const ConnectParams& params, const char* host, int port);
    // After a lost connection, the next connect starts with another host.
    void drop_preference() noexcept;
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
    // Which of a host list this session is on (see drop_preference).
    std::string host_list_;
    size_t host_index_ = 0;
    size_t host_count_ = 0;
    uint64_t last_insert_id_ = 0;
};

}  // namespace asbb::db
