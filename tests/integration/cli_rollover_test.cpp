// asbb account rollover: the next period with each --carry form, the carry
// as a withdrawal and a deposit that name each other's budget, holds of the
// old period left on it, and every bad input refused with nothing written.
#include "db/check.hpp"
#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kNow = 1781524800;  // 2026-06-15 12:00:00 UTC

class CliRollover : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kNow);
        CliTest::SetUp();
        // 2026: $100, of which a $30 hold is open: $70 is left
        ASSERT_EQ(asbb({"account", "create", "--name=proj001", "--budget=100", "--start=2026-01-01",
                        "--end=2026-12-31", "--description=year 2026"})
                      .status,
                  0);
        old_id_ = scalar("SELECT id FROM budget WHERE account = 'proj001'");
        auto held = db::place_hold(session(), slurm(), hold_request("proj001", 30'000'000));
        ASSERT_EQ(held.outcome, db::HoldOutcome::kPlaced);
        hold_id_ = scalar("SELECT COUNT(*) FROM hold");
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }
    // The new 2027 budget with `carry` (empty: no --carry), its output line.
    CliResult roll(const std::string& carry) {
        std::vector<std::string> args = {"account",      "rollover",           "proj001",
                                         "--budget=200", "--start=2027-01-01", "--end=2027-12-31"};
        if (!carry.empty()) args.push_back("--carry=" + carry);
        return asbb(args);
    }
    std::string periods() {
        return out({"account", "show", "proj001", "-P", "-n",
                    "format=Start,End,Budget,Held,Available,Descr"});
    }
    void expect_ledger_ok() {
        auto mismatches = db::check_ledger(session());
        EXPECT_TRUE(mismatches.empty())
            << mismatches.size() << " mismatches, first in " << mismatches.front().table << " "
            << mismatches.front().id << " " << mismatches.front().field;
    }
    int64_t old_id_ = 0;
    int64_t hold_id_ = 0;
};

TEST_F(CliRollover, WithoutCarryTheNewPeriodStartsFromItsBudget) {
    auto rolled = roll("");
    ASSERT_EQ(rolled.status, 0) << rolled.err;
    const int64_t new_id = scalar("SELECT MAX(id) FROM budget");
    EXPECT_EQ(rolled.out, "created budget " + std::to_string(new_id) +
                              " for account proj001: $200.00 for 2027-01-01..2027-12-31, carried "
                              "$0.00 from budget " +
                              std::to_string(old_id_) + " (none)\n");
    EXPECT_EQ(periods(),
              "2026-01-01|2026-12-31|100.00|30.00|70.00|year 2026\n"
              "2027-01-01|2027-12-31|200.00|0.00|200.00|year 2026\n");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE reason LIKE 'carried%'"), 0);
    expect_ledger_ok();
}

TEST_F(CliRollover, AllCarriesWhatIsLeftAndTheHoldStaysOnTheOldPeriod) {
    auto rolled = roll("all");
    ASSERT_EQ(rolled.status, 0) << rolled.err;
    EXPECT_NE(rolled.out.find("carried $70.00 from budget " + std::to_string(old_id_) + " (all)"),
              std::string::npos)
        << rolled.out;
    EXPECT_EQ(periods(),
              "2026-01-01|2026-12-31|30.00|30.00|0.00|year 2026\n"
              "2027-01-01|2027-12-31|270.00|0.00|270.00|year 2026\n");
    const int64_t new_id = scalar("SELECT MAX(id) FROM budget");
    // one withdrawal on the old budget and one deposit on the new, naming each other
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'withdraw' AND budget_id = ? AND"
                     " amount_micro = 70000000 AND reason = ?",
                     {old_id_, "carried to budget " + std::to_string(new_id)}),
              1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'deposit' AND budget_id = ? AND"
                     " amount_micro = 70000000 AND reason = ?",
                     {new_id, "carried from budget " + std::to_string(old_id_)}),
              1);
    // the open hold still counts on 2026 only
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold_level WHERE budget_id = ?", {new_id}), 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold_level WHERE budget_id = ?", {old_id_}), 1);
    expect_ledger_ok();
}

TEST_F(CliRollover, APercentageAndACapAreOfWhatIsLeft) {
    ASSERT_EQ(roll("33.33%").status, 0);
    EXPECT_EQ(scalar("SELECT allocated_micro FROM budget WHERE id = ?", {old_id_}),
              100'000'000 - 23'331'000);
    EXPECT_EQ(scalar("SELECT allocated_micro FROM budget ORDER BY id DESC LIMIT 1"),
              200'000'000 + 23'331'000);
    expect_ledger_ok();
}

TEST_F(CliRollover, MaxCarriesUpToTheCapAndNeverMoreThanIsLeft) {
    auto capped = roll("max=20");
    ASSERT_EQ(capped.status, 0) << capped.err;
    EXPECT_NE(capped.out.find("carried $20.00"), std::string::npos) << capped.out;
    EXPECT_NE(capped.out.find("(up to $20.00)"), std::string::npos) << capped.out;
    // 2028 from 2027 ($220 left), capped far above: all of it
    auto rolled = asbb({"account", "rollover", "proj001", "--budget=0", "--start=2028-01-01",
                        "--end=2028-12-31", "--carry=max=5000", "--description=year 2028"});
    ASSERT_EQ(rolled.status, 0) << rolled.err;
    EXPECT_NE(rolled.out.find("carried $220.00"), std::string::npos) << rolled.out;
    EXPECT_EQ(periods(),
              "2026-01-01|2026-12-31|80.00|30.00|50.00|year 2026\n"
              "2027-01-01|2027-12-31|0.00|0.00|0.00|year 2026\n"
              "2028-01-01|2028-12-31|220.00|0.00|220.00|year 2028\n");
    expect_ledger_ok();
}

TEST_F(CliRollover, BadInputIsRefusedWithNothingWritten) {
    const std::vector<std::string> base = {"account", "rollover", "proj001", "--budget=200"};
    auto with = [&](std::vector<std::string> more) {
        std::vector<std::string> args = base;
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };
    const std::vector<std::string> next = {"--start=2027-01-01", "--end=2027-12-31"};
    auto next_with = [&](const std::string& carry) {
        auto args = with(next);
        args.push_back(carry);
        return args;
    };
    // overlapping the old period
    expect_refused(with({"--start=2026-12-01", "--end=2027-11-30"}), 1,
                   "the new period must start after budget");
    // carry of more than is left, negative and malformed figures
    expect_refused(next_with("--carry=150%"), 2, "carry of more than is left");
    expect_refused(next_with("--carry=max=-5"), 2, "amount must not be negative");
    expect_refused(next_with("--carry=50"), 2, "is not none, all, N% (0 to 100) or max=AMOUNT");
    expect_refused(next_with("--carry='; DROP TABLE budget; --"), 2, "--carry:");
    expect_refused(
        {"account", "rollover", "proj001", "--budget=-5", "--start=2027-01-01", "--end=2027-12-31"},
        2, "amount must not be negative");
    expect_refused({"account", "rollover", "proj001", "--budget=200", "--start=2027-12-31",
                    "--end=2027-01-01"},
                   2, "--end is before --start");
    expect_refused({"account", "rollover", "proj001", "--budget=200", "--start=2027-13-01",
                    "--end=2027-12-31"},
                   2, "--start");
    expect_refused({"account", "rollover", "proj001", "--start=2027-01-01", "--end=2027-12-31"}, 2,
                   "--budget");
    // accounts without a budget, or unknown to SLURM
    expect_refused(
        {"account", "rollover", "chem", "--budget=1", "--start=2027-01-01", "--end=2027-12-31"}, 1,
        "account chem has no budget");
    expect_refused(
        {"account", "rollover", "nosuch", "--budget=1", "--start=2027-01-01", "--end=2027-12-31"},
        1, "account nosuch has no budget");
    // a period already taken, and one with a period between
    ASSERT_EQ(roll("").status, 0);
    // from 2027 (the budget that starts last before June 2027) into its own year
    expect_refused(with({"--start=2027-06-01", "--end=2027-06-30", "--carry=all"}), 1,
                   "the new period must start after budget");
    // from 2027 into a period that a later budget already covers
    ASSERT_EQ(asbb({"account", "create", "--name=proj001", "--budget=5", "--start=2029-01-01",
                    "--end=2029-12-31"})
                  .status,
              0);
    const std::string after_2029 = ledger_state();
    expect_refused(with({"--start=2028-06-01", "--end=2029-05-31", "--carry=all"}), 1,
                   "overlapping period");
    EXPECT_EQ(ledger_state(), after_2029);
    expect_ledger_ok();
}

}  // namespace
}  // namespace asbb::test
