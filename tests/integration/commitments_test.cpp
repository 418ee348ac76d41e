// Issue 12, item 6: a budget made under open commitments counts them. A
// child holds money (and was charged) before its parent has a budget; the
// parent's budget, made on `account create` or reaching back over them on
// `account update --start`, takes the subtree's holds placed in its period
// (held) and their charges (spent), with a journal row that says so; the
// next hold below is judged against what is left; the release of an
// attached hold frees the parent too; `asbb check` stays balanced. A budget
// they already overcommit is refused with the figures and nothing written,
// unless --force, which shows it overcommitted.
#include <atomic>
#include <thread>

#include "db/budgets.hpp"
#include "db/check.hpp"
#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;
constexpr int64_t kNow = 1'773'576'000;  // 2026-03-15T12:00:00Z

class Commitments : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kNow);
        CliTest::SetUp();
        out({"account", "create", "--name=proj001", "--budget=100", "--start=2026-01-01",
             "--end=2026-12-31"});
        // $9.79 held by an open hold; $3 held, $2 charged by a closed one.
        open_hold_ = place("proj001", 9'790'000);
        const std::string closed = place("proj001", 3 * kDollar);
        db::ChargeRequest charge;
        charge.hold_id = closed;
        charge.actual = Money{2 * kDollar};
        charge.cluster = "lab";
        charge.job_id = 7;
        charge.job_db_inx = 70;
        charge.now_s = kNow;
        db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }

    std::string place(const std::string& account, int64_t amount_micro,
                      db::HoldOutcome want = db::HoldOutcome::kPlaced) {
        auto request = hold_request(account, amount_micro);
        request.now_s = kNow;
        EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, want) << account;
        return request.id.hex();
    }
    std::string figures(const std::string& account) {
        return out({"account", "show", account, "-P", "-n", "format=Budget,Spent,Held,Available"});
    }
    void expect_balanced() {
        for (const auto& m : db::check_ledger(session())) {
            ADD_FAILURE() << "asbb check: " << m.table << " " << m.id << " " << m.field;
        }
    }

    std::string open_hold_;
};

TEST_F(Commitments, CreateCountsTheSubtreesHoldsAndCharges) {
    out({"account", "create", "--name=physics", "--budget=15", "--start=2026-01-01",
         "--end=2026-12-31"});
    // 15 - 2 spent - 9.79 held = 3.21.
    EXPECT_EQ(figures("physics"), "15.00|2.00|9.79|3.21\n");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal j JOIN budget b ON b.id = j.budget_id"
                     " WHERE b.account = 'physics' AND j.kind = 'adjust' AND j.reason ="
                     " 'counted 2 hold(s) placed in this period before the budget:"
                     " 9.79 held, 2.00 charged'"),
              1);
    expect_balanced();
    // The next hold below is judged against what is left at physics.
    place("proj001", 5 * kDollar, db::HoldOutcome::kInsufficient);
    place("proj001", 3 * kDollar);
    EXPECT_EQ(figures("physics"), "15.00|2.00|12.79|0.21\n");
    // Releasing the attached hold frees physics too.
    db::in_transaction(session(), [&] {
        return db::release_hold(session(), open_hold_, db::ReleaseKind::kRelease, "done", "test",
                                kNow);
    });
    EXPECT_EQ(figures("physics"), "15.00|2.00|3.00|10.00\n");
    expect_balanced();
}

TEST_F(Commitments, ABudgetTheyAlreadyOvercommitIsRefusedUnlessForced) {
    expect_refused({"account", "create", "--name=physics", "--budget=10", "--start=2026-01-01",
                    "--end=2026-12-31"},
                   1,
                   "account physics and the accounts below it already have 9.79 held and "
                   "2.00 charged in this period (2 hold(s)): a budget of 10.00 would be "
                   "overcommitted by 1.79 (--force makes it anyway)");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM budget WHERE account = 'physics'"), 0);
    out({"account", "create", "--name=physics", "--budget=10", "--start=2026-01-01",
         "--end=2026-12-31", "--force"});
    EXPECT_EQ(figures("physics"), "10.00|2.00|9.79|-1.79\n");
    place("proj001", 1 * kDollar, db::HoldOutcome::kInsufficient);
    expect_balanced();
}

TEST_F(Commitments, UpdateStartReachingBackCountsThemOnce) {
    // A period that starts after the holds were placed does not count them.
    out({"account", "create", "--name=physics", "--budget=15", "--start=2026-03-16",
         "--end=2026-12-31"});
    EXPECT_EQ(figures("physics"), "15.00|0.00|0.00|15.00\n");
    expect_refused({"account", "update", "physics", "--budget=10", "--start=2026-03-01"}, 1,
                   "would be overcommitted by 1.79");
    out({"account", "update", "physics", "--start=2026-03-01"});
    EXPECT_EQ(figures("physics"), "15.00|2.00|9.79|3.21\n");
    // Moving it again counts nothing twice.
    out({"account", "update", "physics", "--start=2026-02-01"});
    EXPECT_EQ(figures("physics"), "15.00|2.00|9.79|3.21\n");
    expect_balanced();
    // A hold of proj001 lists physics after proj001 among its levels.
    EXPECT_EQ(scalar("SELECT l.level_no FROM hold_level l JOIN budget b ON b.id = l.budget_id"
                     " WHERE l.hold_id = ? AND b.account = 'physics'",
                     {open_hold_}),
              1);
}

TEST_F(Commitments, HoldsRacingTheBudgetsCreationAreAllCounted) {
    // Four sessions place holds below physics while a fifth makes physics's
    // budget: every hold placed in its period ends up counting against it,
    // whether it was placed before (attached), during (waited, then
    // attached or planned again) or after (planned with it).
    std::atomic<bool> go{false};
    std::atomic<int> placed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            auto own = connect();
            while (!go.load()) std::this_thread::yield();
            for (int i = 0; i < 25; ++i) {
                auto request = hold_request("proj001", 100'000);
                request.now_s = kNow;
                if (db::place_hold(*own, slurm(), request).outcome == db::HoldOutcome::kPlaced) {
                    ++placed;
                }
            }
        });
    }
    auto admin = connect();
    db::NewBudget budget;
    budget.account = "physics";
    budget.allocation = Money{1000 * kDollar};
    budget.period_start = kNow - 30 * 86'400;
    budget.period_end = kNow + 30 * 86'400;
    budget.actor = "test";
    budget.now_s = kNow;
    go = true;
    while (placed.load() < 20) std::this_thread::yield();
    ASSERT_TRUE(db::create_budget(*admin, slurm(), budget).ok());
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(placed.load(), 100);
    // Every hold of proj001 with money on it has a level on physics.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold h WHERE h.account = 'proj001'"
                     " AND (h.held_micro > 0 OR h.charged_micro > 0) AND NOT EXISTS"
                     " (SELECT 1 FROM hold_level l JOIN budget b ON b.id = l.budget_id"
                     "  WHERE l.hold_id = h.id AND b.account = 'physics')"),
              0);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE account = 'physics'"),
              scalar("SELECT SUM(held_micro) FROM hold WHERE account = 'proj001'"));
    expect_balanced();
}

}  // namespace
}  // namespace asbb::test
