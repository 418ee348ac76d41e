#include "submit/spool.hpp"

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

namespace asbb::submit {

namespace {

using Clock = std::chrono::steady_clock;

// Between two tries for a busy lock. Short: the holder is one write or one
// rename away from letting go.
constexpr std::chrono::microseconds kLockRetryPause{200};

// One spool line's fields, written as the poller reads them back
// (poller/spool_replay.cpp): absent fields are left out, not written empty.
class LineWriter {
  public:
    LineWriter() : writer_(buffer_) { writer_.StartObject(); }
    void text(const char* key, const std::string& value) {
        writer_.Key(key);
        writer_.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    }
    void text_if_set(const char* key, const std::string& value) {
        if (!value.empty()) text(key, value);
    }
    void number(const char* key, int64_t value) {
        writer_.Key(key);
        writer_.Int64(value);
    }
    void number_if_set(const char* key, const std::optional<int64_t>& value) {
        if (value) number(key, *value);
    }
    void flag(const char* key, bool value) {
        writer_.Key(key);
        writer_.Bool(value);
    }
    void start_object(const char* key) {
        writer_.Key(key);
        writer_.StartObject();
    }
    void end_object() { writer_.EndObject(); }
    std::string line() {
        writer_.EndObject();
        return std::string(buffer_.GetString(), buffer_.GetSize()) + "\n";
    }

  private:
    rapidjson::StringBuffer buffer_;
    rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// The job as the plugin saw it, so that replay sizes it as the plugin would.
void write_submit_shape(LineWriter& out, const SubmitShape& job) {
    out.start_object("job");
    out.number_if_set("min_nodes", job.min_nodes);
    out.number_if_set("num_tasks", job.num_tasks);
    out.number_if_set("ntasks_per_node", job.ntasks_per_node);
    out.number_if_set("cpus_per_task", job.cpus_per_task);
    out.number_if_set("min_cpus", job.min_cpus);
    out.number_if_set("time_limit_min", job.time_limit_min);
    out.flag("time_unlimited", job.time_unlimited);
    out.text_if_set("array_inx", job.array_inx);
    out.text_if_set("tres_per_node", job.tres_per_node);
    out.text_if_set("tres_per_job", job.tres_per_job);
    out.text_if_set("tres_per_task", job.tres_per_task);
    out.end_object();
}

std::string line_of(const UnsecuredHold& hold) {
    LineWriter out;
    out.text("hold_id", hold.hold_id);
    out.text("cluster", hold.cluster);
    out.text("account", hold.account);
    out.text("partition", hold.partition);
    out.text("user", hold.user_name);
    out.number("uid", hold.uid);
    out.number("nodes", hold.shape.nodes);
    out.number("time_limit_s", hold.shape.time_limit_s);
    out.number("array_tasks", hold.shape.array_tasks);
    out.number("submitted_at", hold.submitted_at);
    out.text("reason", hold.reason);
    out.text("partitions", hold.partitions);
    write_submit_shape(out, hold.submit);
    return out.line();
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
