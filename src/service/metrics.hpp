// What /metrics reports, in Prometheus' text format: requests by route and
// status, their latency as a histogram, holds placed through the API,
// database errors and refused credentials. Routes are the templates
// ("/api/v1/accounts/{account}"), never raw paths, so that a client cannot
// grow the label set.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace asbb::service {

class Metrics {
  public:
    void observe_request(const std::string& route, int status, int64_t latency_us);
    void count_hold() { holds_.fetch_add(1, std::memory_order_relaxed); }
    void count_db_error() { db_errors_.fetch_add(1, std::memory_order_relaxed); }
    void count_auth_failure() { auth_failures_.fetch_add(1, std::memory_order_relaxed); }
    std::string render() const;

    // Histogram bucket bounds in microseconds (le="0.0005" ... "10").
    static constexpr std::array<int64_t, 12> kBucketsUs = {500,     1'000,   2'500,     5'000,
                                                           10'000,  25'000,  50'000,    100'000,
                                                           250'000, 500'000, 1'000'000, 10'000'000};

  private:
    struct Latency {
        std::array<uint64_t, kBucketsUs.size()> buckets{};
        uint64_t count = 0;
        int64_t sum_us = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;
    std::map<std::string, Latency> latency_;
    std::atomic<uint64_t> holds_{0};
    std::atomic<uint64_t> db_errors_{0};
    std::atomic<uint64_t> auth_failures_{0};
};

}  // namespace asbb::service
