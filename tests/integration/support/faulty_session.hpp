// Fault injection at the Session seam (the only fake in the test suite):
// wraps a real session and makes chosen statements fail the way MariaDB
// fails them (deadlock 1213, lock wait timeout 1205, lost connection 2013):
// before they reach the server, or after the server has run them (a reply
// lost after COMMIT, which the caller cannot tell from one lost before).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "db/session.hpp"

namespace asbb::test {

class FaultySession : public db::DeadlineSession {
  public:
    // fault(sql, call_no) returns the error code to raise for this call, or 0.
    using Fault = std::function<unsigned(std::string_view sql, int call_no)>;

    // before: raised instead of running the statement; after: raised once the
    // server has run it (its result is dropped).
    FaultySession(db::Session& real, Fault before, Fault after = nullptr)
        : real_(real), before_(std::move(before)), after_(std::move(after)) {}
    // Owns the real session: what an engine's session factory hands out.
    FaultySession(std::unique_ptr<db::DeadlineSession> owned, Fault before, Fault after = nullptr)
        : owned_(std::move(owned)),
          real_(*owned_),
          before_(std::move(before)),
          after_(std::move(after)) {}

    uint64_t exec(std::string_view sql, const db::Params& params = {}) override {
        maybe_fail(before_, sql);
        auto changed = real_.exec(sql, params);
        maybe_fail(after_, sql);
        return changed;
    }
    std::vector<db::Row> query(std::string_view sql, const db::Params& params = {}) override {
        maybe_fail(before_, sql);
        auto rows = real_.query(sql, params);
        maybe_fail(after_, sql);
        return rows;
    }
    uint64_t last_insert_id() override { return real_.last_insert_id(); }
    void run(std::string_view sql) override {
        maybe_fail(before_, sql);
        real_.run(sql);
        maybe_fail(after_, sql);
    }
    void run_script(std::string_view sql) override { real_.run_script(sql); }
    void set_deadline(std::optional<Clock::time_point> deadline) override {
        if (auto* timed = dynamic_cast<db::DeadlineSession*>(&real_)) timed->set_deadline(deadline);
    }
    std::optional<Clock::time_point> deadline() const override {
        auto* timed = dynamic_cast<const db::DeadlineSession*>(&real_);
        return timed == nullptr ? std::nullopt : timed->deadline();
    }
    bool connected() const override {
        auto* timed = dynamic_cast<const db::DeadlineSession*>(&real_);
        return !lost_ && (timed == nullptr || timed->connected());
    }

    int calls() const { return calls_; }

  private:
    void maybe_fail(const Fault& fault, std::string_view sql) {
        if (&fault == &before_) ++calls_;
        if (!fault) return;
        if (unsigned code = fault(sql, calls_)) {
            // A connection that lost a reply is not used again.
            if (db::classify_error(code) == db::DbErrorKind::kConnection) lost_ = true;
            throw db::DbError(db::classify_error(code), code,
                              "injected error " + std::to_string(code));
        }
    }

    std::unique_ptr<db::DeadlineSession> owned_;
    db::Session& real_;
    Fault before_;
    Fault after_;
    int calls_ = 0;
    bool lost_ = false;
};

}  // namespace asbb::test
