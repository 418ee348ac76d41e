// asbb statement (issue 12, item 1, acceptance 1): on a ledger with a known
// history over February and March 2026 and a fixed clock, the statement's
// figures are recomputed independently from the journal (SQL sums by kind
// over the rows that count for each budget), the closing balance equals
// `asbb account show`'s available at the period's end, and the listing is
// golden in table, -P, --json and --csv (RFC 4180) forms.
#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;
constexpr int64_t kDay = 86'400;
constexpr int64_t kMar15 = 1'773'576'000;  // 2026-03-15T12:00:00Z
constexpr int64_t kMar1 = 1'772'323'200;   // 2026-03-01T00:00:00Z
constexpr int64_t kApr1 = 1'775'001'600;   // 2026-04-01T00:00:00Z

class CliStatement : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kMar15);
        CliTest::SetUp();
        history();
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }
    void at(int64_t now_s) { setenv("ASBB_NOW", std::to_string(now_s).c_str(), 1); }

    std::string place(const std::string& account, int64_t amount_micro, int64_t now_s) {
        auto request = hold_request(account, amount_micro);
        request.now_s = now_s;
        EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        return request.id.hex();
    }

    // Feb 10: physics $500 > proj001 $100. Feb 20: +$25 to proj001, a $12
    // hold charged $7 on Feb 21 (job 42, alice, aws-cpu; $5 released).
    // Mar 5: $10 withdrawn from physics, a $4 hold (open at the end).
    // Mar 10: a $1 true-up of job 42. Mar 12: a $3 hold expired.
    void history() {
        const int64_t feb10 = kMar1 - 19 * kDay;
        at(feb10);
        out({"account", "create", "--name=physics", "--budget=500", "--start=2026-01-01",
             "--end=2026-12-31"});
        out({"account", "create", "--name=proj001", "--budget=100", "--start=2026-01-01",
             "--end=2026-12-31"});
        at(feb10 + 10 * kDay);
        out({"account", "deposit", "proj001", "25", "--reason=grant top-up"});
        charged_ = place("proj001", 12 * kDollar, feb10 + 10 * kDay);
        db::ChargeRequest charge;
        charge.hold_id = charged_;
        charge.actual = Money{7 * kDollar};
        charge.cluster = "lab";
        charge.job_id = 42;
        charge.job_db_inx = 1;
        charge.now_s = feb10 + 11 * kDay;
        db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });
        at(kMar1 + 4 * kDay);
        out({"account", "withdraw", "physics", "10", "--reason=returned to the dean"});
        place("proj001", 4 * kDollar, kMar1 + 4 * kDay);
        EXPECT_TRUE(db::adjust_spent(session(), charged_, Money{kDollar}, "CUR true-up", "test",
                                     kMar1 + 9 * kDay));
        const std::string expired = place("proj001", 3 * kDollar, kMar1 + 10 * kDay);
        db::in_transaction(session(), [&] {
            return db::release_hold(session(), expired, db::ReleaseKind::kExpire, "orphaned",
                                    "test", kMar1 + 11 * kDay);
        });
        at(kMar15);
    }

    // A sum over the journal rows that count for the budget in [from, to),
    // written in SQL apart from the code under test.
    int64_t journal_sum(const std::string& account, const std::string& expression,
                        const std::string& where, int64_t from_s, int64_t to_s) {
        const std::string rows =
            "SELECT j.* FROM journal j JOIN budget b ON b.id = j.budget_id WHERE j.hold_id IS NULL"
            " AND b.account = ? UNION ALL SELECT j.* FROM journal j JOIN hold_level l ON"
            " l.hold_id = j.hold_id JOIN budget b ON b.id = l.budget_id WHERE b.account = ?";
        return scalar("SELECT COALESCE(SUM(" + expression + "), 0) FROM (" + rows +
                          ") r WHERE r.created_at >= ? AND r.created_at < ? AND " + where,
                      {account, account, from_s, to_s});
    }

    std::string charged_;
};

TEST_F(CliStatement, EveryFigureIsRecomputedFromTheJournal) {
    for (const std::string account : {"physics", "proj001"}) {
        const std::string both = out({"statement", account, "--period=2026-03", "-P", "-n",
                                      "format=Opening,Deposits,Withdrawals,Charges,TrueUps,"
                                      "Expired,HeldStart,HeldEnd,Closing"});
        // The statement's line; the charges listing follows it.
        const std::string p = both.substr(0, both.find('\n') + 1);
        const auto sum = [&](const std::string& expression, const std::string& where,
                             int64_t from_s, int64_t to_s) {
            return format_money_exact(Money{journal_sum(account, expression, where, from_s, to_s)});
        };
        const std::string avail = "allocated_delta_micro - spent_delta_micro - held_delta_micro";
        const std::string expected =
            sum(avail, "1", 0, kMar1) + "|" +
            sum("allocated_delta_micro", "kind = 'deposit'", kMar1, kApr1) + "|" +
            sum("-allocated_delta_micro", "kind = 'withdraw'", kMar1, kApr1) + "|" +
            sum("spent_delta_micro", "kind = 'charge'", kMar1, kApr1) + "|" +
            sum("spent_delta_micro", "kind <> 'charge'", kMar1, kApr1) + "|" +
            sum("-held_delta_micro", "kind = 'expire'", kMar1, kApr1) + "|" +
            sum("held_delta_micro", "1", 0, kMar1) + "|" + sum("held_delta_micro", "1", 0, kApr1) +
            "|" + sum(avail, "1", 0, kApr1) + "\n";
        EXPECT_EQ(p, expected) << account;
        // The closing balance is what account show says is available now
        // (nothing happened after March).
        const std::string shown = out({"account", "show", account, "-P", "-n", "format=Available"});
        EXPECT_EQ(p.substr(p.rfind('|') + 1), shown) << account;
    }
}

TEST_F(CliStatement, GoldenInEveryForm) {
    expect_output(
        {"statement", "physics", "--period=2026-03"},
        R"~(Account Cluster BudgetID From       To         Opening Deposits Withdrawals Charges TrueUps Expired HeldStart HeldEnd OpenHolds Closing 
------- ------- -------- ---------- ---------- ------- -------- ----------- ------- ------- ------- --------- ------- --------- ------- 
physics all            1 2026-03-01 2026-03-31  493.00     0.00       10.00    0.00    1.00    3.00      0.00    4.00         1  478.00 

Account BudgetID User  Partition Jobs Charges TrueUps 
------- -------- ----- --------- ---- ------- ------- 
physics        1 alice aws-cpu      0    0.00    1.00 
)~");
    expect_output(
        {"statement", "physics", "--period=2026-03", "-P"},
        R"~(Account|Cluster|BudgetID|From|To|Opening|Deposits|Withdrawals|Charges|TrueUps|Expired|HeldStart|HeldEnd|OpenHolds|Closing
physics|all|1|2026-03-01|2026-03-31|493.00|0.00|10.00|0.00|1.00|3.00|0.00|4.00|1|478.00
Account|BudgetID|User|Partition|Jobs|Charges|TrueUps
physics|1|alice|aws-cpu|0|0.00|1.00
)~");
    expect_output(
        {"statement", "proj001", "--period=2026-02", "-p", "-n"},
        R"~(proj001|all|2|2026-02-01|2026-02-28|0.00|125.00|0.00|7.00|0.00|0.00|0.00|0.00|0|118.00|
proj001|2|alice|aws-cpu|1|7.00|0.00|
)~");
    expect_output({"statement", "--all", "--period=2026-02-01..2026-03-31", "--json"}, R"~({
  "statements": [
    {
      "account": "physics",
      "cluster": "all",
      "budget_id": 1,
      "from": "2026-02-01",
      "to": "2026-03-31",
      "opening": "0.00",
      "deposits": "500.00",
      "withdrawals": "10.00",
      "charges": "7.00",
      "true_ups": "1.00",
      "expired": "3.00",
      "held_start": "0.00",
      "held_end": "4.00",
      "open_holds": 1,
      "closing": "478.00"
    },
    {
      "account": "proj001",
      "cluster": "all",
      "budget_id": 2,
      "from": "2026-02-01",
      "to": "2026-03-31",
      "opening": "0.00",
      "deposits": "125.00",
      "withdrawals": "0.00",
      "charges": "7.00",
      "true_ups": "1.00",
      "expired": "3.00",
      "held_start": "0.00",
      "held_end": "4.00",
      "open_holds": 1,
      "closing": "113.00"
    }
  ],
  "charges": [
    {
      "account": "physics",
      "budget_id": 1,
      "user": "alice",
      "partition": "aws-cpu",
      "jobs": 1,
      "charges": "7.00",
      "true_ups": "1.00"
    },
    {
      "account": "proj001",
      "budget_id": 2,
      "user": "alice",
      "partition": "aws-cpu",
      "jobs": 1,
      "charges": "7.00",
      "true_ups": "1.00"
    }
  ]
}
)~");
    // RFC 4180: CRLF line ends, exact amounts; an empty record between the
    // statement and the charges, as the table has a blank line.
    expect_output(
        {"statement", "--all", "--period=2026-02", "--csv"},
        "Account,Cluster,BudgetID,From,To,Opening,Deposits,Withdrawals,Charges,TrueUps,Expired,"
        "HeldStart,HeldEnd,OpenHolds,Closing\r\n"
        "physics,all,1,2026-02-01,2026-02-28,0.00,500.00,0.00,7.00,0.00,0.00,0.00,0.00,0,493.00\r\n"
        "proj001,all,2,2026-02-01,2026-02-28,0.00,125.00,0.00,7.00,0.00,0.00,0.00,0.00,0,118.00\r\n"
        "\r\n"
        "Account,BudgetID,User,Partition,Jobs,Charges,TrueUps\r\n"
        "physics,1,alice,aws-cpu,1,7.00,0.00\r\n"
        "proj001,2,alice,aws-cpu,1,7.00,0.00\r\n");
}

TEST_F(CliStatement, BadInputIsRefusedWithOneLine) {
    expect_refused({"statement", "physics"}, 2, "--period");
    expect_refused({"statement", "--period=2026-03"}, 2, "name an ACCOUNT or give --all");
    expect_refused({"statement", "physics", "--all", "--period=2026-03"}, 2,
                   "name an ACCOUNT or give --all");
    for (const char* bad : {"2026-13", "2026-3", "26-03", "2026-03-40", "2026", "march",
                            "2026-03-31..2026-03-01", "x..y"}) {
        expect_refused({"statement", "physics", std::string("--period=") + bad}, 2, "--period");
    }
    expect_refused({"statement", "nosuch", "--period=2026-03"}, 1, "SLURM has no account 'nosuch'");
    expect_refused({"statement", "chem", "--period=2026-03"}, 1, "account chem has no budget in");
    expect_refused({"statement", "physics", "--period=2025-03"}, 1, "has no budget in");
}

}  // namespace
}  // namespace asbb::test
