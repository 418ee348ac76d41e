#include "db/session.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <random>
#include <thread>

#include <errmsg.h>
#include <mysqld_error.h>

namespace asbb::db {

DbErrorKind classify_error(unsigned code) {
    switch (code) {
        case ER_LOCK_DEADLOCK:
            return DbErrorKind::kDeadlock;
        case ER_LOCK_WAIT_TIMEOUT:
            return DbErrorKind::kLockWaitTimeout;
        case ER_STATEMENT_TIMEOUT:
            return DbErrorKind::kStatementTimeout;
        case ER_DUP_ENTRY:
        case ER_DUP_ENTRY_WITH_KEY_NAME:
            return DbErrorKind::kDuplicateKey;
        case ER_NO_REFERENCED_ROW_2:
        case ER_ROW_IS_REFERENCED_2:
        case ER_CONSTRAINT_FAILED:
        case ER_SIGNAL_EXCEPTION:
            return DbErrorKind::kConstraint;
        case ER_NO_SUCH_TABLE:              // 1146, e.g. a migration not applied
        case ER_BAD_FIELD_ERROR:            // 1054, e.g. slurmdbd dropped assoc_table.lft
        case ER_TABLEACCESS_DENIED_ERROR:   // 1142
        case ER_COLUMNACCESS_DENIED_ERROR:  // 1143
        case ER_DBACCESS_DENIED_ERROR:      // 1044
        case ER_ACCESS_DENIED_ERROR:        // 1045, the login itself refused
        case ER_HOST_NOT_PRIVILEGED:        // 1130, no account for this host
        case ER_BAD_DB_ERROR:               // 1049
        case ER_SP_DOES_NOT_EXIST:          // 1305
        case ER_PROCACCESS_DENIED_ERROR:    // 1370
            return DbErrorKind::kMisconfigured;
        case CR_CONNECTION_ERROR:
        case CR_CONN_HOST_ERROR:
        case CR_SERVER_GONE_ERROR:
        case CR_SERVER_LOST:
        case CR_UNKNOWN_HOST:
        case CR_SERVER_LOST_EXTENDED:
        case ER_CON_COUNT_ERROR:
        case ER_SERVER_SHUTDOWN:
        case ER_CONNECTION_KILLED:
            return DbErrorKind::kConnection;
        default:
            return DbErrorKind::kOther;
    }
}

void try_rollback(Session& session) noexcept {
    try {
        session.run("ROLLBACK");
    } catch (...) {
        // The connection is gone or the transaction already ended; the
        // error the caller is handling says more than this one would.
    }
}

bool backoff_for_retry(Session& session, const DbError& e, int attempt, int max_retries) noexcept {
    if (!e.retryable() || attempt >= max_retries) return false;
    if (e.kind() != DbErrorKind::kDeadlock && attempt >= kLockWaitRetries) return false;
    // 0.5 ms up to 0.5 * 2^attempt ms, at most 32 ms.
    const int cap_us = 500 << std::min(attempt, 6);
    if (const auto* timed = dynamic_cast<const DeadlineSession*>(&session)) {
        // Room for the pause and a round trip or two after it, or report
        // the conflict now.
        constexpr auto kRetryRoom = std::chrono::milliseconds(10);
        if (const auto deadline = timed->deadline();
            deadline &&
            DeadlineSession::Clock::now() + std::chrono::microseconds(cap_us) + kRetryRoom >=
                *deadline) {
            return false;
        }
    }
    thread_local std::minstd_rand random(
        static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
    std::uniform_int_distribution<int> pick(500, std::max(cap_us, 500));
    std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
    return true;
}

const std::string& Row::str(size_t i) const {
    const auto& cell = cells_.at(i);
    if (!cell)
        throw DbError(DbErrorKind::kOther, 0, "unexpected NULL in column " + std::to_string(i));
    return *cell;
}

std::string Row::str_or(size_t i, std::string fallback) const {
    const auto& cell = cells_.at(i);
    return cell ? *cell : fallback;
}

int64_t Row::i64(size_t i) const {
    const std::string& text = str(i);
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw DbError(DbErrorKind::kOther, 0,
                      "column " + std::to_string(i) + " is not an integer: '" + text + "'");
    }
    return value;
}

uint64_t Row::u64(size_t i) const {
    const std::string& text = str(i);
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw DbError(
            DbErrorKind::kOther, 0,
            "column " + std::to_string(i) + " is not an unsigned integer: '" + text + "'");
    }
    return value;
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
    if (is_null(i)) return std::nullopt;
    return i64(i);
}

}  // namespace asbb::db
