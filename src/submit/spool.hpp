// Holds the plugin accepted without the database (FailPolicy=open) are
// appended, one JSON object per line, to <dir>/unsecured-holds.jsonl; the
// poller places them later (poller/spool_replay.cpp).
//
// The file is shared under flock(2): the plugin appends while holding
// LOCK_EX on it, and the poller takes the file away (renames it) while
// holding LOCK_EX too. An appender that got its lock after the rename sees
// that its descriptor is no longer the file at the path and opens a fresh
// one, so no line lands in a file the poller has already taken.
#pragma once

#include <chrono>
#include <string>

#include "core/expected.hpp"
#include "core/hold_sizing.hpp"
#include "core/job_shape.hpp"
#include "core/money.hpp"

namespace asbb::submit {

// How long an append waits for the spool's lock. The poller and other
// appenders hold it for one write or one rename, microseconds; the bound is
// there because slurmctld waits for the plugin.
inline constexpr int64_t kSpoolLockTimeoutMs = 100;

struct UnsecuredHold {
    std::string hold_id;
    std::string cluster;
    std::string account;
    std::string partition;
    std::string user_name;
    uint32_t uid = 0;
    JobShape shape;  // as far as it could be sized without a rate (for people)
    // The job as submitted and its budgeted partitions (a comma list): what
    // the poller's replay decides on (core::plan_hold), as the plugin would
    // have with the database.
    SubmitShape submit;
    std::string partitions;
    int64_t submitted_at = 0;  // epoch seconds
    std::string reason;        // why the database was not used
};

// Appends the record; the error says what failed, a lock not had within
// lock_timeout_ms included (the caller then rejects: an unsecured hold that
// is not written down would be lost). Never waits longer than that bound
// for the lock.
Expected<bool> append_unsecured_hold(const std::string& dir, const UnsecuredHold& hold,
                                     int64_t lock_timeout_ms = kSpoolLockTimeoutMs);

std::string spool_file(const std::string& dir);

// The locking protocol, shared with the poller.
// Takes flock(LOCK_EX) on fd, trying without blocking until deadline.
Expected<bool> lock_spool_before(int fd, std::chrono::steady_clock::time_point deadline);
// Whether fd is the file now at path (same device and inode); false when the
// path is gone or names another file.
bool is_file_at(int fd, const std::string& path);

}  // namespace asbb::submit
