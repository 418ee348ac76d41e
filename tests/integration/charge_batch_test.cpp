// db::charge_holds and db::release_holds (the poller's set-based batches)
// leave the ledger exactly as charge_hold / release_hold called one by one
// would: the same scenario runs both ways on two accounts of one database
// (proj001 one by one, proj002 in a batch) and everything is compared.
#include "db/check.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;

class ChargeBatch : public LedgerTest {
  protected:
    // Holds of $10 each on the account; the third is expired before charging.
    std::vector<std::string> scenario_holds(const std::string& account) {
        std::vector<std::string> ids;
        for (int i = 0; i < 3; ++i) {
            auto request = hold_request(account, 10 * kDollar);
            EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome,
                      db::HoldOutcome::kPlaced);
            ids.push_back(request.id.hex());
        }
        db::in_transaction(session(), [&] {
            db::release_hold(session(), ids[2], db::ReleaseKind::kExpire, "test", "test", now_s_);
        });
        return ids;
    }

    // Runs keyed from key_base: two on hold 0 (the second overruns), one on
    // the expired hold, one on an unknown hold, a repeat of the first key,
    // one charged before the batch.
    std::vector<db::ChargeRequest> requests(const std::vector<std::string>& ids, int64_t key_base) {
        auto make = [&](const std::string& hold, int64_t actual, int64_t key, int64_t job) {
            db::ChargeRequest r;
            r.hold_id = hold;
            r.actual = Money{actual};
            r.cluster = "lab";
            r.job_id = job;
            r.job_db_inx = key_base + key;
            r.final_charge = false;
            r.reason = "run " + std::to_string(key);
            r.actor = "test";
            r.now_s = now_s_;
            return r;
        };
        return {make(ids[0], 4 * kDollar, 1, 7), make(ids[0], 9 * kDollar, 2, 7),
                make(ids[2], 3 * kDollar, 3, 8), make(std::string(32, 'f'), kDollar, 4, 9),
                make(ids[0], 4 * kDollar, 1, 7), make(ids[1], 2 * kDollar, 5, 10),
                make(ids[1], 0, 6, 10)};
    }

    std::string ledger_of(const std::string& account, const std::vector<std::string>& ids) {
        std::string text;
        for (const auto& row : session().query(
                 "SELECT held_micro, spent_micro FROM budget WHERE account = ?", {account})) {
            text += "budget " + row.str(0) + " " + row.str(1) + "\n";
        }
        for (const auto& id : ids) {
            for (const auto& row : session().query(
                     "SELECT state, held_micro, charged_micro, IFNULL(job_id, 0) FROM hold"
                     " WHERE id = ?",
                     {id})) {
                text += "hold " + row.str(0) + " " + row.str(1) + " " + row.str(2) + " " +
                        row.str(3) + "\n";
            }
            for (const auto& row : session().query(
                     "SELECT kind, amount_micro, held_delta_micro, spent_delta_micro,"
                     " IFNULL(job_id, 0), IFNULL(job_db_inx % 1000, 0), reason FROM journal"
                     " WHERE hold_id = ? ORDER BY id",
                     {id})) {
                text += "  " + row.str(0) + " " + row.str(1) + " " + row.str(2) + " " + row.str(3) +
                        " " + row.str(4) + " " + row.str(5) + " " + row.str(6) + "\n";
            }
        }
        return text;
    }
};

std::string describe(const std::vector<db::ChargeResult>& results) {
    std::string text;
    for (const auto& r : results) {
        text += std::to_string(static_cast<int>(r.outcome)) + " " +
                std::to_string(r.charged.micro) + " " + std::to_string(r.overrun.micro) + "\n";
    }
    return text;
}

TEST_F(ChargeBatch, SameLedgerAsChargingOneByOne) {
    make_budget("proj001", 100 * kDollar);
    make_budget("proj002", 100 * kDollar);
    auto one_ids = scenario_holds("proj001");
    auto batch_ids = scenario_holds("proj002");
    auto one = requests(one_ids, 1000);
    auto batch = requests(batch_ids, 2000);
    // the last run was charged before the batch
    db::in_transaction(session(), [&] { db::charge_hold(session(), one.back()); });
    db::in_transaction(session(), [&] { db::charge_hold(session(), batch.back()); });

    std::vector<db::ChargeResult> one_results;
    db::in_transaction(session(), [&] {
        for (const auto& r : one) one_results.push_back(db::charge_hold(session(), r));
    });
    auto batch_results =
        db::in_transaction(session(), [&] { return db::charge_holds(session(), batch); });
    EXPECT_EQ(describe(batch_results), describe(one_results));
    EXPECT_EQ(ledger_of("proj002", batch_ids), ledger_of("proj001", one_ids));

    // Closing: the same again, holds 0 and 1 (and 1 twice).
    db::in_transaction(session(), [&] {
        for (int i : {0, 1, 1}) {
            db::release_hold(session(), one_ids[i], db::ReleaseKind::kClose, "end", "test", now_s_);
        }
    });
    auto released = db::in_transaction(session(), [&] {
        return db::release_holds(session(), {batch_ids[0], batch_ids[1], batch_ids[1]},
                                 db::ReleaseKind::kClose, {"end", "end", "end"}, "test", now_s_);
    });
    ASSERT_EQ(released.size(), 3u);
    EXPECT_TRUE(released[0].done);
    EXPECT_TRUE(released[1].done);
    EXPECT_FALSE(released[2].done);
    EXPECT_EQ(ledger_of("proj002", batch_ids), ledger_of("proj001", one_ids));
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

}  // namespace
}  // namespace asbb::test
