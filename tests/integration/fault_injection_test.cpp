// How the ledger behaves when the database fails mid-transaction: deadlocks
// are retried at most twice and never applied twice; a lock wait that runs
// out is reported at once (the caller says "busy"); a lost connection
// surfaces as a connection error, with nothing written when the statement
// never reached the server, and exactly one hold when only its reply was lost.
#include "db/check.hpp"
#include "integration/support/faulty_session.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

constexpr unsigned kDeadlock = 1213;
constexpr unsigned kLockWaitTimeout = 1205;
constexpr unsigned kLostConnection = 2013;

// The one statement that places a hold (sql/009_hold_path.sql).
bool is_hold_call(std::string_view sql) {
    return sql.starts_with("CALL asbb_place_hold");
}

class FaultInjection : public LedgerTest {};

TEST_F(FaultInjection, DeadlockOnceIsRetriedAndHoldIsPlacedOnce) {
    make_budget("physics", 100'000'000);
    make_budget("proj001", 100'000'000);
    int failures = 0;
    FaultySession faulty(session(), [&](std::string_view sql, int) -> unsigned {
        if (is_hold_call(sql) && failures == 0) {
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

TEST_F(FaultInjection, LockTimeoutIsReportedAtOnceAndWritesNothing) {
    make_budget("proj001", 100'000'000);
    int attempts = 0;
    FaultySession faulty(session(), [&](std::string_view sql, int) -> unsigned {
        if (is_hold_call(sql)) {
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
    // A row that stayed locked past the statement time is busy: waiting
    // again would only spend the plugin's deadline.
    EXPECT_EQ(attempts, 1);
    EXPECT_EQ(count("hold"), 0);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 0);
}

TEST_F(FaultInjection, LostConnectionBeforeTheCallWritesNothing) {
    make_budget("proj001", 100'000'000);
    FaultySession faulty(session(), [&](std::string_view sql, int) -> unsigned {
        return is_hold_call(sql) ? kLostConnection : 0;
    });
    try {
        db::place_hold(faulty, slurm(), hold_request("proj001", 5'000'000));
        ADD_FAILURE() << "place_hold did not report the lost connection";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kConnection);
    }
    EXPECT_EQ(count("hold"), 0);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 0);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(FaultInjection, LostReplyAfterCommitThenRetryHoldsOnce) {
    make_budget("physics", 100'000'000);
    make_budget("proj001", 100'000'000);
    bool lost = false;
    FaultySession faulty(
        session(), [](std::string_view, int) -> unsigned { return 0; },
        [&](std::string_view sql, int) -> unsigned {
            if (!is_hold_call(sql) || lost) return 0;
            lost = true;
            return kLostConnection;
        });
    const auto request = hold_request("proj001", 5'000'000);
    EXPECT_THROW(db::place_hold(faulty, slurm(), request), db::DbError);
    // The server committed; the caller retries with the same id.
    EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kAlreadyPlaced);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'hold'"), 1);
    EXPECT_EQ(scalar("SELECT SUM(held_micro) FROM budget"), 10'000'000);
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
