#include "submit/spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "util/json_out.hpp"

namespace asbb::submit {

namespace {

using Clock = std::chrono::steady_clock;

// Between two tries for a busy lock. Short: the holder is one write or one
// rename away from letting go.
constexpr std::chrono::microseconds kLockRetryPause{200};

// A spool line leaves absent fields out rather than writing them empty, as
// the poller reads them back (poller/spool_replay.cpp).
void text_if_set(JsonOut& out, const char* key, const std::string& value) {
    if (!value.empty()) out.text(key, value);
}
void number_if_set(JsonOut& out, const char* key, const std::optional<int64_t>& value) {
    if (value) out.number(key, *value);
}

// The job as the plugin saw it, so that replay sizes it as the plugin would.
void write_submit_shape(JsonOut& out, const SubmitShape& job) {
    out.key("job");
    out.w().StartObject();
    number_if_set(out, "min_nodes", job.min_nodes);
    number_if_set(out, "num_tasks", job.num_tasks);
    number_if_set(out, "ntasks_per_node", job.ntasks_per_node);
    number_if_set(out, "cpus_per_task", job.cpus_per_task);
    number_if_set(out, "min_cpus", job.min_cpus);
    number_if_set(out, "time_limit_min", job.time_limit_min);
    out.flag("time_unlimited", job.time_unlimited);
    text_if_set(out, "array_inx", job.array_inx);
    text_if_set(out, "tres_per_node", job.tres_per_node);
    text_if_set(out, "tres_per_job", job.tres_per_job);
    text_if_set(out, "tres_per_task", job.tres_per_task);
    out.w().EndObject();
}

std::string line_of(const UnsecuredHold& hold) {
    JsonOut out;
    out.w().StartObject();
    out.text("hold_id", hold.hold_id)
        .text("cluster", hold.cluster)
        .text("account", hold.account)
        .text("partition", hold.partition)
        .text("user", hold.user_name)
        .number("uid", hold.uid)
        .number("nodes", hold.shape.nodes)
        .number("time_limit_s", hold.shape.time_limit_s)
        .number("array_tasks", hold.shape.array_tasks)
        .number("submitted_at", hold.submitted_at)
        .text("reason", hold.reason)
        .text("partitions", hold.partitions);
    write_submit_shape(out, hold.submit);
    out.w().EndObject();
    return out.str() + "\n";
}

// Opens the spool file at path and locks it. When the poller took the file
// between our open and our lock, the descriptor is the taken file: a line
// written there would never be replayed, so open the path again.
Expected<int> open_locked(const std::string& path, Clock::time_point deadline) {
    for (;;) {
        int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return make_error("cannot open " + path + ": " + std::strerror(errno));
        auto locked = lock_spool_before(fd, deadline);
        if (!locked) {
            ::close(fd);
            return make_error("cannot lock " + path + ": " + locked.error());
        }
        if (is_file_at(fd, path)) return fd;
        ::close(fd);
        if (Clock::now() >= deadline) {
            return make_error("cannot lock " + path + ": it was replaced until the deadline");
        }
    }
}

}  // namespace

std::string spool_file(const std::string& dir) {
    return dir + "/unsecured-holds.jsonl";
}

Expected<bool> lock_spool_before(int fd, Clock::time_point deadline) {
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
        if (errno != EWOULDBLOCK && errno != EINTR) return make_error(std::strerror(errno));
        const auto now = Clock::now();
        if (now >= deadline) return make_error("still locked by another process at the deadline");
        std::this_thread::sleep_for(std::min<Clock::duration>(kLockRetryPause, deadline - now));
    }
}

bool is_file_at(int fd, const std::string& path) {
    struct stat opened {};
    struct stat named {};
    return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 &&
           opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

Expected<bool> append_unsecured_hold(const std::string& dir, const UnsecuredHold& hold,
                                     int64_t lock_timeout_ms) {
    const std::string line = line_of(hold);
    ::mkdir(dir.c_str(), 0700);  // usually there already; a failure shows at open
    const std::string path = spool_file(dir);
    auto fd = open_locked(path, Clock::now() + std::chrono::milliseconds(lock_timeout_ms));
    if (!fd) return make_error(fd.error());
    struct stat before {};
    const bool sized = ::fstat(*fd, &before) == 0;
    ssize_t written = ::write(*fd, line.data(), line.size());
    int saved = errno;
    const bool whole = written == static_cast<ssize_t>(line.size());
    // A short write (disk full) would glue the next line to this half one;
    // cut it off while the lock still keeps others out.
    if (!whole && written > 0 && sized) (void)!::ftruncate(*fd, before.st_size);
    // Let go before syncing: the line is in the file the poller reads
    // already, and other appenders need not wait for the disk.
    ::flock(*fd, LOCK_UN);
    const bool synced = whole && ::fdatasync(*fd) == 0;
    if (whole && !synced) saved = errno;
    ::close(*fd);
    if (!whole || !synced) {
        return make_error("cannot write " + path + ": " +
                          (written >= 0 && !whole ? "short write" : std::strerror(saved)));
    }
    return true;
}

}  // namespace asbb::submit
