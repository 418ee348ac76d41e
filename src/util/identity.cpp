#include "util/identity.hpp"

#include <pwd.h>
#include <sys/random.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <vector>

#include "core/api_token.hpp"

namespace asbb {

std::string current_user_name() {
    return user_name_of(getuid());
}

std::string user_name_of(uint32_t uid) {
    struct passwd entry;
    struct passwd* found = nullptr;
    std::vector<char> buffer(4096);
    if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
        return found->pw_name;
    }
    return "uid:" + std::to_string(uid);
}

namespace {

void fill_random(uint8_t* bytes, size_t size) {
    size_t filled = 0;
    while (filled < size) {
        ssize_t n = getrandom(bytes + filled, size - filled, 0);
        if (n > 0) filled += static_cast<size_t>(n);
        // getrandom only fails with EINTR here (the pool is initialized long
        // before slurmctld runs); loop until the bytes are there.
    }
}

}  // namespace

HoldId new_hold_id() {
    uint8_t bytes[10] = {};
    fill_random(bytes, sizeof bytes);
    uint16_t random_hi = 0;
    uint64_t random_lo = 0;
    std::memcpy(&random_hi, bytes, sizeof random_hi);
    std::memcpy(&random_lo, bytes + 2, sizeof random_lo);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    return make_hold_id(static_cast<uint64_t>(ms), random_hi, random_lo);
}

std::string new_token_secret() {
    std::array<uint8_t, kTokenSecretBytes> bytes{};
    fill_random(bytes.data(), bytes.size());
    return token_secret_text(bytes);
}

}  // namespace asbb
