// asbb usage show|summary on a ledger with a known history and a fixed clock
// (issue 5, acceptance points 1 and 3): the full output of every form
// (table, -p, -P, -n, format=, --json), the roll-up checked against sums
// taken straight from the journal, and bad input refused.
#include <rapidjson/document.h>

#include <map>
#include <tuple>

#include "integration/support/usage_history.hpp"

namespace asbb::test {
namespace {

class CliUsage : public UsageHistoryTest {
  protected:
    // Spent or held (a journal delta column) of the holds placed for the
    // jobs of these accounts in 2026, summed from the journal table alone.
    int64_t journal_sum(const std::string& column, const std::vector<std::string>& accounts) {
        std::string sql = "SELECT COALESCE(SUM(j." + column +
                          "), 0) FROM journal j JOIN hold h ON h.id = j.hold_id"
                          " WHERE h.created_at >= 1767225600 AND h.created_at < 1798761600"
                          " AND h.account IN (";
        db::Params params;
        for (size_t i = 0; i < accounts.size(); ++i) {
            sql += i == 0 ? "?" : ", ?";
            params.emplace_back(accounts[i]);
        }
        return scalar(sql + ")", params);
    }

    struct Figures {
        int64_t spent = 0, held = 0, tree_spent = 0, tree_held = 0;
    };

    // The roll-up rows of `usage show ACCOUNT --json`, by account.
    std::map<std::string, Figures> rollup(const std::string& account) {
        auto result = asbb({"usage", "show", account, "--json"});
        EXPECT_EQ(result.status, 0) << result.err;
        rapidjson::Document doc;
        doc.Parse(result.out.c_str());
        EXPECT_FALSE(doc.HasParseError()) << result.out;
        auto money = [](const rapidjson::Value& v) {
            return parse_money(v.GetString()).value().micro;
        };
        std::map<std::string, Figures> rows;
        for (const auto& row : doc["accounts"].GetArray()) {
            rows[row["account"].GetString()] = {money(row["spent"]), money(row["held"]),
                                                money(row["tree_spent"]), money(row["tree_held"])};
        }
        const auto& budget = doc["budget"][0];
        rows["(budget)"] = {money(budget["spent"]), money(budget["held"]), 0, 0};
        return rows;
    }
};

TEST_F(CliUsage, ShowPrintsBudgetPartitionsAndRollUpInEveryForm) {
    expect_output(
        {"usage", "show", "physics"},
        R"(Budget of physics (its own budget; Spent, Held and Holds include the jobs of every account below it)
Account Cluster Start      End        DaysLeft   Budget  Spent   Held Available Used Burn Holds Overrun Billed ID 
------- ------- ---------- ---------- -------- -------- ------ ------ --------- ---- ---- ----- ------- ------ -- 
physics all     2026-01-01 2026-12-31      292 50000.00 230.75 636.00  49133.25 0.5% 3.14     2    0.00   0.00  2 

Partition limits of this budget
Partition    Limit  Spent   Held    Left Used 
--------- -------- ------ ------ ------- ---- 
aws-gpu   10000.00 150.25 600.00 9249.75 1.5% 

Roll-up: what each account's own jobs counted against this budget (Tree*: with every account below it; OwnBudget: the account's own budget)
Account  Parent  OwnBudget  Spent   Held Holds TreeSpent TreeHeld TreeHolds 
-------- ------- --------- ------ ------ ----- --------- -------- --------- 
physics           50000.00   0.00   0.00     0    230.75   636.00         2 
 proj001 physics  20000.00  80.50 600.00     1     80.50   600.00         1 
 proj002 physics           150.25  36.00     1    150.25    36.00         1 
)");
    expect_output(
        {"usage", "show", "root", "-p"},
        R"(Account|Cluster|Start|End|DaysLeft|Budget|Spent|Held|Available|Used|Burn|Holds|Overrun|Billed|ID|
root|all|2026-01-01|2026-12-31|292|100000.00|235.750001|654.999999|99109.25|0.2%|3.207483|3|0.00|0.00|1|
Account|Parent|OwnBudget|Spent|Held|Holds|TreeSpent|TreeHeld|TreeHolds|
root||100000.00|0.00|0.00|0|235.750001|654.999999|3|
 physics|root|50000.00|0.00|0.00|0|230.75|636.00|2|
  proj001|physics|20000.00|80.50|600.00|1|80.50|600.00|1|
  proj002|physics||150.25|36.00|1|150.25|36.00|1|
 chem|root|5000.00|5.000001|18.999999|1|5.000001|18.999999|1|
)");
    expect_output(
        {"usage", "show", "physics", "-P", "-n"},
        R"(physics|all|2026-01-01|2026-12-31|292|50000.00|230.75|636.00|49133.25|0.5%|3.139456|2|0.00|0.00|2
aws-gpu|10000.00|150.25|600.00|9249.75|1.5%
physics||50000.00|0.00|0.00|0|230.75|636.00|2
 proj001|physics|20000.00|80.50|600.00|1|80.50|600.00|1
 proj002|physics||150.25|36.00|1|150.25|36.00|1
)");
    expect_output(
        {"usage", "show", "physics", "format=Account,Budget%12,Available,Used%-6"},
        R"(Budget of physics (its own budget; Spent, Held and Holds include the jobs of every account below it)
Account       Budget Available Used   
------- ------------ --------- ------ 
physics     50000.00  49133.25 0.5%   

Partition limits of this budget
Partition    Limit  Spent   Held    Left Used 
--------- -------- ------ ------ ------- ---- 
aws-gpu   10000.00 150.25 600.00 9249.75 1.5% 

Roll-up: what each account's own jobs counted against this budget (Tree*: with every account below it; OwnBudget: the account's own budget)
Account  Parent  OwnBudget  Spent   Held Holds TreeSpent TreeHeld TreeHolds 
-------- ------- --------- ------ ------ ----- --------- -------- --------- 
physics           50000.00   0.00   0.00     0    230.75   636.00         2 
 proj001 physics  20000.00  80.50 600.00     1     80.50   600.00         1 
 proj002 physics           150.25  36.00     1    150.25    36.00         1 
)");
    expect_output({"usage", "show", "proj001", "--json"},
                  R"({
  "budget": [
    {
      "account": "proj001",
      "cluster": "all",
      "start": "2026-01-01",
      "end": "2026-12-31",
      "days_left": 292,
      "budget": "20000.00",
      "spent": "80.50",
      "held": "600.00",
      "available": "19319.50",
      "used": "0.4%",
      "burn": "1.095238",
      "holds": 1,
      "overrun": "0.00",
      "billed": "0.00",
      "id": 3
    }
  ],
  "partitions": [
    {
      "partition": "aws-gpu",
      "limit": "1000.00",
      "spent": "0.00",
      "held": "600.00",
      "left": "400.00",
      "used": "0.0%"
    }
  ],
  "accounts": [
    {
      "account": "proj001",
      "parent": "",
      "own_budget": "20000.00",
      "spent": "80.50",
      "held": "600.00",
      "holds": 1,
      "tree_spent": "80.50",
      "tree_held": "600.00",
      "tree_holds": 1
    }
  ]
}
)");
    expect_output({"usage", "show", "physics", "--json", "format=Account,Spent,Held"},
                  R"({
  "budget": [
    {
      "account": "physics",
      "spent": "230.75",
      "held": "636.00"
    }
  ],
  "partitions": [
    {
      "partition": "aws-gpu",
      "limit": "10000.00",
      "spent": "150.25",
      "held": "600.00",
      "left": "9249.75",
      "used": "1.5%"
    }
  ],
  "accounts": [
    {
      "account": "physics",
      "parent": "",
      "own_budget": "50000.00",
      "spent": "0.00",
      "held": "0.00",
      "holds": 0,
      "tree_spent": "230.75",
      "tree_held": "636.00",
      "tree_holds": 2
    },
    {
      "account": "proj001",
      "parent": "physics",
      "own_budget": "20000.00",
      "spent": "80.50",
      "held": "600.00",
      "holds": 1,
      "tree_spent": "80.50",
      "tree_held": "600.00",
      "tree_holds": 1
    },
    {
      "account": "proj002",
      "parent": "physics",
      "own_budget": null,
      "spent": "150.25",
      "held": "36.00",
      "holds": 1,
      "tree_spent": "150.25",
      "tree_held": "36.00",
      "tree_holds": 1
    }
  ]
}
)");
}

TEST_F(CliUsage, ShowPeriodPicksThePeriodContainingTheDate) {
    expect_output(
        {"usage", "show", "physics", "--period=2025-06-01"},
        R"(Budget of physics (its own budget; Spent, Held and Holds include the jobs of every account below it)
Account Cluster Start      End        DaysLeft   Budget  Spent Held Available Used Burn Holds Overrun Billed ID 
------- ------- ---------- ---------- -------- -------- ------ ---- --------- ---- ---- ----- ------- ------ -- 
physics all     2025-01-01 2025-12-31        0 40000.00 999.99 0.00  39000.01 2.5% 2.74     0    0.00   0.00  6 

Roll-up: what each account's own jobs counted against this budget (Tree*: with every account below it; OwnBudget: the account's own budget)
Account  Parent  OwnBudget  Spent Held Holds TreeSpent TreeHeld TreeHolds 
-------- ------- --------- ------ ---- ----- --------- -------- --------- 
physics           40000.00   0.00 0.00     0    999.99     0.00         0 
 proj001 physics             0.00 0.00     0      0.00     0.00         0 
 proj002 physics           999.99 0.00     0    999.99     0.00         0 
)");
}

TEST_F(CliUsage, SummaryListsBudgetedAccountsInTreeOrderOrSortedWithTotals) {
    expect_output(
        {"usage", "summary"},
        R"(Account   Parent  Cluster Start      End        DaysLeft    Budget  Spent   Held Available Used Burn Holds 
--------- ------- ------- ---------- ---------- -------- --------- ------ ------ --------- ---- ---- ----- 
root              all     2026-01-01 2026-12-31      292 100000.00 235.75 655.00  99109.25 0.2% 3.21     3 
 physics  root    all     2026-01-01 2026-12-31      292  50000.00 230.75 636.00  49133.25 0.5% 3.14     2 
  proj001 physics all     2026-01-01 2026-12-31      292  20000.00  80.50 600.00  19319.50 0.4% 1.10     1 
 chem     root    all     2026-01-01 2026-12-31      292   5000.00   5.00  19.00   4976.00 0.1% 0.07     1 
TOTAL             lab                                    100000.00 235.75 655.00  99109.25 0.2% 3.21     3 
)");
    expect_output(
        {"usage", "summary", "-p", "--sort=used"},
        R"(Account|Parent|Cluster|Start|End|DaysLeft|Budget|Spent|Held|Available|Used|Burn|Holds|
physics|root|all|2026-01-01|2026-12-31|292|50000.00|230.75|636.00|49133.25|0.5%|3.139456|2|
proj001|physics|all|2026-01-01|2026-12-31|292|20000.00|80.50|600.00|19319.50|0.4%|1.095238|1|
root||all|2026-01-01|2026-12-31|292|100000.00|235.750001|654.999999|99109.25|0.2%|3.207483|3|
chem|root|all|2026-01-01|2026-12-31|292|5000.00|5.000001|18.999999|4976.00|0.1%|0.068027|1|
TOTAL||lab||||100000.00|235.750001|654.999999|99109.25|0.2%|3.207483|3|
)");
    expect_output(
        {"usage", "summary", "-P", "-n", "--sort=available"},
        R"(chem|root|all|2026-01-01|2026-12-31|292|5000.00|5.000001|18.999999|4976.00|0.1%|0.068027|1
proj001|physics|all|2026-01-01|2026-12-31|292|20000.00|80.50|600.00|19319.50|0.4%|1.095238|1
physics|root|all|2026-01-01|2026-12-31|292|50000.00|230.75|636.00|49133.25|0.5%|3.139456|2
root||all|2026-01-01|2026-12-31|292|100000.00|235.750001|654.999999|99109.25|0.2%|3.207483|3
TOTAL||lab||||100000.00|235.750001|654.999999|99109.25|0.2%|3.207483|3
)");
    expect_output({"usage", "summary", "format=Account%-10,Parent,Used,Burn", "--sort=burn"},
                  R"(Account    Parent  Used Burn 
---------- ------- ---- ---- 
root               0.2% 3.21 
physics    root    0.5% 3.14 
proj001    physics 0.4% 1.10 
chem       root    0.1% 0.07 
TOTAL              0.2% 3.21 
)");
    expect_output({"usage", "summary", "--json", "format=Account,Parent,Spent,Held"},
                  R"({
  "accounts": [
    {
      "account": "root",
      "parent": "",
      "spent": "235.750001",
      "held": "654.999999"
    },
    {
      "account": "physics",
      "parent": "root",
      "spent": "230.75",
      "held": "636.00"
    },
    {
      "account": "proj001",
      "parent": "physics",
      "spent": "80.50",
      "held": "600.00"
    },
    {
      "account": "chem",
      "parent": "root",
      "spent": "5.000001",
      "held": "18.999999"
    }
  ],
  "totals": [
    {
      "account": "TOTAL",
      "parent": null,
      "cluster": "lab",
      "start": null,
      "end": null,
      "days_left": null,
      "budget": "100000.00",
      "spent": "235.750001",
      "held": "654.999999",
      "available": "99109.25",
      "used": "0.2%",
      "burn": "3.207483",
      "holds": 3
    }
  ]
}
)");
    expect_output(
        {"usage", "summary", "--period=2025-06-01", "-P"},
        R"(Account|Parent|Cluster|Start|End|DaysLeft|Budget|Spent|Held|Available|Used|Burn|Holds
root||all|2025-01-01|2025-12-31|0|80000.00|999.99|0.00|79000.01|1.2%|2.739699|0
 physics|root|all|2025-01-01|2025-12-31|0|40000.00|999.99|0.00|39000.01|2.5%|2.739699|0
TOTAL||lab||||80000.00|999.99|0.00|79000.01|1.2%|2.739699|0
)");
}

// Acceptance 3: on root > physics > {proj001, proj002} (and root > chem) the
// roll-up of `usage show` equals what the journal sums to for each
// account's jobs, and each level's subtree total equals its children's sums.
TEST_F(CliUsage, RollUpOverThreeLevelsEqualsTheSumsOfTheChildrensJournals) {
    const std::vector<std::string> all = {"root", "physics", "proj001", "proj002", "chem"};
    const std::vector<std::string> physics_tree = {"physics", "proj001", "proj002"};
    // The history is not trivial: every account below root has journal rows.
    for (const char* account : {"physics", "proj001", "proj002", "chem"}) {
        EXPECT_GT(scalar("SELECT COUNT(*) FROM journal j JOIN hold h ON h.id = j.hold_id"
                         " WHERE h.account = ?",
                         {std::string(account)}),
                  0)
            << account;
    }
    for (const std::string& top : {std::string("root"), std::string("physics")}) {
        auto rows = rollup(top);
        const auto& subtree = top == "root" ? all : physics_tree;
        for (const auto& account : subtree) {
            ASSERT_TRUE(rows.count(account)) << top << " lacks " << account;
            EXPECT_EQ(rows[account].spent, journal_sum("spent_delta_micro", {account}))
                << top << "/" << account;
            EXPECT_EQ(rows[account].held, journal_sum("held_delta_micro", {account}))
                << top << "/" << account;
        }
        EXPECT_EQ(rows[top].tree_spent, journal_sum("spent_delta_micro", subtree)) << top;
        EXPECT_EQ(rows[top].tree_held, journal_sum("held_delta_micro", subtree)) << top;
        // The budget's own balances hold exactly the subtree's jobs.
        EXPECT_EQ(rows["(budget)"].spent, rows[top].tree_spent) << top;
        EXPECT_EQ(rows["(budget)"].held, rows[top].tree_held) << top;
        if (top == "root") {
            EXPECT_EQ(rows["physics"].tree_spent, journal_sum("spent_delta_micro", physics_tree));
            EXPECT_EQ(rows["physics"].tree_held, journal_sum("held_delta_micro", physics_tree));
            EXPECT_EQ(rows["proj001"].tree_spent, rows["proj001"].spent);
        }
    }
    // proj001 has its own budget: its own journal (the rows written on its
    // budget) is what physics' roll-up shows for it.
    const int64_t proj001_budget =
        scalar("SELECT id FROM budget WHERE account = 'proj001' AND period_start = 1767225600");
    auto physics = rollup("physics");
    EXPECT_EQ(
        physics["proj001"].spent,
        scalar("SELECT SUM(spent_delta_micro) FROM journal WHERE budget_id = ?", {proj001_budget}));
    EXPECT_EQ(
        physics["proj001"].held,
        scalar("SELECT SUM(held_delta_micro) FROM journal WHERE budget_id = ?", {proj001_budget}));
    // And the figures are the ones the history was built with.
    EXPECT_EQ(physics["physics"].tree_spent, 80'500'000 + 150'250'000);
    EXPECT_EQ(physics["physics"].tree_held, 600'000'000 + 36'000'000);
}

// SLURM's tree changed after holds were placed: proj002 now sits under chem.
// Its jobs still counted against physics' budget, so the roll-up lists it
// after physics' subtree, at the top level, and physics' subtree totals
// no longer include it (the budget's own figures do).
TEST_F(CliUsage, AnAccountMovedOutOfTheSubtreeIsListedAfterIt) {
    const std::string table = "`" + slurm_db_ + "`.lab_assoc_table";
    for (auto [acct, user, lft, rgt] :
         std::vector<std::tuple<std::string, std::string, int, int>>{{"physics", "", 2, 7},
                                                                     {"chem", "", 8, 15},
                                                                     {"proj002", "", 9, 12},
                                                                     {"proj002", "bob", 10, 11}}) {
        session().exec("UPDATE " + table + " SET lft = ?, rgt = ? WHERE acct = ? AND user = ?",
                       {int64_t{lft}, int64_t{rgt}, acct, user});
    }
    expect_output({"usage", "show", "physics", "-P", "-n"},
                  "physics|all|2026-01-01|2026-12-31|292|50000.00|230.75|636.00|49133.25|0.5%|"
                  "3.139456|2|0.00|0.00|2\n"
                  "aws-gpu|10000.00|150.25|600.00|9249.75|1.5%\n"
                  "physics||50000.00|0.00|0.00|0|80.50|600.00|1\n"
                  " proj001|physics|20000.00|80.50|600.00|1|80.50|600.00|1\n"
                  "proj002|||150.25|36.00|1|150.25|36.00|1\n");
}

// chem gets a budget for cluster lab next to its all-clusters one; a new
// hold counts against both (and root). The summary lists both, the lab one
// under the all-clusters one, and the totals still count root alone.
TEST_F(CliUsage, SummaryCountsClusterAndAllClustersBudgetsOfOneAccountOnce) {
    auto created = asbb({"account", "create", "--name=chem", "--budget=1000", "--cluster=lab",
                         "--start=2026-01-01", "--end=2026-12-31"});
    ASSERT_EQ(created.status, 0) << created.err;
    db::HoldRequest request = hold_request("chem", 10'000'000);
    request.now_s = kUsageNow;
    ASSERT_EQ(db::place_hold(session(), slurm(), request).level_count, 3);
    expect_output({"usage", "summary", "-P", "format=Account,Parent,Cluster,Budget,Held,Holds"},
                  "Account|Parent|Cluster|Budget|Held|Holds\n"
                  "root||all|100000.00|664.999999|4\n"
                  " physics|root|all|50000.00|636.00|2\n"
                  "  proj001|physics|all|20000.00|600.00|1\n"
                  " chem|root|all|5000.00|28.999999|2\n"
                  " chem|chem|lab|1000.00|10.00|1\n"
                  "TOTAL||lab|100000.00|664.999999|4\n");
    // usage show picks the cluster's own budget.
    auto shown = asbb({"usage", "show", "chem", "-P", "-n", "format=Account,Cluster,Budget"});
    EXPECT_EQ(shown.out.substr(0, shown.out.find('\n')), "chem|lab|1000.00");
}

TEST_F(CliUsage, BadInputIsRefusedWithOneLineAndChangesNothing) {
    expect_refused({"usage"}, 2, "usage show ACCOUNT");
    expect_refused({"usage", "frobnicate"}, 2, "unknown usage verb");
    expect_refused({"usage", "show"}, 2, "ACCOUNT is missing");
    expect_refused({"usage", "show", "physics", "chem"}, 2, "unexpected argument 'chem'");
    expect_refused({"usage", "show", "physics", "--bogus=1"}, 2, "bogus");
    expect_refused({"usage", "show", "phys'ics"}, 2, "phys'ics");
    expect_refused({"usage", "show", "nosuch"}, 1, "account nosuch has no budget on cluster lab");
    expect_refused({"usage", "show", "proj002"}, 1, "account proj002 has no budget");
    expect_refused({"usage", "show", "physics", "--period=2024-06-01"}, 1,
                   "no budget period containing 2024-06-01T00:00:00 (its periods: "
                   "2025-01-01..2025-12-31, 2026-01-01..2026-12-31");
    expect_refused({"usage", "show", "physics", "--period=someday"}, 2, "--period");
    expect_refused({"usage", "show", "physics", "--period=2025-02-30"}, 2, "2025-02-30");
    expect_refused({"usage", "show", "physics", "--cluster=nope"}, 1,
                   "SLURM has no cluster 'nope'");
    expect_refused({"usage", "show", "physics", "--cluster=all"}, 2, "name one cluster");
    expect_refused({"usage", "show", "physics", "--cluster=la;b"}, 2, "la;b");
    expect_refused({"usage", "show", "physics", "format=Account,Nope"}, 2, "valid: Account");
    expect_refused({"usage", "summary", "--sort=size"}, 2, "'size' is not one of");
    expect_refused({"usage", "summary", "extra"}, 2, "unexpected argument");
    expect_refused({"usage", "summary", "format=Nope"}, 2, "valid: Account, Parent");
    expect_refused({"usage", "summary", "--cluster=nope"}, 1, "SLURM has no cluster");
}

TEST_F(CliUsage, HelpExitsZero) {
    EXPECT_EQ(asbb({"usage", "show", "--help"}).status, 0);
    EXPECT_EQ(asbb({"usage", "summary", "--help"}).status, 0);
}

}  // namespace
}  // namespace asbb::test
