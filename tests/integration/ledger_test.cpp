// The ledger operations against a real MariaDB: hold levels, refusals that
// name their level, idempotency, charge/release/expire, and asbb check.
#include <thread>

#include "db/budgets.hpp"
#include "db/check.hpp"
#include "db/ledger_view.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;

class LedgerOps : public LedgerTest {};

TEST_F(LedgerOps, HoldCountsAgainstAccountAndEveryBudgetedAncestor) {
    const int64_t root = make_budget("root", 1000 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    // physics has no budget: it is skipped, root still counts.
    auto result = db::place_hold(session(), slurm(), hold_request("proj001", 30 * kDollar));
    ASSERT_EQ(result.outcome, db::HoldOutcome::kPlaced);
    EXPECT_EQ(result.level_count, 2);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {root}), 30 * kDollar);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {proj}), 30 * kDollar);
    EXPECT_EQ(count("journal"), 3);  // two initial deposits and one hold
}

TEST_F(LedgerOps, RefusalNamesTheLevelThatLacksFunds) {
    make_budget("root", 1000 * kDollar);
    make_budget("physics", 50 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    make_limit(proj, "aws-gpu", 10 * kDollar);

    auto own = db::place_hold(session(), slurm(), hold_request("proj001", 101 * kDollar));
    ASSERT_EQ(own.outcome, db::HoldOutcome::kInsufficient);
    EXPECT_EQ(own.shortfall->kind, db::LevelKind::kAccount);
    EXPECT_EQ(own.shortfall->account, "proj001");
    EXPECT_EQ(own.shortfall->available.micro, 100 * kDollar);

    auto parent = db::place_hold(session(), slurm(), hold_request("proj001", 60 * kDollar));
    ASSERT_EQ(parent.outcome, db::HoldOutcome::kInsufficient);
    EXPECT_EQ(parent.shortfall->kind, db::LevelKind::kAncestor);
    EXPECT_EQ(parent.shortfall->account, "physics");
    EXPECT_EQ(parent.shortfall->available.micro, 50 * kDollar);

    auto limit =
        db::place_hold(session(), slurm(), hold_request("proj001", 11 * kDollar, "aws-gpu"));
    ASSERT_EQ(limit.outcome, db::HoldOutcome::kInsufficient);
    EXPECT_EQ(limit.shortfall->kind, db::LevelKind::kPartitionLimit);
    EXPECT_EQ(limit.shortfall->partition, "aws-gpu");
    EXPECT_EQ(limit.shortfall->available.micro, 10 * kDollar);

    // Nothing was written by any refusal.
    EXPECT_EQ(count("hold"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind <> 'deposit'"), 0);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 0);
}

TEST_F(LedgerOps, AccountsWithoutBudgetsAnywhereAreNotBudgeted) {
    make_budget("physics", 10 * kDollar);
    auto chem = db::place_hold(session(), slurm(), hold_request("chem", 5 * kDollar));
    EXPECT_EQ(chem.outcome, db::HoldOutcome::kNotBudgeted);
    auto unknown = db::place_hold(session(), slurm(), hold_request("nosuch", 5 * kDollar));
    EXPECT_EQ(unknown.outcome, db::HoldOutcome::kUnknownAccount);
    EXPECT_EQ(count("hold"), 0);
}

TEST_F(LedgerOps, BudgetOutsideItsPeriodRefusesWithNoActivePeriod) {
    db::NewBudget past;
    past.account = "proj001";
    past.period_start = now_s_ - 400 * 86'400;
    past.period_end = now_s_ - 35 * 86'400;
    past.allocation = Money{100 * kDollar};
    past.now_s = now_s_;
    ASSERT_TRUE(db::create_budget(session(), slurm(), past).ok());
    auto result = db::place_hold(session(), slurm(), hold_request("proj001", kDollar));
    ASSERT_EQ(result.outcome, db::HoldOutcome::kNoActivePeriod);
    EXPECT_EQ(result.shortfall->account, "proj001");
    EXPECT_EQ(result.shortfall->period_end, past.period_end);
}

TEST_F(LedgerOps, SameHoldIdTwiceLeavesOneHoldAndOneJournalRow) {
    make_budget("proj001", 100 * kDollar);
    auto request = hold_request("proj001", 7 * kDollar);
    EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kAlreadyPlaced);
    auto different = request;
    different.size.hold = Money{8 * kDollar};
    EXPECT_EQ(db::place_hold(session(), slurm(), different).outcome, db::HoldOutcome::kIdConflict);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'hold'"), 1);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget"), 7 * kDollar);
}

TEST_F(LedgerOps, SameHoldIdPlacedConcurrentlyLeavesOneHold) {
    make_budget("proj001", 100 * kDollar);
    const auto request = hold_request("proj001", 7 * kDollar);
    constexpr int kRacers = 16;
    std::vector<db::HoldOutcome> outcomes(kRacers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
        threads.emplace_back([&, i] {
            auto own = connect();
            outcomes[i] = db::place_hold(*own, slurm(), request).outcome;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), db::HoldOutcome::kPlaced), 1);
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), db::HoldOutcome::kAlreadyPlaced),
              kRacers - 1);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'hold'"), 1);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget"), 7 * kDollar);
}

TEST_F(LedgerOps, ChargeReleasesTheRestAndIsOncePerJobRow) {
    const int64_t physics = make_budget("physics", 500 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    auto request = hold_request("proj001", 40 * kDollar);
    ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);

    db::ChargeRequest charge;
    charge.hold_id = request.id.hex();
    charge.actual = Money{25 * kDollar};
    charge.cluster = "lab";
    charge.job_id = 42;
    charge.job_db_inx = 1001;
    charge.now_s = now_s_;
    auto first = db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });
    EXPECT_EQ(first.outcome, db::ChargeOutcome::kCharged);
    EXPECT_EQ(first.released.micro, 15 * kDollar);
    EXPECT_EQ(first.overrun.micro, 0);
    auto again = db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });
    EXPECT_NE(again.outcome, db::ChargeOutcome::kCharged);

    for (int64_t id : {physics, proj}) {
        EXPECT_EQ(scalar("SELECT spent_micro FROM budget WHERE id = ?", {id}), 25 * kDollar);
        EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {id}), 0);
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(LedgerOps, OverrunIsChargedInFullAndBlocksTheNextHold) {
    const int64_t proj = make_budget("proj001", 50 * kDollar);
    auto request = hold_request("proj001", 40 * kDollar);
    ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    db::ChargeRequest charge;
    charge.hold_id = request.id.hex();
    charge.actual = Money{60 * kDollar};
    charge.cluster = "lab";
    charge.job_db_inx = 7;
    charge.now_s = now_s_;
    auto result = db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });
    EXPECT_EQ(result.overrun.micro, 20 * kDollar);
    EXPECT_EQ(scalar("SELECT allocated_micro - spent_micro - held_micro FROM budget WHERE id = ?",
                     {proj}),
              -10 * kDollar);
    auto next = db::place_hold(session(), slurm(), hold_request("proj001", 1));
    EXPECT_EQ(next.outcome, db::HoldOutcome::kInsufficient);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(LedgerOps, ReleaseAndExpireGiveBackEverythingOnce) {
    make_budget("proj001", 50 * kDollar);
    auto a = hold_request("proj001", 10 * kDollar);
    auto b = hold_request("proj001", 5 * kDollar);
    ASSERT_EQ(db::place_hold(session(), slurm(), a).outcome, db::HoldOutcome::kPlaced);
    ASSERT_EQ(db::place_hold(session(), slurm(), b).outcome, db::HoldOutcome::kPlaced);
    auto released = db::in_transaction(session(), [&] {
        return db::release_hold(session(), a.id.hex(), db::ReleaseKind::kRelease, "cancelled", "t",
                                now_s_);
    });
    EXPECT_TRUE(released.done);
    auto twice = db::in_transaction(session(), [&] {
        return db::release_hold(session(), a.id.hex(), db::ReleaseKind::kRelease, "again", "t",
                                now_s_);
    });
    EXPECT_FALSE(twice.done);
    auto expired = db::in_transaction(session(), [&] {
        return db::release_hold(session(), b.id.hex(), db::ReleaseKind::kExpire, "orphan", "t",
                                now_s_);
    });
    EXPECT_TRUE(expired.done);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget"), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold WHERE state = 'expired'"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(LedgerOps, WithdrawNeverLeavesLessThanNothing) {
    const int64_t proj = make_budget("proj001", 50 * kDollar);
    ASSERT_EQ(db::place_hold(session(), slurm(), hold_request("proj001", 30 * kDollar)).outcome,
              db::HoldOutcome::kPlaced);
    auto too_much = db::in_transaction(session(), [&] {
        return db::withdraw(session(), proj, Money{21 * kDollar}, "r", "t", now_s_);
    });
    EXPECT_FALSE(too_much.ok());
    auto fine = db::in_transaction(session(), [&] {
        return db::withdraw(session(), proj, Money{20 * kDollar}, "r", "t", now_s_);
    });
    EXPECT_TRUE(fine.ok());
    EXPECT_EQ(scalar("SELECT allocated_micro FROM budget"), 30 * kDollar);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(LedgerOps, CheckDetectsABalanceAlteredBehindItsBack) {
    const int64_t proj = make_budget("proj001", 50 * kDollar);
    ASSERT_EQ(db::place_hold(session(), slurm(), hold_request("proj001", 3 * kDollar)).outcome,
              db::HoldOutcome::kPlaced);
    ASSERT_TRUE(db::check_ledger(session()).empty());
    session().exec("UPDATE budget SET held_micro = held_micro + 1 WHERE id = ?", {proj});
    auto mismatches = db::check_ledger(session());
    ASSERT_EQ(mismatches.size(), 1u);
    EXPECT_EQ(mismatches[0].table, "budget");
    EXPECT_EQ(mismatches[0].field, "held_micro");
    EXPECT_EQ(mismatches[0].stored_micro, 3 * kDollar + 1);
    EXPECT_EQ(mismatches[0].journal_micro, 3 * kDollar);

    // The CLI reports it and exits 1.
    auto result = run_cli({"--config=" + write_config(), "check"});
    EXPECT_EQ(result.status, 1);
    EXPECT_NE(result.out.find("held_micro"), std::string::npos);
    EXPECT_NE(result.err.find("1 balance(s) differ"), std::string::npos);
}

TEST_F(LedgerOps, AdjustMovesSpentOnEveryLevelOfTheHold) {
    const int64_t physics = make_budget("physics", 500 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    auto request = hold_request("proj001", 40 * kDollar);
    ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    db::ChargeRequest charge;
    charge.hold_id = request.id.hex();
    charge.actual = Money{25 * kDollar};
    charge.cluster = "lab";
    charge.job_db_inx = 5;
    charge.now_s = now_s_;
    db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });
    // A late actual-cost file says the run cost $2.50 less.
    bool adjusted = db::in_transaction(session(), [&] {
        return db::adjust_spent(session(), request.id.hex(), Money{-2'500'000}, "cost file", "t",
                                now_s_);
    });
    EXPECT_TRUE(adjusted);
    for (int64_t id : {physics, proj}) {
        EXPECT_EQ(scalar("SELECT spent_micro FROM budget WHERE id = ?", {id}), 22'500'000);
    }
    EXPECT_EQ(scalar("SELECT charged_micro FROM hold"), 22'500'000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'adjust'"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
    EXPECT_FALSE(db::in_transaction(session(), [&] {
        return db::adjust_spent(session(), std::string(32, '0'), Money{1}, "x", "t", now_s_);
    }));
}

TEST_F(LedgerOps, JournalIsAppendOnlyInTheServer) {
    make_budget("proj001", 50 * kDollar);
    EXPECT_THROW(session().exec("UPDATE journal SET amount_micro = 1"), db::DbError);
    EXPECT_THROW(session().exec("DELETE FROM journal"), db::DbError);
    EXPECT_EQ(scalar("SELECT amount_micro FROM journal"), 50 * kDollar);
}

// A plugin loaded before migration 010 calls 009's asbb_place_hold with its
// levels as JSON until slurmctld is restarted: the adapter must write what
// asbb_place_hold_ids writes (same levels, same journal, same balances).
TEST_F(LedgerOps, The009HoldProcedureWritesWhatTheNewOneWrites) {
    const int64_t root = make_budget("root", 1000 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    const int64_t limit = make_limit(proj, "aws-cpu", 50 * kDollar);
    const uint64_t generation = db::read_ledger_generation(session());
    const std::string id_new(32, 'a');
    const std::string id_old(32, 'b');
    const std::string hold_args =
        "?, 'lab', 'proj001', 'aws-cpu', 'alice', 1001, 1, 3600, 1, 1000000, 1000000, 1000000,"
        " 3000000, ?, 'test', 'test'";
    const std::string levels =
        std::to_string(proj) + ":" + std::to_string(limit) + "," + std::to_string(root) + ":0";
    auto placed_new =
        session().query("CALL asbb_place_hold_ids(?, " + hold_args + ", ?, ?, ?)",
                        {db::Unsigned{generation}, id_new, now_s_, levels,
                         std::to_string(proj) + "," + std::to_string(root), std::to_string(limit)});
    auto placed_old = session().query("CALL asbb_place_hold(?, " + hold_args + ", ?)",
                                      {db::Unsigned{generation}, id_old, now_s_,
                                       "[[" + std::to_string(proj) + "," + std::to_string(limit) +
                                           "],[" + std::to_string(root) + ",0]]"});
    ASSERT_EQ(placed_new.at(0).str(0), "placed");
    ASSERT_EQ(placed_old.at(0).str(0), "placed");
    const std::string levels_of =
        "SELECT GROUP_CONCAT(CONCAT(level_no, ':', budget_id, ':', IFNULL(partition_limit_id, 0))"
        " ORDER BY level_no) FROM hold_level WHERE hold_id = ?";
    const std::string journal_of =
        "SELECT CONCAT(kind, ':', budget_id, ':', amount_micro, ':', held_delta_micro)"
        " FROM journal WHERE hold_id = ?";
    for (const std::string& sql : {levels_of, journal_of}) {
        auto a = session().query(sql, {id_new});
        auto b = session().query(sql, {id_old});
        ASSERT_EQ(a.size(), 1u);
        ASSERT_EQ(b.size(), 1u);
        EXPECT_EQ(a[0].str(0), b[0].str(0));
    }
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {root}), 6 * kDollar);
    EXPECT_EQ(scalar("SELECT held_micro FROM partition_limit WHERE id = ?", {limit}), 6 * kDollar);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// The lock order is the caller's to give; a list out of it is refused, so a
// caller's mistake is an error, not a deadlock waiting to happen. So is a
// list of no budgets.
TEST_F(LedgerOps, ReserveRefusesBudgetsOutOfLockOrderOrNone) {
    const int64_t root = make_budget("root", 1000 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    ASSERT_LT(root, proj);
    try {
        db::in_transaction(session(), [&] {
            session().exec("CALL asbb_reserve_ids(?, '', ?, ?)",
                           {std::to_string(root) + "," + std::to_string(proj), kDollar, now_s_});
        });
        FAIL() << "an ascending list was obeyed";
    } catch (const db::DbError& e) {
        EXPECT_NE(std::string(e.what()).find("lock) order"), std::string::npos) << e.what();
    }
    // No budget at all (an empty or NULL list) would hold money on nothing.
    for (const db::Param& none : {db::Param{std::string()}, db::Param{nullptr}}) {
        try {
            db::in_transaction(session(), [&] {
                session().exec("CALL asbb_reserve_ids(?, '', ?, ?)", {none, kDollar, now_s_});
            });
            FAIL() << "a reserve on no budget was obeyed";
        } catch (const db::DbError& e) {
            EXPECT_NE(std::string(e.what()).find("at least one budget"), std::string::npos)
                << e.what();
        }
    }
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 0);
}

}  // namespace
}  // namespace asbb::test
