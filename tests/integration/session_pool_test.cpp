// The plugin's session pool on its own (no server needed: a slot's session
// starts empty and is opened by the leaseholder): at most `size` leases at
// once, a waiter gives up at its time, and a returned slot wakes a waiter.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "db/mariadb_session.hpp"
#include "submit/session_pool.hpp"

namespace asbb::test {
namespace {

using std::chrono::milliseconds;
using submit::SessionPool;

TEST(SessionPool, AtMostSizeLeasesThenTheWaiterGivesUp) {
    SessionPool pool(2);
    auto first = pool.acquire(SessionPool::Clock::now());
    auto second = pool.acquire(SessionPool::Clock::now());
    ASSERT_TRUE(first && second);
    EXPECT_EQ(pool.leased(), 2);
    EXPECT_FALSE(first->reused());  // nothing opened yet
    EXPECT_EQ(first->session(), nullptr);
    EXPECT_FALSE(pool.acquire(SessionPool::Clock::now() + milliseconds(20)).has_value());
    second.reset();
    EXPECT_EQ(pool.leased(), 1);
    EXPECT_TRUE(pool.acquire(SessionPool::Clock::now()).has_value());
}

TEST(SessionPool, AReturnedSlotWakesAWaiter) {
    SessionPool pool(1);
    auto held = pool.acquire(SessionPool::Clock::now());
    ASSERT_TRUE(held);
    auto waiter = std::async(std::launch::async, [&] {
        return pool.acquire(SessionPool::Clock::now() + std::chrono::seconds(60)).has_value();
    });
    EXPECT_EQ(waiter.wait_for(milliseconds(50)), std::future_status::timeout);
    held.reset();
    EXPECT_TRUE(waiter.get());
    EXPECT_EQ(pool.leased(), 0);
}

TEST(SessionPool, SizeIsAtLeastOne) {
    SessionPool pool(0);
    EXPECT_EQ(pool.size(), 1);
    auto only = pool.acquire(SessionPool::Clock::now());
    EXPECT_TRUE(only.has_value());
    EXPECT_FALSE(pool.acquire(SessionPool::Clock::now()).has_value());
}

}  // namespace
}  // namespace asbb::test
