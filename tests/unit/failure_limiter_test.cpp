// core/failure_limiter: failed API token attempts per client address
// (issue 12, item 7). On a clock the test moves.
#include "core/failure_limiter.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

TEST(FailureLimiter, RefusesAnAddressOverItsLimitUntilTheWindowPasses) {
    FailureLimiter limiter(3, 60);
    for (int64_t t : {100, 110, 120}) {
        EXPECT_EQ(limiter.retry_after_s("10.0.0.1", t), 0) << t;
        limiter.record_failure("10.0.0.1", t);
    }
    // Three failures: refused until the first leaves the window (100 + 60).
    EXPECT_EQ(limiter.retry_after_s("10.0.0.1", 121), 39);
    EXPECT_EQ(limiter.retry_after_s("10.0.0.1", 159), 1);
    EXPECT_EQ(limiter.retry_after_s("10.0.0.1", 160), 0);
    // Another address is not affected.
    EXPECT_EQ(limiter.retry_after_s("10.0.0.2", 121), 0);
}

TEST(FailureLimiter, KeepsABoundedNumberOfAddresses) {
    // A window longer than the test, so that no failure leaves it: room is
    // made by dropping the address that failed least recently.
    FailureLimiter limiter(1, 1'000'000);
    constexpr size_t kMax = FailureLimiter::kMaxTrackedAddresses;
    for (size_t i = 0; i < kMax + 100; ++i) {
        limiter.record_failure("a" + std::to_string(i), static_cast<int64_t>(i));
    }
    const int64_t now_s = kMax + 100;
    for (size_t i : {size_t{0}, size_t{99}}) {
        EXPECT_EQ(limiter.retry_after_s("a" + std::to_string(i), now_s), 0) << i;
    }
    for (size_t i : {size_t{100}, kMax + 99}) {
        EXPECT_GT(limiter.retry_after_s("a" + std::to_string(i), now_s), 0) << i;
    }
}

}  // namespace
}  // namespace asbb
