// The seam between asbb and its database. Ledger code talks to a Session;
// production uses MariaSession (MariaDB Connector/C, prepared statements
// only), tests may wrap it to inject deadlocks, timeouts and lost
// connections. Values never enter SQL text: they travel as parameters.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace asbb::db {

// What went wrong, in the terms the callers act on.
enum class DbErrorKind {
    kConnection,        // could not connect, or the connection broke mid-call
    kDeadlock,          // 1213: retry the whole transaction
    kLockWaitTimeout,   // 1205: retry the whole transaction, a bounded number of times
    kStatementTimeout,  // 1969: max_statement_time hit
    kDuplicateKey,      // 1062
    kConstraint,        // foreign key, CHECK, append-only trigger
    // The server answered, but asbb cannot work with what it found: a table,
    // column, database or procedure missing, or a login or grant refused.
    // Retrying will not help until an admin acts (migrate, GRANT, config),
    // so it is not an outage either.
    kMisconfigured,
    kOther,
};

class DbError : public std::runtime_error {
  public:
    DbError(DbErrorKind kind, unsigned code, const std::string& message)
        : std::runtime_error(message), kind_(kind), code_(code) {}
    DbErrorKind kind() const { return kind_; }
    unsigned code() const { return code_; }
    bool retryable() const {
        return kind_ == DbErrorKind::kDeadlock || kind_ == DbErrorKind::kLockWaitTimeout;
    }

  private:
    DbErrorKind kind_;
    unsigned code_;
};

DbErrorKind classify_error(unsigned code);

// A BIGINT UNSIGNED value beyond int64's range: slurmdbd 24.11+ numbers its
// job rows (job_db_inx) from about 1.6e19. A type of its own, so that plain
// integers never become ambiguous between the two.
struct Unsigned {
    uint64_t value = 0;
};

using Param = std::variant<std::nullptr_t, int64_t, std::string, Unsigned>;
using Params = std::vector<Param>;

// One result row; every cell arrives as text (or NULL) and is converted here.
class Row {
  public:
    explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
    size_t size() const { return cells_.size(); }
    bool is_null(size_t i) const { return !cells_.at(i).has_value(); }
    const std::string& str(size_t i) const;  // throws DbError on NULL
    std::string str_or(size_t i, std::string fallback) const;
    int64_t i64(size_t i) const;   // throws DbError on NULL or non-integer
    uint64_t u64(size_t i) const;  // BIGINT UNSIGNED; throws like i64
    std::optional<int64_t> opt_i64(size_t i) const;

  private:
    std::vector<std::optional<std::string>> cells_;
};

class Session {
  public:
    virtual ~Session() = default;
    // Runs a statement; returns the number of rows it changed.
    virtual uint64_t exec(std::string_view sql, const Params& params = {}) = 0;
    virtual std::vector<Row> query(std::string_view sql, const Params& params = {}) = 0;
    virtual uint64_t last_insert_id() = 0;
    // Plain SQL text without parameters (session settings, DDL, BEGIN).
    virtual void run(std::string_view sql) = 0;
    // Several statements in one text (migration files).
    virtual void run_script(std::string_view sql) = 0;
};

// A session whose round trips can be bounded by a deadline: what the plugin
// needs inside slurmctld (MariaSession; the tests' fault-injecting wrapper).
class DeadlineSession : public Session {
  public:
    using Clock = std::chrono::steady_clock;
    // Every round trip after this must finish by the deadline; one that does
    // not abandons the connection and throws DbError kConnection.
    virtual void set_deadline(std::optional<Clock::time_point> deadline) = 0;
    virtual std::optional<Clock::time_point> deadline() const = 0;
    virtual bool connected() const = 0;
};

// Rollback that never throws: after a lost connection there is nothing to
// roll back, and the original error is the one worth reporting.
void try_rollback(Session& session) noexcept;

// How many times a transaction that lost a deadlock is run again. On a
// Galera cluster with several writers a conflicting transaction fails
// certification (1213, at COMMIT or at any statement) much more often than
// InnoDB deadlocks on one server, so the bound leaves room for contention.
inline constexpr int kDeadlockRetries = 20;

// A lock wait that ran out is retried at most this often: the row is busy,
// and the caller is told so instead of waiting many timeouts in a row.
inline constexpr int kLockWaitRetries = 2;

// The one retry rule of a transaction that failed with e on attempt number
// `attempt` (from 0): false when e is not a deadlock or lock wait, when the
// attempts are used up, or when the session's deadline (the plugin's
// PluginDeadline) leaves no room for another try, so that a busy row is
// reported as busy and never turns into a deadline overrun, which the
// plugin would count as an outage. True after a short, growing, jittered
// pause, so that transactions that collided do not collide in lockstep.
bool backoff_for_retry(Session& session, const DbError& e, int attempt, int max_retries) noexcept;

// Runs fn inside BEGIN ... COMMIT; on deadlock or lock-wait timeout rolls
// back and runs it again, at most max_retries more times. Any other error
// rolls back and propagates. fn must be safe to run again from the start.
template <class Fn>
auto in_transaction(Session& session, Fn&& fn, int max_retries = kDeadlockRetries) {
    for (int attempt = 0;; ++attempt) {
        session.run("START TRANSACTION");
        try {
            if constexpr (std::is_void_v<decltype(fn())>) {
                fn();
                session.run("COMMIT");
                return;
            } else {
                auto result = fn();
                session.run("COMMIT");
                return result;
            }
        } catch (const DbError& e) {
            try_rollback(session);
            if (!backoff_for_retry(session, e, attempt, max_retries)) throw;
        } catch (...) {
            try_rollback(session);
            throw;
        }
    }
}

}  // namespace asbb::db
