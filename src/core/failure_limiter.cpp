#include "core/failure_limiter.hpp"

namespace asbb {

void FailureLimiter::forget_old(std::deque<int64_t>& failures, int64_t now_s) const {
    while (!failures.empty() && failures.front() <= now_s - window_s_) failures.pop_front();
}

int64_t FailureLimiter::retry_after_s(const std::string& address, int64_t now_s) {
    std::lock_guard lock(mutex_);
    auto found = failures_.find(address);
    if (found == failures_.end()) return 0;
    forget_old(found->second, now_s);
    if (found->second.size() < static_cast<size_t>(limit_)) return 0;
    // Free again when enough old failures leave the window to make room
    // for one more.
    const size_t excess = found->second.size() - static_cast<size_t>(limit_);
    return found->second[excess] + window_s_ - now_s;
}

void FailureLimiter::make_room(int64_t now_s) {
    for (auto it = failures_.begin(); it != failures_.end();) {
        forget_old(it->second, now_s);
        it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() < kMaxTrackedAddresses) return;
    auto stalest = failures_.begin();
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
        if (it->second.back() < stalest->second.back()) stalest = it;
    }
    failures_.erase(stalest);
}

void FailureLimiter::record_failure(const std::string& address, int64_t now_s) {
    std::lock_guard lock(mutex_);
    if (!failures_.contains(address) && failures_.size() >= kMaxTrackedAddresses) {
        make_room(now_s);
    }
    auto& failures = failures_[address];
    forget_old(failures, now_s);
    failures.push_back(now_s);
    // More than the limit need not be kept: refusal already holds.
    while (failures.size() > static_cast<size_t>(limit_) + 1) failures.pop_front();
}

}  // namespace asbb
