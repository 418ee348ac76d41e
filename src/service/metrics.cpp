#include "service/metrics.hpp"

namespace asbb::service {

namespace {

// Seconds with six decimals from microseconds, without floating point.
std::string seconds_text(int64_t us) {
    std::string frac = std::to_string(us % 1'000'000);
    frac.insert(0, 6 - frac.size(), '0');
    while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
    return std::to_string(us / 1'000'000) + "." + frac;
}

}  // namespace

void Metrics::observe_request(const std::string& route, int status, int64_t latency_us) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
    Latency& latency = latency_[route];
    for (size_t i = 0; i < kBucketsUs.size(); ++i) {
        if (latency_us <= kBucketsUs[i]) ++latency.buckets[i];
    }
    ++latency.count;
    latency.sum_us += latency_us;
}

std::string Metrics::render() const {
    std::string out;
    std::lock_guard lock(mutex_);
    out += "# HELP asbb_http_requests_total Requests answered, by route and status.\n";
    out += "# TYPE asbb_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        out += "asbb_http_requests_total{route=\"" + key.first + "\",status=\"" +
               std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
    }
    out += "# HELP asbb_http_request_duration_seconds Time to answer a request, by route.\n";
    out += "# TYPE asbb_http_request_duration_seconds histogram\n";
    for (const auto& [route, latency] : latency_) {
        const std::string name = "asbb_http_request_duration_seconds";
        for (size_t i = 0; i < kBucketsUs.size(); ++i) {
            out += name + "_bucket{route=\"" + route + "\",le=\"" + seconds_text(kBucketsUs[i]) +
                   "\"} " + std::to_string(latency.buckets[i]) + "\n";
        }
        out += name + "_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
               std::to_string(latency.count) + "\n";
        out += name + "_sum{route=\"" + route + "\"} " + seconds_text(latency.sum_us) + "\n";
        out += name + "_count{route=\"" + route + "\"} " + std::to_string(latency.count) + "\n";
    }
    out += "# HELP asbb_holds_placed_total Holds placed through /api/v1/budget/check.\n";
    out += "# TYPE asbb_holds_placed_total counter\n";
    out += "asbb_holds_placed_total " + std::to_string(holds_.load()) + "\n";
    out += "# HELP asbb_db_errors_total Requests that failed on a database error.\n";
    out += "# TYPE asbb_db_errors_total counter\n";
    out += "asbb_db_errors_total " + std::to_string(db_errors_.load()) + "\n";
    out += "# HELP asbb_auth_failures_total Requests refused for a missing or bad credential.\n";
    out += "# TYPE asbb_auth_failures_total counter\n";
    out += "asbb_auth_failures_total " + std::to_string(auth_failures_.load()) + "\n";
    return out;
}

}  // namespace asbb::service
