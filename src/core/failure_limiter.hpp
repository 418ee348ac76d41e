// Rate limiting of failed API token attempts, per client address: after
// `limit` failures within `window_s` seconds an address is refused at once
// (429) until the oldest of them leaves the window, so that guessing secrets
// costs an attacker the window per `limit` guesses and costs the database
// nothing. Successes do not clear the count: a client that holds one good
// token must not be able to use it as cover for guessing others.
//
// Thread-safe (the service's workers share one). Memory is bounded: at most
// kMaxTrackedAddresses addresses are remembered; when a new one would pass
// that, the addresses whose failures have all left the window are dropped
// first, then the one failing least recently.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace asbb {

class FailureLimiter {
  public:
    static constexpr size_t kMaxTrackedAddresses = 4096;

    FailureLimiter(int limit, int64_t window_s) : limit_(limit), window_s_(window_s) {}

    // Seconds until address may try again; 0 when it may now.
    int64_t retry_after_s(const std::string& address, int64_t now_s);
    void record_failure(const std::string& address, int64_t now_s);

  private:
    void forget_old(std::deque<int64_t>& failures, int64_t now_s) const;
    void make_room(int64_t now_s);

    const int limit_;
    const int64_t window_s_;
    std::mutex mutex_;
    std::map<std::string, std::deque<int64_t>> failures_;  // times, oldest first
};

}  // namespace asbb
