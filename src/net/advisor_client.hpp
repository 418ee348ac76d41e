// The burst advisor's cost estimate (aws-slurm-burst-advisor), as the
// original asbb's client asks for it: POST {AdvisorURL}/api/v1/analyze with
// {account, partition, nodes, cpus, wall_time, timestamp} (and gpus, memory,
// job_script, metadata when set), "Authorization: Bearer <key>" when a key is
// configured; it reads estimated_cost, confidence and recommendation. A
// status other than 200, a non-empty "error", an answer that is not that
// JSON, or no answer within the timeout is a failure, and the caller falls
// back to the rate card. After a failure the advisor counts as unhealthy:
// for AdvisorHealthInterval calls fail at once, then GET {AdvisorURL}/health
// is probed before it is asked again. One deadline covers probe and call.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/expected.hpp"
#include "core/money.hpp"

namespace asbb::net {

struct AdvisorRequest {
    std::string account;
    std::string partition;
    int64_t nodes = 1;
    int64_t cpus = 1;
    std::string wall_time;  // as the user gave it ("04:00:00")
    int64_t timestamp_s = 0;
    int64_t gpus = 0;
    std::string memory;
    std::string job_script;
    std::map<std::string, std::string> metadata;
};

struct AdvisorEstimate {
    Money estimated_cost;
    int64_t confidence_ppm = 0;  // 0.85 -> 850000
    std::string recommendation;
};

struct AdvisorSettings {
    std::string url;  // base, without a trailing '/'
    std::string api_key;
    int64_t timeout_ms = 2'000;
    int64_t health_interval_s = 60;
};

// The request body the advisor receives (exposed for tests).
std::string advisor_request_json(const AdvisorRequest& request);

// Parses the advisor's answer body; the error says what was wrong.
Expected<AdvisorEstimate> parse_advisor_answer(const std::string& body);

// Thread-safe: the service's workers share one.
class AdvisorClient {
  public:
    explicit AdvisorClient(AdvisorSettings settings) : settings_(std::move(settings)) {}
    Expected<AdvisorEstimate> estimate(const AdvisorRequest& request);
    bool healthy() const;

  private:
    using Clock = std::chrono::steady_clock;
    void mark_failed();

    AdvisorSettings settings_;
    mutable std::mutex mutex_;
    bool healthy_ = true;
    Clock::time_point next_probe_{};
};

}  // namespace asbb::net
