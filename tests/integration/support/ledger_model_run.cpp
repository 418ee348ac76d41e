#include "integration/support/ledger_model_run.hpp"

#include <sstream>

#include "db/budgets.hpp"
#include "db/check.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;

std::string describe(const std::optional<Shortfall>& s) {
    if (!s) return "none";
    std::ostringstream text;
    text << "{kind " << static_cast<int>(s->kind) << ", " << s->account << ", '" << s->partition
         << "', available " << s->available.micro << ", " << s->period_start << ".."
         << s->period_end << "}";
    return text.str();
}

const char* name_of(db::HoldOutcome outcome) {
    static const char* const kNames[] = {
        "placed",           "already placed", "id conflict",     "insufficient",
        "no active period", "not budgeted",   "unknown account", "stale"};
    return kNames[static_cast<int>(outcome)];
}

const char* name_of(db::ResizeOutcome outcome) {
    static const char* const kNames[] = {"resized", "unchanged", "insufficient", "no active period",
                                         "not open"};
    return kNames[static_cast<int>(outcome)];
}

const char* name_of(db::ChargeOutcome outcome) {
    static const char* const kNames[] = {"charged", "charged after close", "already charged",
                                         "unknown hold"};
    return kNames[static_cast<int>(outcome)];
}

bool same(const std::optional<Shortfall>& a, const std::optional<Shortfall>& b) {
    return describe(a) == describe(b);
}

}  // namespace

std::optional<std::string> ModelRun::run(int steps) {
    next_job_row_ = static_cast<int64_t>(seed_) * 1'000'000;
    op_ = "setup";
    setup();
    for (step_no_ = 1; step_no_ <= steps && !divergence_; ++step_no_) {
        step();
        if (divergence_) break;
        compare_balances();
        compare_holds();
    }
    if (!divergence_) {
        op_ = "teardown (budgets deleted with --force)";
        teardown();
    }
    return divergence_;
}

void ModelRun::expect(bool ok, const std::string& what) {
    if (ok || divergence_) return;
    std::ostringstream text;
    text << "seed " << seed_ << ", step " << step_no_ << " (" << op_ << "): " << what
         << "; replay: ASBB_MODEL_SEED=" << seed_;
    divergence_ = text.str();
}

std::string ModelRun::pick_account() {
    static const char* const kAccounts[] = {"proj001", "proj002", "chem", "physics", "root"};
    if (chance(3)) return "nosuch";
    return kAccounts[pick(0, 4)];
}

ModelHold* ModelRun::pick_hold(int open_percent) {
    std::vector<ModelHold*> open;
    std::vector<ModelHold*> any;
    for (auto& hold : model_.holds) {
        any.push_back(&hold);
        if (hold.open()) open.push_back(&hold);
    }
    if (any.empty()) return nullptr;
    if (!open.empty() && chance(open_percent)) return open[pick(0, int64_t(open.size()) - 1)];
    return any[pick(0, int64_t(any.size()) - 1)];
}

void ModelRun::make_budget(const std::string& account, int64_t allocation_micro) {
    db::NewBudget budget;
    budget.account = account;
    budget.period_start = now_s_ - 86'400;
    budget.period_end = now_s_ + 30 * 86'400;
    budget.allocation = Money{allocation_micro};
    budget.description = "model seed " + std::to_string(seed_);
    budget.actor = "model";
    budget.now_s = now_s_;
    auto id = db::create_budget(session_, slurm_, budget);
    expect(id.ok(), "create_budget " + account + ": " + (id.ok() ? "" : id.error()));
    if (!id.ok()) return;
    model_.budgets.push_back(
        {*id, account, allocation_micro, 0, 0, budget.period_start, budget.period_end});
}

// Budgets on every level (root on three seeds in four, chem on half: an
// account with no budget up its tree holds nothing) and a few partition
// limits, sized so that holds both fit and are refused.
void ModelRun::setup() {
    if (chance(75)) make_budget("root", pick(20, 200) * kDollar);
    make_budget("physics", pick(10, 100) * kDollar);
    make_budget("proj001", pick(5, 60) * kDollar);
    make_budget("proj002", pick(5, 60) * kDollar);
    if (chance(50)) make_budget("chem", pick(5, 40) * kDollar);
    for (size_t b = 0; b < model_.budgets.size() && !divergence_; ++b) {
        if (chance(40)) {
            op_ = "setup: partition limit";
            const std::string partition = pick_partition();
            const int64_t limit = pick(1, model_.budgets[b].allocated_micro / kDollar) * kDollar;
            auto done = db::set_partition_limit(session_, model_.budgets[b].db_id, partition,
                                                Money{limit}, now_s_);
            expect(done.ok(), "set_partition_limit refused: " + (done.ok() ? "" : done.error()));
            const auto rows = session_.query(
                "SELECT id FROM partition_limit WHERE budget_id = ? AND partition_name = ?",
                {model_.budgets[b].db_id, partition});
            model_.set_limit(b, partition, limit, rows.at(0).i64(0));
        }
    }
}

void ModelRun::step() {
    const int64_t roll = pick(1, 100);
    if (roll <= 26) return place();
    if (roll <= 34) return resize();
    if (roll <= 40) return move();
    if (roll <= 44) return link();
    if (roll <= 62) return charge();
    if (roll <= 68) return release(db::ReleaseKind::kRelease);
    if (roll <= 72) return release(db::ReleaseKind::kExpire);
    if (roll <= 74) return release(db::ReleaseKind::kClose);
    if (roll <= 79) return deposit();
    if (roll <= 84) return withdraw();
    if (roll <= 88) return update_allocation();
    if (roll <= 91) return update_period();
    if (roll <= 95) return set_limit();
    return true_up();
}

db::HoldRequest ModelRun::request_for(const std::string& account, const std::string& partition,
                                      const JobShape& shape, int64_t price_micro,
                                      int64_t factor_ppm) {
    db::HoldRequest request;
    request.id = make_hold_id(static_cast<uint64_t>(now_s_) * 1000, uint16_t(seed_), rng_());
    request.cluster = "lab";
    request.account = account;
    request.partition = partition;
    request.user_name = "alice";
    request.uid = 1001;
    request.shape = shape;
    request.node_hour_price = Money{price_micro};
    request.hold_factor_ppm = factor_ppm;
    request.size = size_hold(shape, Money{price_micro}, factor_ppm).value();
    request.now_s = now_s_;
    request.actor = "model";
    return request;
}

void ModelRun::place() {
    const std::string account = pick_account();
    const std::string partition = pick_partition();
    const db::HoldRequest request = request_for(
        account, partition, pick_shape(), pick(10'000, 2 * kDollar), kPpm + pick(0, 5) * 100'000);
    const int64_t amount = request.size.hold.micro;
    op_ = "place " + std::to_string(amount) + " on " + account + "/" + partition;
    const ModelVerdict verdict = model_.plan(account, partition, amount, now_s_);
    const db::HoldResult result = db::place_hold(session_, slurm_, request);
    note(std::string("place: ") + name_of(verdict.outcome));
    expect_eq(int(verdict.outcome), int(result.outcome), "outcome");
    expect(same(verdict.shortfall, result.shortfall),
           "shortfall: model " + describe(verdict.shortfall) + ", database " +
               describe(result.shortfall));
    if (verdict.outcome != db::HoldOutcome::kPlaced) return;
    expect_eq(int(verdict.levels.size()), result.level_count, "level count");
    ModelHold hold{request.id.hex(),
                   account,
                   partition,
                   request.shape,
                   request.node_hour_price.micro,
                   request.hold_factor_ppm,
                   amount,
                   amount,
                   0,
                   "pending",
                   verdict.levels,
                   std::nullopt};
    model_.move_held(hold.levels, amount, 0);
    model_.holds.push_back(std::move(hold));
}

void ModelRun::resize() {
    ModelHold* hold = pick_hold(90);
    if (hold == nullptr) return place();
    const JobShape shape = pick_shape();
    const HoldSize size = size_hold(shape, Money{hold->price_micro}, hold->factor_ppm).value();
    const int64_t delta = size.hold.micro - hold->held_micro;
    op_ = "resize " + hold->id + " to " + std::to_string(size.hold.micro);
    db::ResizeOutcome expected = db::ResizeOutcome::kResized;
    std::optional<Shortfall> shortfall;
    if (!hold->open() || hold->charged_micro != 0) {
        expected = db::ResizeOutcome::kNotOpen;
    } else if (delta == 0) {
        expected = db::ResizeOutcome::kUnchanged;
    } else if (delta > 0) {
        if (auto refused = model_.refusal(hold->levels, hold->partition, delta, now_s_)) {
            expected = refused->outcome == db::HoldOutcome::kNoActivePeriod
                           ? db::ResizeOutcome::kNoActivePeriod
                           : db::ResizeOutcome::kInsufficient;
            shortfall = refused->shortfall;
        }
    }
    const db::ResizeResult result = db::resize_hold(session_, hold->id, shape, "model", now_s_);
    note(std::string("resize: ") + name_of(expected));
    expect_eq(int(expected), int(result.outcome), "outcome");
    expect(same(shortfall, result.shortfall),
           "shortfall: model " + describe(shortfall) + ", database " + describe(result.shortfall));
    if (expected != db::ResizeOutcome::kResized) return;
    model_.move_held(hold->levels, delta, 0);
    hold->shape = shape;
    hold->amount_micro = hold->held_micro = size.hold.micro;
}

void ModelRun::move() {
    ModelHold* old_hold = pick_hold(90);
    if (old_hold == nullptr) return place();
    const std::string account = pick_account();
    const int64_t job_id = pick(1, 100'000);
    const db::HoldRequest request = request_for(account, old_hold->partition, old_hold->shape,
                                                old_hold->price_micro, old_hold->factor_ppm);
    const int64_t amount = request.size.hold.micro;
    op_ = "move " + old_hold->id + " to " + account;
    // Decided with the old hold given back: a parent both accounts share
    // holds the job's money once.
    LedgerModel released = model_;
    released.release(released.holds[size_t(old_hold - model_.holds.data())],
                     db::ReleaseKind::kRelease);
    ModelVerdict verdict = released.plan(account, old_hold->partition, amount, now_s_);
    const bool planned = verdict.outcome != db::HoldOutcome::kUnknownAccount &&
                         verdict.outcome != db::HoldOutcome::kNoActivePeriod;
    if (planned && !old_hold->open()) verdict = {db::HoldOutcome::kIdConflict, std::nullopt, {}};
    const std::string old_id = old_hold->id;
    const db::HoldResult result = db::move_hold(session_, slurm_, old_id, job_id, request);
    note(std::string("move: ") + name_of(verdict.outcome));
    expect_eq(int(verdict.outcome), int(result.outcome), "outcome");
    expect(same(verdict.shortfall, result.shortfall),
           "shortfall: model " + describe(verdict.shortfall) + ", database " +
               describe(result.shortfall));
    if (verdict.outcome != db::HoldOutcome::kPlaced &&
        verdict.outcome != db::HoldOutcome::kNotBudgeted) {
        return;
    }
    model_.release(*old_hold, db::ReleaseKind::kRelease);
    if (verdict.outcome != db::HoldOutcome::kPlaced) return;
    ModelHold moved{request.id.hex(),
                    account,
                    old_hold->partition,
                    request.shape,
                    old_hold->price_micro,
                    old_hold->factor_ppm,
                    amount,
                    amount,
                    0,
                    "linked",
                    verdict.levels,
                    job_id};
    model_.move_held(moved.levels, amount, 0);
    model_.holds.push_back(std::move(moved));  // old_hold is not used after this
}

void ModelRun::link() {
    ModelHold* hold = pick_hold(80);
    if (hold == nullptr) return place();
    const int64_t job_id = hold->job_id && chance(50) ? *hold->job_id : pick(1, 100'000);
    op_ = "link " + hold->id + " to job " + std::to_string(job_id);
    bool linked = false;
    if (hold->state == "pending") {
        hold->state = "linked";
        hold->job_id = job_id;
        linked = true;
    } else {
        linked = hold->job_id == job_id && (hold->state == "linked" || hold->state == "charged");
    }
    note(linked ? "link: linked" : "link: refused");
    expect_eq(linked, db::link_hold(session_, hold->id, "lab", job_id, now_s_), "linked");
}

void ModelRun::charge() {
    ModelHold* hold = pick_hold(85);
    if (hold == nullptr) return place();
    db::ChargeRequest request;
    request.hold_id = hold->id;
    request.actual = Money{pick(0, hold->held_micro * 3 / 2 + kDollar / 10)};
    request.cluster = "lab";
    request.job_id = hold->job_id;
    const bool again = !charged_rows_.empty() && chance(10);
    request.job_db_inx =
        again ? charged_rows_[pick(0, int64_t(charged_rows_.size()) - 1)] : ++next_job_row_;
    request.final_charge = chance(70);
    request.reason = "model charge";
    request.actor = "model";
    request.now_s = now_s_;
    op_ = "charge " + hold->id + " " + std::to_string(request.actual.micro) +
          (request.final_charge ? " final" : "") + (again ? " (a job row charged before)" : "");
    db::ChargeResult expected{db::ChargeOutcome::kAlreadyCharged, {}, {}, {}};
    if (!again) {
        expected = model_.charge(*hold, request.actual.micro, request.final_charge);
        charged_rows_.push_back(*request.job_db_inx);
    }
    const db::ChargeResult result =
        db::in_transaction(session_, [&] { return db::charge_hold(session_, request); });
    note(std::string("charge: ") + name_of(expected.outcome) +
         (expected.overrun.micro > 0 ? ", overrun" : ""));
    expect_eq(int(expected.outcome), int(result.outcome), "outcome");
    expect_eq(expected.charged.micro, result.charged.micro, "charged");
    expect_eq(expected.released.micro, result.released.micro, "released");
    expect_eq(expected.overrun.micro, result.overrun.micro, "overrun");
}

void ModelRun::release(db::ReleaseKind kind) {
    ModelHold* hold = pick_hold(85);
    if (hold == nullptr) return place();
    static const char* const kNames[] = {"release", "expire", "close"};
    op_ = std::string(kNames[int(kind)]) + " " + hold->id;
    const db::ReleaseResult expected = model_.release(*hold, kind);
    const db::ReleaseResult result = db::in_transaction(session_, [&] {
        return db::release_hold(session_, hold->id, kind, "model " + op_, "model", now_s_);
    });
    note(std::string(kNames[int(kind)]) + (expected.done ? ": done" : ": hold already closed"));
    expect_eq(expected.done, result.done, "done");
    expect_eq(expected.released.micro, result.released.micro, "released");
}

void ModelRun::deposit() {
    const size_t b = pick_budget();
    const int64_t amount = pick(1, 20 * kDollar);
    op_ = "deposit " + std::to_string(amount) + " on " + model_.budgets[b].account;
    model_.budgets[b].allocated_micro += amount;
    db::in_transaction(session_, [&] {
        db::deposit(session_, model_.budgets[b].db_id, Money{amount}, "model deposit", "model",
                    now_s_);
    });
}

void ModelRun::withdraw() {
    const size_t b = pick_budget();
    const int64_t amount = pick(1, 30 * kDollar);
    op_ = "withdraw " + std::to_string(amount) + " from " + model_.budgets[b].account;
    const bool expected = model_.withdraw(b, amount);
    const bool done = db::in_transaction(session_, [&] {
        return db::withdraw(session_, model_.budgets[b].db_id, Money{amount}, "model withdrawal",
                            "model", now_s_)
            .ok();
    });
    note(expected ? "withdraw: done" : "withdraw: refused");
    expect_eq(expected, done, "withdrawn");
}

void ModelRun::update_allocation() {
    const size_t b = pick_budget();
    const int64_t total = pick(0, 100) * kDollar;
    op_ = "update " + model_.budgets[b].account + " allocation to " + std::to_string(total);
    const int64_t delta = total - model_.budgets[b].allocated_micro;
    const bool expected = delta >= 0 ? true : model_.withdraw(b, -delta);
    if (delta > 0) model_.budgets[b].allocated_micro += delta;
    db::BudgetChange change;
    change.allocation = Money{total};
    change.actor = "model";
    change.now_s = now_s_;
    note(expected ? "update allocation: done" : "update allocation: refused");
    expect_eq(expected, db::update_budget(session_, slurm_, model_.budgets[b].db_id, change).ok(),
              "updated");
}

// Ends a budget's period (holds on it are then refused, and may not grow) or
// gives it a month again.
void ModelRun::update_period() {
    const size_t b = pick_budget();
    const int64_t end = chance(50) ? now_s_ - 60 : now_s_ + 30 * 86'400;
    op_ = "update " + model_.budgets[b].account + " period end to " + std::to_string(end);
    const bool moved = model_.budgets[b].period_end != end;
    model_.budgets[b].period_end = end;
    // A period that covers the seed's holds again counts those of its
    // subtree placed while it was ended; forced, so that the arithmetic is
    // what is compared here (the refusal has tests of its own).
    if (moved && end > now_s_) model_.attach_commitments(b);
    db::BudgetChange change;
    change.period_end = end;
    change.actor = "model";
    change.now_s = now_s_;
    change.force = true;
    auto done = db::update_budget(session_, slurm_, model_.budgets[b].db_id, change);
    expect(done.ok(), "update_budget refused: " + (done.ok() ? "" : done.error()));
}

void ModelRun::set_limit() {
    const size_t b = pick_budget();
    const std::string partition = pick_partition();
    const int64_t limit = pick(0, model_.budgets[b].allocated_micro * 6 / 5);
    op_ = "limit " + model_.budgets[b].account + "/" + partition + " to " + std::to_string(limit);
    auto done =
        db::set_partition_limit(session_, model_.budgets[b].db_id, partition, Money{limit}, now_s_);
    const auto rows =
        session_.query("SELECT id FROM partition_limit WHERE budget_id = ? AND partition_name = ?",
                       {model_.budgets[b].db_id, partition});
    const int64_t db_id = rows.empty() ? 0 : rows[0].i64(0);
    const bool expected = model_.set_limit(b, partition, limit, db_id);
    note(expected ? "set limit: done" : "set limit: refused");
    expect_eq(expected, done.ok(), "limit set");
}

// A true-up: what a hold's job was charged is corrected by a later figure.
void ModelRun::true_up() {
    ModelHold* hold = pick_hold(50);
    if (hold == nullptr) return place();
    const int64_t delta = pick(-2 * kDollar, 2 * kDollar);
    op_ = "true-up " + hold->id + " by " + std::to_string(delta);
    model_.move_held(hold->levels, 0, delta);
    hold->charged_micro += delta;
    const bool done = db::in_transaction(session_, [&] {
        return db::adjust_spent(session_, hold->id, Money{delta}, "model true-up", "model", now_s_);
    });
    expect(done, "adjust_spent found no hold");
}

std::string ModelRun::id_list(size_t count) const {
    std::string text;
    for (size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
    return text;
}

void ModelRun::compare_balances() {
    db::Params ids;
    for (const auto& b : model_.budgets) ids.push_back(b.db_id);
    const auto rows = session_.query(
        "SELECT allocated_micro, held_micro, spent_micro, period_end FROM budget WHERE id IN (" +
            id_list(ids.size()) + ") ORDER BY id",
        ids);
    expect_eq(model_.budgets.size(), rows.size(), "budgets");
    for (size_t i = 0; i < rows.size() && i < model_.budgets.size(); ++i) {
        const ModelBudget& b = model_.budgets[i];  // made in id order
        expect_eq(b.allocated_micro, rows[i].i64(0), b.account + " allocated");
        expect_eq(b.held_micro, rows[i].i64(1), b.account + " held");
        expect_eq(b.spent_micro, rows[i].i64(2), b.account + " spent");
        expect_eq(b.period_end, rows[i].i64(3), b.account + " period end");
    }
    for (const ModelLimit& l : model_.limits) {
        const auto row = session_.query(
            "SELECT limit_micro, held_micro, spent_micro FROM partition_limit WHERE id = ?",
            {l.db_id});
        const std::string name = model_.budgets[l.budget].account + "/" + l.partition;
        expect_eq(size_t{1}, row.size(), name + " limit rows");
        if (row.empty()) continue;
        expect_eq(l.limit_micro, row[0].i64(0), name + " limit");
        expect_eq(l.held_micro, row[0].i64(1), name + " limit held");
        expect_eq(l.spent_micro, row[0].i64(2), name + " limit spent");
    }
}

void ModelRun::compare_holds() {
    if (model_.holds.empty()) return;
    db::Params ids;
    for (const auto& h : model_.holds) ids.push_back(h.id);
    const auto rows = session_.query(
        "SELECT id, state, amount_micro, held_micro, charged_micro FROM hold WHERE id IN (" +
            id_list(ids.size()) + ")",
        ids);
    expect_eq(model_.holds.size(), rows.size(), "holds");
    for (const auto& row : rows) {
        for (const ModelHold& h : model_.holds) {
            if (h.id != row.str(0)) continue;
            expect_eq(h.state, row.str(1), "hold " + h.id + " state");
            expect_eq(h.amount_micro, row.i64(2), "hold " + h.id + " amount");
            expect_eq(h.held_micro, row.i64(3), "hold " + h.id + " held");
            expect_eq(h.charged_micro, row.i64(4), "hold " + h.id + " charged");
        }
    }
}

void ModelRun::check_ledger() {
    for (const db::Mismatch& m : db::check_ledger(session_)) {
        expect(false, "asbb check: " + m.table + " " + m.id + " " + m.field + " stored " +
                          std::to_string(m.stored_micro) + ", journal " +
                          std::to_string(m.journal_micro));
    }
}

// Leaves the database as the next seed needs it: no live budget, no open
// hold (delete --force releases them), and the ledger still balanced.
void ModelRun::teardown() {
    for (auto b = model_.budgets.rbegin(); b != model_.budgets.rend(); ++b) {
        auto done = db::delete_budget(session_, b->db_id, true, "model", now_s_);
        expect(done.ok(), "delete_budget " + b->account + ": " + (done.ok() ? "" : done.error()));
    }
    for (auto& hold : model_.holds) model_.release(hold, db::ReleaseKind::kRelease);
    compare_holds();
    check_ledger();
}

}  // namespace asbb::test
