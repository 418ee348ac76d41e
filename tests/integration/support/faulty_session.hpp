// Fault injection at the Session seam (the only fake in the test suite):
// wraps a real session and makes chosen statements fail the way MariaDB
// fails them (deadlock 1213, lock wait timeout 1205, lost connection 2013),
// before they reach the server.
#pragma once

#include <functional>
#include <string>

#include "db/session.hpp"

namespace asbb::test {

class FaultySession : public db::Session {
  public:
    // fault(sql, call_no) returns the error code to raise for this call, or 0.
    using Fault = std::function<unsigned(std::string_view sql, int call_no)>;

    FaultySession(db::Session& real, Fault fault) : real_(real), fault_(std::move(fault)) {}

    uint64_t exec(std::string_view sql, const db::Params& params = {}) override {
        maybe_fail(sql);
        return real_.exec(sql, params);
    }
    std::vector<db::Row> query(std::string_view sql, const db::Params& params = {}) override {
        maybe_fail(sql);
        return real_.query(sql, params);
    }
    uint64_t last_insert_id() override { return real_.last_insert_id(); }
    void run(std::string_view sql) override {
        maybe_fail(sql);
        real_.run(sql);
    }
    void run_script(std::string_view sql) override { real_.run_script(sql); }

    int calls() const { return calls_; }

  private:
    void maybe_fail(std::string_view sql) {
        ++calls_;
        if (unsigned code = fault_(sql, calls_)) {
            throw db::DbError(db::classify_error(code), code,
                              "injected error " + std::to_string(code));
        }
    }

    db::Session& real_;
    Fault fault_;
    int calls_ = 0;
};

}  // namespace asbb::test
