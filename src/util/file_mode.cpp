#include "util/file_mode.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

namespace asbb {

namespace {

std::string reason(int err) {
    return std::system_category().message(err);
}

// Closes the descriptor on every return path.
class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

}  // namespace

Expected<FileSnapshot> read_regular_file(const std::string& path, size_t max_bytes) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
    // writer; it has no effect on a regular file.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
        return make_error("cannot read " + path + ": " + reason(errno));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return make_error("cannot read " + path + ": " + reason(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return make_error("cannot read " + path + ": not a regular file");
    }
    FileSnapshot snapshot;
    snapshot.mode = static_cast<uint32_t>(st.st_mode & 07777);
    snapshot.uid = static_cast<uint32_t>(st.st_uid);

    std::vector<char> buffer(max_bytes);
    size_t used = 0;
    while (used < max_bytes) {
        const ssize_t n = ::read(fd.get(), buffer.data() + used, max_bytes - used);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return make_error("cannot read " + path + ": " + reason(errno));
        }
        if (n == 0) {
            break;
        }
        used += static_cast<size_t>(n);
    }
    snapshot.content.assign(buffer.data(), used);
    return snapshot;
}

std::string format_file_mode(uint32_t mode) {
    std::string digits;
    mode &= 07777;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + (mode & 7)));
        mode >>= 3;
    } while (mode != 0);
    while (digits.size() < 3) {
        digits.insert(digits.begin(), '0');
    }
    return digits;
}

std::optional<uint32_t> lookup_user_uid(const std::string& name) {
    long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t size = hint > 0 ? static_cast<size_t>(hint) : 16384;
    // Entries from NSS (LDAP, sssd) can exceed the hint: grow on ERANGE, up
    // to a bound so a broken NSS module cannot make this loop forever.
    while (size <= (1u << 20)) {
        std::vector<char> buffer(size);
        struct passwd entry {};
        struct passwd* found = nullptr;
        const int rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
        if (rc == ERANGE) {
            size *= 2;
            continue;
        }
        if (rc != 0 || found == nullptr) {
            return std::nullopt;
        }
        return static_cast<uint32_t>(found->pw_uid);
    }
    return std::nullopt;
}

}  // namespace asbb
