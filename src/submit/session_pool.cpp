#include "submit/session_pool.hpp"

#include "db/session.hpp"

namespace asbb::submit {

SessionPool::SessionPool(int size) : size_(size < 1 ? 1 : size) {
    // Idle plus leased sessions never exceed size_, so give_back's
    // push_back never allocates (and cannot throw).
    idle_.reserve(static_cast<size_t>(size_));
}

// Every lease has ended by now (fini runs when no call is inside the
// plugin); closing the idle sessions says goodbye to the server.
SessionPool::~SessionPool() = default;

SessionPool::Lease::Lease(SessionPool* pool, std::unique_ptr<db::DeadlineSession> session)
    : pool_(pool), session_(std::move(session)), reused_(session_ != nullptr) {}

SessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), session_(std::move(other.session_)), reused_(other.reused_) {
    other.pool_ = nullptr;
}

SessionPool::Lease::~Lease() {
    if (pool_ != nullptr) pool_->give_back(std::move(session_));
}

std::optional<SessionPool::Lease> SessionPool::acquire(Clock::time_point wait_until) {
    std::unique_ptr<db::DeadlineSession> session;
    {
        std::unique_lock lock(mutex_);
        if (!freed_.wait_until(lock, wait_until, [&] { return leased_ < size_; })) {
            return std::nullopt;
        }
        ++leased_;
        if (!idle_.empty()) {
            session = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    return Lease(this, std::move(session));
}

int SessionPool::leased() const {
    std::lock_guard lock(mutex_);
    return leased_;
}

void SessionPool::give_back(std::unique_ptr<db::DeadlineSession> session) noexcept {
    // A broken session is dropped here, outside the lock; it has no
    // connection left, so dropping it sends nothing.
    if (session && !session->connected()) session.reset();
    {
        std::lock_guard lock(mutex_);
        if (session) idle_.push_back(std::move(session));  // capacity reserved
        --leased_;
    }
    freed_.notify_one();
}

}  // namespace asbb::submit
