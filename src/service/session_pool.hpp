// Database sessions for the service's workers: each request borrows one and
// gives it back; a session that failed on its connection is dropped, and the
// next borrower opens a new one.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "db/session.hpp"

namespace asbb::service {

class SessionPool {
  public:
    using Factory = std::function<std::unique_ptr<db::Session>()>;
    explicit SessionPool(Factory factory) : factory_(std::move(factory)) {}

    class Lease {
      public:
        Lease(SessionPool& pool, std::unique_ptr<db::Session> session)
            : pool_(pool), session_(std::move(session)) {}
        ~Lease() {
            if (session_ && !broken_) pool_.give_back(std::move(session_));
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        db::Session& operator*() { return *session_; }
        void mark_broken() { broken_ = true; }

      private:
        SessionPool& pool_;
        std::unique_ptr<db::Session> session_;
        bool broken_ = false;
    };

    // Throws db::DbError (kConnection) when a new session cannot connect.
    std::unique_ptr<Lease> borrow() {
        std::unique_ptr<db::Session> session;
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                session = std::move(idle_.back());
                idle_.pop_back();
            }
        }
        if (!session) session = factory_();
        return std::make_unique<Lease>(*this, std::move(session));
    }

  private:
    void give_back(std::unique_ptr<db::Session> session) {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(session));
    }

    Factory factory_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<db::Session>> idle_;
};

}  // namespace asbb::service
