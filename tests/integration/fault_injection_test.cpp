// How the ledger behaves when the database fails mid-transaction: deadlocks
// and lock timeouts are retried at most twice and never applied twice; a lost
// connection surfaces as a connection error with nothing written.
#include "db/check.hpp"
#include "integration/support/faulty_session.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

constexpr unsigned kDeadlock = 1213;
constexpr unsigned kLockWaitTimeout = 1205;
constexpr unsigned kLostConnection = 2013;

bool is_budget_update(std::string_view sql) {
    return sql.starts_with("UPDATE budget SET held");
}

class FaultInjection : public LedgerTest {};

TEST_F(FaultInjection, DeadlockOnceIsRetriedAndHoldIsPlacedOnce) {
    make_budget("physics", 100'000'000);
    make_budget("proj001", 100'000'000);
    int failures = 0;
    FaultySession faulty(session(), [&](std::string_view sql, int) -> unsigned {
        if (is_budget_update(sql) && failures == 0) {
            ++failures;
            return kDeadlock;
        }
        return 0;
    });
    auto result = db::place_hold(faulty, slurm(), hold_request("proj001", 5'000'000));
    EXPECT_EQ(result.outcome, db::HoldOutcome::kPlaced);
    EXPECT_EQ(failures, 1);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'hold'"), 1);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 10'000'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(FaultInjection, PersistentLockTimeoutGivesUpAfterTwoRetries) {
    make_budget("proj001", 100'000'000);
    int attempts = 0;
    FaultySession faulty(session(), [&](std::string_view sql, int) -> unsigned {
        if (is_budget_update(sql)) {
            ++attempts;
            return kLockWaitTimeout;
        }
        return 0;
    });
    try {
        db::place_hold(faulty, slurm(), hold_request("proj001", 5'000'000));
        ADD_FAILURE() << "place_hold did not report the lock timeout";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kLockWaitTimeout);
    }
    EXPECT_EQ(attempts, 3);  // the first try and two retries
    EXPECT_EQ(count("hold"), 0);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 0);
}

TEST_F(FaultInjection, LostConnectionBeforeCommitWritesNothing) {
    make_budget("proj001", 100'000'000);
    FaultySession faulty(session(), [&](std::string_view sql, int) -> unsigned {
        return sql == "COMMIT" ? kLostConnection : 0;
    });
    try {
        db::place_hold(faulty, slurm(), hold_request("proj001", 5'000'000));
        ADD_FAILURE() << "place_hold did not report the lost connection";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kConnection);
    }
    // The injected failure kept COMMIT from reaching the server; the
    // rollback that followed undid the transaction.
    EXPECT_EQ(count("hold"), 0);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(FaultInjection, ChargeRetriedAfterDeadlockChargesOnce) {
    make_budget("proj001", 100'000'000);
    auto request = hold_request("proj001", 50'000'000);
    ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    int failures = 0;
    FaultySession faulty(session(), [&](std::string_view sql, int) -> unsigned {
        if (sql.starts_with("UPDATE hold SET held_micro") && failures++ == 0) return kDeadlock;
        return 0;
    });
    db::ChargeRequest charge;
    charge.hold_id = request.id.hex();
    charge.actual = Money{20'000'000};
    charge.cluster = "lab";
    charge.job_db_inx = 99;
    charge.now_s = now_s_;
    auto result = db::in_transaction(faulty, [&] { return db::charge_hold(faulty, charge); });
    EXPECT_EQ(result.outcome, db::ChargeOutcome::kCharged);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 1);
    EXPECT_EQ(scalar("SELECT spent_micro FROM budget"), 20'000'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

}  // namespace
}  // namespace asbb::test
