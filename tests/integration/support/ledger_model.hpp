// The reference model for tests/integration/ledger_model_test.cpp, after
// TigerBeetle's auditor: an in-memory ledger written from asbb's rules as
// asbb(1) and db/ledger.hpp state them, not from the SQL that implements
// them. The test runs the same operations on a real MariaDB and here, and
// compares every outcome and every balance after each step.
//
// The rules it encodes:
//   - a hold counts against the account's budget and every budgeted
//     ancestor's, leaf first, and against a partition limit on any of those
//     budgets; a budgeted account whose period does not cover now refuses it;
//   - a level refuses what it has not available (allocated - spent - held);
//   - a charge takes what it can from the hold, spends the whole amount on
//     every level (an overrun is spent beyond the hold), and a final charge
//     gives the rest back; a charge of a closed hold is spent in full;
//   - a job row is charged once;
//   - a withdrawal never leaves a budget below nothing available;
//   - a limit may not exceed its budget's allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/hold_sizing.hpp"
#include "core/shortfall.hpp"
#include "db/ledger.hpp"

namespace asbb::test {

struct ModelBudget {
    int64_t db_id = 0;
    std::string account;
    int64_t allocated_micro = 0;
    int64_t held_micro = 0;
    int64_t spent_micro = 0;
    int64_t period_start = 0;
    int64_t period_end = 0;
    int64_t available_micro() const { return allocated_micro - spent_micro - held_micro; }
};

struct ModelLimit {
    int64_t db_id = 0;
    size_t budget = 0;  // index into LedgerModel::budgets
    std::string partition;
    int64_t limit_micro = 0;
    int64_t held_micro = 0;
    int64_t spent_micro = 0;
    int64_t available_micro() const { return limit_micro - spent_micro - held_micro; }
};

struct ModelLevel {
    size_t budget = 0;
    LevelKind kind = LevelKind::kAccount;
    std::optional<size_t> limit;
};

struct ModelHold {
    std::string id;
    std::string account;
    std::string partition;
    JobShape shape;
    int64_t price_micro = 0;
    int64_t factor_ppm = kPpm;
    int64_t amount_micro = 0;
    int64_t held_micro = 0;
    int64_t charged_micro = 0;
    std::string state = "pending";
    std::vector<ModelLevel> levels;
    std::optional<int64_t> job_id;
    bool open() const { return state == "pending" || state == "linked"; }
};

// What placing (or growing) a hold should answer.
struct ModelVerdict {
    db::HoldOutcome outcome = db::HoldOutcome::kPlaced;
    std::optional<Shortfall> shortfall;
    std::vector<ModelLevel> levels;
};

class LedgerModel {
  public:
    // The demo tree of tests/integration/support/test_db.cpp.
    static std::vector<std::string> path_of(const std::string& account);

    std::optional<size_t> budget_of(const std::string& account) const;
    std::optional<size_t> limit_of(size_t budget, const std::string& partition) const;

    // Where a new hold of amount would go, and whether it fits now.
    ModelVerdict plan(const std::string& account, const std::string& partition,
                      int64_t amount_micro, int64_t now_s) const;
    // Whether these levels take amount more now (growth of a hold).
    std::optional<ModelVerdict> refusal(const std::vector<ModelLevel>& levels,
                                        const std::string& partition, int64_t amount_micro,
                                        int64_t now_s) const;

    void move_held(const std::vector<ModelLevel>& levels, int64_t held_delta_micro,
                   int64_t spent_delta_micro);
    db::ChargeResult charge(ModelHold& hold, int64_t actual_micro, bool final_charge);
    db::ReleaseResult release(ModelHold& hold, db::ReleaseKind kind);
    bool withdraw(size_t budget, int64_t amount_micro);
    bool set_limit(size_t budget, const std::string& partition, int64_t limit_micro, int64_t db_id);
    // A budget whose period now covers the holds (all placed at one
    // instant in a seed) takes those of its subtree not yet on it, as
    // db::attach_commitments does.
    void attach_commitments(size_t budget);

    std::vector<ModelBudget> budgets;
    std::vector<ModelLimit> limits;
    std::vector<ModelHold> holds;
};

}  // namespace asbb::test
