// A bounded set of database sessions for job_submit/budget. From SLURM 23.02
// slurmctld calls the plugin from several threads at once; one shared
// connection would make every submission wait for the previous one's round
// trips, and one connection per call could flood MariaDB (slurmctld runs up
// to 256 RPC threads). So at most `size` calls talk to the database at a
// time, each on its own session; a call that finds every slot taken waits
// for one, but only until the time it is given, and is then told "busy".
//
// The pool's mutex guards only its bookkeeping: no database round trip (not
// even closing a session) happens while it is held. Opening a session is the
// leaseholder's job, so the pool knows nothing about connecting.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace asbb::db {
class DeadlineSession;
}

namespace asbb::submit {

class SessionPool {
  public:
    using Clock = std::chrono::steady_clock;

    // size: how many calls may use the database at once (PluginSessions).
    explicit SessionPool(int size);
    ~SessionPool();
    SessionPool(const SessionPool&) = delete;
    SessionPool& operator=(const SessionPool&) = delete;

    // The right to use one slot's session until it is destroyed.
    class Lease {
      public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        // The slot's session: null when the slot has none yet or the last
        // one broke; the holder opens one into it. A session still
        // connected when the lease ends is kept for the next call.
        std::unique_ptr<db::DeadlineSession>& session() { return session_; }
        // True when the session was kept from an earlier call (it may have
        // died while idle).
        bool reused() const { return reused_; }

      private:
        friend class SessionPool;
        Lease(SessionPool* pool, std::unique_ptr<db::DeadlineSession> session);
        SessionPool* pool_;
        std::unique_ptr<db::DeadlineSession> session_;
        bool reused_ = false;
    };

    // A slot, or nothing when every slot stayed taken until wait_until.
    std::optional<Lease> acquire(Clock::time_point wait_until);

    int size() const { return size_; }
    int leased() const;

  private:
    void give_back(std::unique_ptr<db::DeadlineSession> session) noexcept;

    const int size_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    int leased_ = 0;
    std::vector<std::unique_ptr<db::DeadlineSession>> idle_;  // connected, not leased
};

}  // namespace asbb::submit
