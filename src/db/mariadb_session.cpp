#include "db/mariadb_session.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "core/host_list.hpp"

namespace asbb::db {

namespace {

// Cells are fetched as text into a buffer of this size first; longer values
// are fetched again at their full length.
constexpr unsigned long kInitialCellBytes = 256;

std::string statement_time_text(int64_t timeout_ms) {
    // max_statement_time takes seconds with a fraction; build it from
    // integers so no binary fraction creeps in.
    std::string millis = std::to_string(timeout_ms % 1000);
    millis.insert(0, 3 - millis.size(), '0');
    return std::to_string(timeout_ms / 1000) + "." + millis;
}

// Which server of each host list last connected, for this process: every
// session (the plugin's pool, the service's workers, the CLI) starts there.
// The mutex guards only the map; no round trip happens under it.
struct Preferences {
    std::mutex mutex;
    std::map<std::string, size_t> index_of;
};

Preferences& preferences() {
    static Preferences kPreferences;
    return kPreferences;
}

size_t preferred_host(const std::string& list) {
    Preferences& p = preferences();
    std::lock_guard lock(p.mutex);
    auto it = p.index_of.find(list);
    return it == p.index_of.end() ? 0 : it->second;
}

void prefer_host(const std::string& list, size_t index) {
    Preferences& p = preferences();
    std::lock_guard lock(p.mutex);
    p.index_of[list] = index;
}

}  // namespace

std::string ConnectParams::where() const {
    if (!socket.empty()) return socket;
    std::string text;
    for (const Endpoint& endpoint : hosts) {
        if (!text.empty()) text += ",";
        text += format_host_port(endpoint.host, endpoint.port);
    }
    return text;
}

MariaSession::MariaSession(const ConnectParams& params) : where_(params.where()) {
    open(params);
}

MariaSession::MariaSession(const ConnectParams& params, Clock::time_point connect_deadline)
    : where_(params.where()), deadline_(connect_deadline) {
    open(params);
}

void MariaSession::open(const ConnectParams& params) {
    // mysql_init() sets the client library up on first use, which is not
    // thread-safe, and the plugin opens sessions from several threads at
    // once: do it once here (a function-local static is initialized once).
    static const int library_ready = mysql_library_init(0, nullptr, nullptr);
    if (library_ready != 0) throw DbError(DbErrorKind::kOther, 0, "mysql_library_init failed");
    if (!params.socket.empty()) {
        open_one(params, "localhost", 0);  // Connector/C's name for "the socket"
        return;
    }
    if (params.hosts.empty()) throw DbError(DbErrorKind::kOther, 0, "no database host given");
    if (params.hosts.size() == 1) {
        open_one(params, params.hosts[0].host.c_str(), params.hosts[0].port);
        return;
    }
    open_any(params);
}

void MariaSession::open_any(const ConnectParams& params) {
    const std::vector<Endpoint>& hosts = params.hosts;
    const std::string list = params.where();
    const size_t first = preferred_host(list) % hosts.size();
    const std::optional<Clock::time_point> overall = deadline_;
    std::string failures;
    bool all_misconfigured = true;
    unsigned last_code = 0;
    for (size_t i = 0; i < hosts.size(); ++i) {
        const size_t index = (first + i) % hosts.size();
        const Endpoint& endpoint = hosts[index];
        where_ = format_host_port(endpoint.host, endpoint.port);
        // A silent server must not take the time the others need.
        if (overall) deadline_ = Clock::now() + (*overall - Clock::now()) / (hosts.size() - i);
        try {
            open_one(params, endpoint.host.c_str(), endpoint.port);
        } catch (const DbError& e) {
            if (conn_ != nullptr) {  // connected, but the session settings failed
                mysql_close(conn_);
                conn_ = nullptr;
            }
            all_misconfigured = all_misconfigured && e.kind() == DbErrorKind::kMisconfigured;
            last_code = e.code();
            failures += (failures.empty() ? "" : "; ") + std::string(e.what());
            continue;
        }
        deadline_ = overall;
        host_list_ = list;
        host_index_ = index;
        host_count_ = hosts.size();
        prefer_host(list, index);
        return;
    }
    deadline_ = overall;
    where_ = list;
    throw DbError(all_misconfigured ? DbErrorKind::kMisconfigured : DbErrorKind::kConnection,
                  last_code,
                  "cannot connect to any of the " + std::to_string(hosts.size()) +
                      " MariaDB servers " + list + ": " + failures);
}

void MariaSession::drop_preference() noexcept {
    if (host_count_ < 2) return;
    try {
        Preferences& p = preferences();
        std::lock_guard lock(p.mutex);
        size_t& preferred = p.index_of[host_list_];
        if (preferred == host_index_) preferred = (host_index_ + 1) % host_count_;
    } catch (...) {
        // Out of memory for the map: the next connect just tries this host first.
    }
    host_count_ = 0;  // once per session
}

void MariaSession::open_one(const ConnectParams& params, const char* host, int port) {
    conn_ = mysql_init(nullptr);
    if (conn_ == nullptr) throw DbError(DbErrorKind::kOther, 0, "mysql_init: out of memory");
    unsigned connect_s = static_cast<unsigned>(params.connect_timeout_s);
    unsigned read_s = static_cast<unsigned>(params.read_timeout_s);
    unsigned write_s = static_cast<unsigned>(params.write_timeout_s);
    my_bool no_reconnect = 0;  // a silent reconnect would lose the session settings
    mysql_optionsv(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_s);
    mysql_optionsv(conn_, MYSQL_OPT_READ_TIMEOUT, &read_s);
    mysql_optionsv(conn_, MYSQL_OPT_WRITE_TIMEOUT, &write_s);
    mysql_optionsv(conn_, MYSQL_OPT_RECONNECT, &no_reconnect);
    mysql_optionsv(conn_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(conn_, MYSQL_OPT_NONBLOCK, 0);
    unsigned long flags = params.multi_statements ? CLIENT_MULTI_STATEMENTS : 0;
    // Connector/C uses the socket only for host "localhost"; any other host
    // name, even 127.0.0.1, means TCP.
    const char* socket = params.socket.empty() ? nullptr : params.socket.c_str();
    const char* database = params.database.empty() ? nullptr : params.database.c_str();
    MYSQL* connected = nullptr;
    drive(
        [&] {
            return mysql_real_connect_start(&connected, conn_, host, params.user.c_str(),
                                            params.password.c_str(), database,
                                            static_cast<unsigned>(port), socket, flags);
        },
        [&](int status) { return mysql_real_connect_cont(&connected, conn_, status); });
    if (connected == nullptr) {
        unsigned code = mysql_errno(conn_);
        std::string message = "cannot connect to MariaDB at " + where_ + ": " + mysql_error(conn_);
        mysql_close(conn_);
        conn_ = nullptr;
        // A refused login or an unknown database is the server answering
        // "not like this": a misconfiguration, which retrying cannot fix.
        // Everything else (refused, unreachable, silent) is an outage.
        const DbErrorKind kind = classify_error(code) == DbErrorKind::kMisconfigured
                                     ? DbErrorKind::kMisconfigured
                                     : DbErrorKind::kConnection;
        throw DbError(kind, code, message);
    }
    run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    run("SET SESSION innodb_lock_wait_timeout = " + std::to_string(params.lock_wait_timeout_s) +
        ", max_statement_time = " + statement_time_text(params.statement_timeout_ms) +
        ", sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00', autocommit = 1");
}

MariaSession::~MariaSession() {
    for (auto& [sql, stmt] : statements_) mysql_stmt_close(stmt);
    if (conn_ != nullptr) mysql_close(conn_);
}

void MariaSession::fail(unsigned code, const std::string& message) {
    DbErrorKind kind = classify_error(code);
    if (kind == DbErrorKind::kConnection && conn_ != nullptr) {
        // The library reported the connection broken: nothing more can be
        // sent on it, so drop it and let the caller open a new one, on
        // another server of the list if there are several.
        drop_preference();
        for (auto& [sql, stmt] : statements_) mysql_stmt_close(stmt);
        statements_.clear();
        mysql_close(conn_);
        conn_ = nullptr;
    }
    throw DbError(kind, code,
                  kind == DbErrorKind::kConnection
                      ? "lost connection to MariaDB at " + where_ + ": " + message
                      : message);
}

void MariaSession::fail_stmt(MYSQL_STMT* stmt) {
    fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt));
}

int MariaSession::wait_io(int status) {
    pollfd waiting{};
    waiting.fd = mysql_get_socket(conn_);
    if (status & MYSQL_WAIT_READ) waiting.events |= POLLIN;
    if (status & MYSQL_WAIT_WRITE) waiting.events |= POLLOUT;
    if (status & MYSQL_WAIT_EXCEPT) waiting.events |= POLLPRI;
    for (;;) {
        int timeout_ms = -1;
        if (status & MYSQL_WAIT_TIMEOUT) {
            timeout_ms = static_cast<int>(mysql_get_timeout_value_ms(conn_));
        }
        bool deadline_binds = false;
        if (deadline_) {
            auto left =
                std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
            if (left <= 0) abandon("no answer from MariaDB at " + where_ + " before the deadline");
            deadline_binds = timeout_ms < 0 || left <= timeout_ms;
            if (deadline_binds) timeout_ms = static_cast<int>(left);
        }
        int ready = ::poll(&waiting, 1, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) abandon(std::string("poll: ") + std::strerror(errno));
        if (ready == 0) {
            if (deadline_binds)
                abandon("no answer from MariaDB at " + where_ + " before the deadline");
            if (status & MYSQL_WAIT_TIMEOUT) return MYSQL_WAIT_TIMEOUT;
            continue;
        }
        int happened = 0;
        if (waiting.revents & (POLLIN | POLLERR | POLLHUP)) happened |= MYSQL_WAIT_READ;
        if (waiting.revents & POLLOUT) happened |= MYSQL_WAIT_WRITE;
        if (waiting.revents & POLLPRI) happened |= MYSQL_WAIT_EXCEPT;
        return happened;
    }
}

void MariaSession::abandon(const std::string& what) {
    // Mid-protocol the connection is unusable: cut the socket so that
    // closing it cannot wait on the silent server, then forget it.
    if (conn_ != nullptr) {
        drop_preference();
        int fd = mysql_get_socket(conn_);
        if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
        for (auto& [sql, stmt] : statements_) mysql_stmt_close(stmt);
        statements_.clear();
        mysql_close(conn_);
        conn_ = nullptr;
    }
    throw DbError(DbErrorKind::kConnection, CR_SERVER_LOST, what);
}

void MariaSession::run(std::string_view sql) {
    if (conn_ == nullptr) fail(CR_SERVER_GONE_ERROR, "no connection");
    int failed = 0;
    drive([&] { return mysql_real_query_start(&failed, conn_, sql.data(), sql.size()); },
          [&](int status) { return mysql_real_query_cont(&failed, conn_, status); });
    if (failed != 0) fail(mysql_errno(conn_), mysql_error(conn_));
    // Drain any result so the connection is ready for the next call.
    MYSQL_RES* result = nullptr;
    drive([&] { return mysql_store_result_start(&result, conn_); },
          [&](int status) { return mysql_store_result_cont(&result, conn_, status); });
    if (result != nullptr) mysql_free_result(result);
}

void MariaSession::run_script(std::string_view sql) {
    if (conn_ == nullptr) fail(CR_SERVER_GONE_ERROR, "no connection");
    if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) {
        fail(mysql_errno(conn_), mysql_error(conn_));
    }
    for (;;) {
        if (MYSQL_RES* result = mysql_store_result(conn_)) mysql_free_result(result);
        int more = mysql_next_result(conn_);
        if (more == -1) break;
        if (more > 0) fail(mysql_errno(conn_), mysql_error(conn_));
    }
}

MYSQL_STMT* MariaSession::prepared(std::string_view sql) {
    if (conn_ == nullptr) fail(CR_SERVER_GONE_ERROR, "no connection");
    std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    MYSQL_STMT* stmt = mysql_stmt_init(conn_);
    if (stmt == nullptr) fail(mysql_errno(conn_), mysql_error(conn_));
    int failed = 0;
    drive([&] { return mysql_stmt_prepare_start(&failed, stmt, sql.data(), sql.size()); },
          [&](int status) { return mysql_stmt_prepare_cont(&failed, stmt, status); });
    if (failed != 0) {
        unsigned code = mysql_stmt_errno(stmt);
        std::string message = mysql_stmt_error(stmt);
        mysql_stmt_close(stmt);
        fail(code, message);
    }
    statements_.emplace(std::move(key), stmt);
    return stmt;
}

MYSQL_STMT* MariaSession::execute(std::string_view sql, const Params& params) {
    MYSQL_STMT* stmt = prepared(sql);
    if (mysql_stmt_param_count(stmt) != params.size()) {
        throw DbError(DbErrorKind::kOther, 0,
                      "statement expects " + std::to_string(mysql_stmt_param_count(stmt)) +
                          " parameters, got " + std::to_string(params.size()));
    }
    std::vector<MYSQL_BIND> binds(params.size());
    std::vector<unsigned long> lengths(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        MYSQL_BIND& bind = binds[i];
        std::memset(&bind, 0, sizeof bind);
        if (std::holds_alternative<std::nullptr_t>(params[i])) {
            bind.buffer_type = MYSQL_TYPE_NULL;
        } else if (const auto* number = std::get_if<int64_t>(&params[i])) {
            bind.buffer_type = MYSQL_TYPE_LONGLONG;
            bind.buffer = const_cast<int64_t*>(number);
        } else if (const auto* large = std::get_if<Unsigned>(&params[i])) {
            bind.buffer_type = MYSQL_TYPE_LONGLONG;
            bind.buffer = const_cast<uint64_t*>(&large->value);
            bind.is_unsigned = 1;
        } else {
            const auto& text = std::get<std::string>(params[i]);
            lengths[i] = text.size();
            bind.buffer_type = MYSQL_TYPE_STRING;
            bind.buffer = const_cast<char*>(text.data());
            bind.buffer_length = text.size();
            bind.length = &lengths[i];
        }
    }
    if (!binds.empty() && mysql_stmt_bind_param(stmt, binds.data()) != 0) fail_stmt(stmt);
    int failed = 0;
    drive([&] { return mysql_stmt_execute_start(&failed, stmt); },
          [&](int status) { return mysql_stmt_execute_cont(&failed, stmt, status); });
    if (failed != 0) fail_stmt(stmt);
    return stmt;
}

uint64_t MariaSession::exec(std::string_view sql, const Params& params) {
    MYSQL_STMT* stmt = execute(sql, params);
    uint64_t affected = mysql_stmt_affected_rows(stmt);
    last_insert_id_ = mysql_stmt_insert_id(stmt);
    mysql_stmt_free_result(stmt);
    finish_results(stmt);
    return affected;
}

std::vector<Row> MariaSession::query(std::string_view sql, const Params& params) {
    MYSQL_STMT* stmt = execute(sql, params);
    std::vector<Row> rows;
    MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
    if (meta == nullptr) {
        mysql_stmt_free_result(stmt);
        finish_results(stmt);
        return rows;
    }
    unsigned columns = mysql_num_fields(meta);
    mysql_free_result(meta);

    std::vector<MYSQL_BIND> binds(columns);
    std::vector<std::string> buffers(columns, std::string(kInitialCellBytes, '\0'));
    std::vector<unsigned long> lengths(columns);
    std::vector<my_bool> nulls(columns);
    std::vector<my_bool> errors(columns);
    for (unsigned c = 0; c < columns; ++c) {
        std::memset(&binds[c], 0, sizeof binds[c]);
        binds[c].buffer_type = MYSQL_TYPE_STRING;
        binds[c].buffer = buffers[c].data();
        binds[c].buffer_length = kInitialCellBytes;
        binds[c].length = &lengths[c];
        binds[c].is_null = &nulls[c];
        binds[c].error = &errors[c];
    }
    if (mysql_stmt_bind_result(stmt, binds.data()) != 0) fail_stmt(stmt);
    int failed = 0;
    drive([&] { return mysql_stmt_store_result_start(&failed, stmt); },
          [&](int status) { return mysql_stmt_store_result_cont(&failed, stmt, status); });
    if (failed != 0) fail_stmt(stmt);
    for (;;) {
        int status = mysql_stmt_fetch(stmt);
        if (status == MYSQL_NO_DATA) break;
        if (status == 1) {
            mysql_stmt_free_result(stmt);
            fail_stmt(stmt);
        }
        std::vector<std::optional<std::string>> cells(columns);
        for (unsigned c = 0; c < columns; ++c) {
            if (nulls[c]) continue;
            if (lengths[c] <= kInitialCellBytes) {
                cells[c] = std::string(buffers[c].data(), lengths[c]);
                continue;
            }
            // Truncated: fetch this column again with room for all of it.
            std::string full(lengths[c], '\0');
            MYSQL_BIND again;
            std::memset(&again, 0, sizeof again);
            unsigned long full_length = 0;
            again.buffer_type = MYSQL_TYPE_STRING;
            again.buffer = full.data();
            again.buffer_length = full.size();
            again.length = &full_length;
            if (mysql_stmt_fetch_column(stmt, &again, c, 0) != 0) fail_stmt(stmt);
            full.resize(full_length);
            cells[c] = std::move(full);
        }
        rows.emplace_back(std::move(cells));
    }
    mysql_stmt_free_result(stmt);
    finish_results(stmt);
    return rows;
}

void MariaSession::finish_results(MYSQL_STMT* stmt) {
    while (mysql_stmt_more_results(stmt)) {
        int status = 0;
        drive([&] { return mysql_stmt_next_result_start(&status, stmt); },
              [&](int waiting) { return mysql_stmt_next_result_cont(&status, stmt, waiting); });
        if (status > 0) fail_stmt(stmt);
        if (status < 0) break;
        mysql_stmt_free_result(stmt);
    }
}

}  // namespace asbb::db
