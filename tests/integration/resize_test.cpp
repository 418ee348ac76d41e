// Linking holds to jobs and resizing a pending job's hold when its time
// limit or node count changes (job_modify).
#include "db/check.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;

class Resize : public LedgerTest {
  protected:
    // A hold at $1 per node-hour for 1 node, 1 hour, factor 1.2: $1.20.
    db::HoldRequest placed(const std::string& account) {
        auto request = hold_request(account, 0);
        request.node_hour_price = Money{kDollar};
        request.hold_factor_ppm = 1'200'000;
        request.shape = JobShape{1, 3600, 1};
        request.size = *size_hold(request.shape, request.node_hour_price, request.hold_factor_ppm);
        EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        return request;
    }
};

TEST_F(Resize, LinkFindsTheHoldByJobId) {
    make_budget("proj001", 100 * kDollar);
    auto request = placed("proj001");
    EXPECT_FALSE(db::find_open_hold_for_job(session(), "lab", 77).has_value());
    EXPECT_TRUE(db::link_hold(session(), request.id.hex(), "lab", 77, now_s_));
    EXPECT_TRUE(db::link_hold(session(), request.id.hex(), "lab", 77, now_s_));  // idempotent
    auto found = db::find_open_hold_for_job(session(), "lab", 77);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, request.id.hex());
    EXPECT_EQ(found->held.micro, 1'200'000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold WHERE state = 'linked'"), 1);
    EXPECT_FALSE(db::link_hold(session(), std::string(32, 'f'), "lab", 78, now_s_));
}

TEST_F(Resize, LongerTimeLimitGrowsTheHoldAtEveryLevel) {
    const int64_t physics = make_budget("physics", 100 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    auto request = placed("proj001");
    auto result = db::resize_hold(session(), request.id.hex(), JobShape{2, 7200, 1}, "t", now_s_);
    ASSERT_EQ(result.outcome, db::ResizeOutcome::kResized);
    EXPECT_EQ(result.size.hold.micro, 4'800'000);  // 2 nodes x 2 h x $1 x 1.2
    for (int64_t id : {physics, proj}) {
        EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {id}), 4'800'000);
    }
    EXPECT_EQ(scalar("SELECT amount_micro FROM hold"), 4'800'000);
    EXPECT_EQ(scalar("SELECT time_limit_s FROM hold"), 7200);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// Found by the model test: a hold of an account with no budget of its own
// starts at an ancestor, and a refused growth must name it as one (the
// plugin's message says "ancestor"), as the refused placement would.
TEST_F(Resize, ARefusedGrowthOfAnUnbudgetedAccountsHoldBlamesTheAncestor) {
    make_budget("root", 2 * kDollar);
    auto request = placed("chem");  // chem has no budget: root is its only level
    auto result = db::resize_hold(session(), request.id.hex(), JobShape{2, 3600, 1}, "t", now_s_);
    ASSERT_EQ(result.outcome, db::ResizeOutcome::kInsufficient);
    ASSERT_TRUE(result.shortfall.has_value());
    EXPECT_EQ(result.shortfall->kind, db::LevelKind::kAncestor);
    EXPECT_EQ(result.shortfall->account, "root");
    EXPECT_EQ(result.shortfall->available.micro, 800'000);
}

TEST_F(Resize, ShorterTimeLimitGivesTheDifferenceBack) {
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    auto request = placed("proj001");
    auto result = db::resize_hold(session(), request.id.hex(), JobShape{1, 1800, 1}, "t", now_s_);
    ASSERT_EQ(result.outcome, db::ResizeOutcome::kResized);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {proj}), 600'000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'release'"), 1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Resize, GrowthBeyondAnyLevelIsRefusedAndChangesNothing) {
    make_budget("physics", 3 * kDollar);
    const int64_t proj = make_budget("proj001", 100 * kDollar);
    auto request = placed("proj001");
    auto result =
        db::resize_hold(session(), request.id.hex(), JobShape{1, 4 * 3600, 1}, "t", now_s_);
    ASSERT_EQ(result.outcome, db::ResizeOutcome::kInsufficient);
    EXPECT_EQ(result.shortfall->account, "physics");
    EXPECT_EQ(result.shortfall->kind, db::LevelKind::kAncestor);
    EXPECT_EQ(result.shortfall->available.micro, 3 * kDollar - 1'200'000);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {proj}), 1'200'000);
    EXPECT_EQ(scalar("SELECT amount_micro FROM hold"), 1'200'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Resize, WhenSeveralLevelsAreShortTheJobsOwnAccountIsNamed) {
    make_budget("physics", 3 * kDollar);  // created first: locked first
    make_budget("proj001", 2 * kDollar);
    auto request = placed("proj001");
    auto result =
        db::resize_hold(session(), request.id.hex(), JobShape{1, 4 * 3600, 1}, "t", now_s_);
    ASSERT_EQ(result.outcome, db::ResizeOutcome::kInsufficient);
    EXPECT_EQ(result.shortfall->account, "proj001");
    EXPECT_EQ(result.shortfall->kind, db::LevelKind::kAccount);
    EXPECT_EQ(result.shortfall->available.micro, 800'000);
}

TEST_F(Resize, ClosedOrChargedHoldsAreNotResized) {
    make_budget("proj001", 100 * kDollar);
    auto request = placed("proj001");
    db::in_transaction(session(), [&] {
        return db::release_hold(session(), request.id.hex(), db::ReleaseKind::kRelease, "x", "t",
                                now_s_);
    });
    EXPECT_EQ(db::resize_hold(session(), request.id.hex(), JobShape{1, 60, 1}, "t", now_s_).outcome,
              db::ResizeOutcome::kNotOpen);
}

}  // namespace
}  // namespace asbb::test

namespace asbb::test {
namespace {

class Move : public LedgerTest {
  protected:
    db::HoldRequest request_for(const std::string& account, int64_t seconds) {
        auto request = hold_request(account, 0);
        request.node_hour_price = Money{1'000'000};
        request.hold_factor_ppm = 1'200'000;
        request.shape = JobShape{1, seconds, 1};
        request.size = *size_hold(request.shape, request.node_hour_price, request.hold_factor_ppm);
        return request;
    }
};

TEST_F(Move, MovingAJobToAnotherAccountMovesItsHoldInOneStep) {
    const int64_t proj001 = make_budget("proj001", 100'000'000);
    const int64_t chem = make_budget("chem", 100'000'000);
    auto old_hold = request_for("proj001", 3600);
    ASSERT_EQ(db::place_hold(session(), slurm(), old_hold).outcome, db::HoldOutcome::kPlaced);
    ASSERT_TRUE(db::link_hold(session(), old_hold.id.hex(), "lab", 5, now_s_));
    auto new_hold = request_for("chem", 3600);
    auto moved = db::move_hold(session(), slurm(), old_hold.id.hex(), 5, new_hold);
    ASSERT_EQ(moved.outcome, db::HoldOutcome::kPlaced);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {proj001}), 0);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {chem}), 1'200'000);
    // The job's admin_comment still names the old hold: it leads to the new one.
    EXPECT_EQ(db::current_hold_id(session(), old_hold.id.hex()), new_hold.id.hex());
    auto found = db::find_open_hold_for_job(session(), "lab", 5);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, new_hold.id.hex());
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Move, AMoveTheNewAccountCannotHoldChangesNothing) {
    const int64_t proj001 = make_budget("proj001", 100'000'000);
    make_budget("chem", 1'000'000);  // $1 < the $1.20 hold
    auto old_hold = request_for("proj001", 3600);
    ASSERT_EQ(db::place_hold(session(), slurm(), old_hold).outcome, db::HoldOutcome::kPlaced);
    auto moved = db::move_hold(session(), slurm(), old_hold.id.hex(), 5, request_for("chem", 3600));
    EXPECT_EQ(moved.outcome, db::HoldOutcome::kInsufficient);
    EXPECT_EQ(moved.shortfall->account, "chem");
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {proj001}), 1'200'000);
    EXPECT_EQ(count("hold"), 1);
    EXPECT_EQ(db::current_hold_id(session(), old_hold.id.hex()), old_hold.id.hex());
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// A job moved between two projects of one parent: the parent holds its money
// once. Before, the new hold was reserved while the old one still held, so a
// parent with room for the job but not for two copies refused the move.
TEST_F(Move, AMoveUnderTheSameParentNeedsTheParentToHoldTheJobOnce) {
    const int64_t physics = make_budget("physics", 2'000'000);  // $2: room for one $1.20 hold
    make_budget("proj001", 10'000'000);
    make_budget("proj002", 10'000'000);
    auto old_hold = request_for("proj001", 3600);
    ASSERT_EQ(db::place_hold(session(), slurm(), old_hold).outcome, db::HoldOutcome::kPlaced);
    auto moved =
        db::move_hold(session(), slurm(), old_hold.id.hex(), 5, request_for("proj002", 3600));
    ASSERT_EQ(moved.outcome, db::HoldOutcome::kPlaced);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {physics}), 1'200'000);

    // A move the parent cannot take even with the old hold given back is
    // refused, and names what the parent would have had: $2, not $0.80.
    const std::string current = db::current_hold_id(session(), old_hold.id.hex());
    auto larger = db::move_hold(session(), slurm(), current, 5, request_for("proj001", 7200));
    ASSERT_EQ(larger.outcome, db::HoldOutcome::kInsufficient);
    EXPECT_EQ(larger.shortfall->account, "physics");
    EXPECT_EQ(larger.shortfall->available.micro, 2'000'000);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE id = ?", {physics}), 1'200'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

}  // namespace
}  // namespace asbb::test
