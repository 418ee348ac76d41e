// asbb holds on a ledger with a known history and a fixed clock (issue 5,
// acceptance point 1): the full output of every form, and bad input refused.
#include "db/check.hpp"
#include "db/ledger.hpp"
#include "integration/support/usage_history.hpp"

namespace asbb::test {
namespace {

class CliHolds : public UsageHistoryTest {};

TEST_F(CliHolds, ListsHoldsByStateAccountAndClusterInEveryForm) {
    expect_output(
        {"holds"},
        R"(HoldID                           JobID Cluster Account User  Partition   Held Amount Estimate Charged Overrun State   Created                    Age 
-------------------------------- ----- ------- ------- ----- --------- ------ ------ -------- ------- ------- ------- ------------------- ---------- 
019cebae61c000000000000000000002   102 lab     proj001 alice aws-gpu   600.00 600.00   500.00    0.00    0.00 linked  2026-03-14T09:30:00 1-02:30:00 
019cedef2a0000000000000000000007   104 lab     chem    carol aws-cpu    19.00  24.00    20.00    5.00    0.00 linked  2026-03-14T20:00:00   16:00:00 
019cf127238000000000000000000004       lab     proj002 bob   aws-cpu    36.00  36.00    30.00    0.00    0.00 pending 2026-03-15T11:00:00   01:00:00 
)");
    expect_output(
        {"holds", "-p", "--state=all"},
        R"(HoldID|JobID|Cluster|Account|User|Partition|Held|Amount|Estimate|Charged|Overrun|State|Created|Age|
019728c9c00000000000000000000000|50|lab|proj002|bob|aws-cpu|0.00|1200.00|1000.00|999.99|0.00|charged|2025-06-01T00:00:00|287-12:00:00|
019ca8d72d0000000000000000000001|101|lab|proj001|alice|aws-cpu|0.00|120.00|100.00|80.50|0.00|charged|2026-03-01T10:00:00|14-02:00:00|
019cbb4b4c0000000000000000000005||lab|physics|dave|aws-cpu|0.00|12.00|10.00|0.00|0.00|expired|2026-03-05T00:00:00|10-12:00:00|
019cd50b180000000000000000000003|103|lab|proj002|bob|aws-gpu|0.00|240.00|200.00|150.25|0.00|charged|2026-03-10T00:00:00|5-12:00:00|
019cdf57d00000000000000000000006||lab|chem|carol|aws-cpu|0.00|60.00|50.00|0.00|0.00|released|2026-03-12T00:00:00|3-12:00:00|
019cebae61c000000000000000000002|102|lab|proj001|alice|aws-gpu|600.00|600.00|500.00|0.00|0.00|linked|2026-03-14T09:30:00|1-02:30:00|
019cedef2a0000000000000000000007|104|lab|chem|carol|aws-cpu|18.999999|24.00|20.00|5.000001|0.00|linked|2026-03-14T20:00:00|16:00:00|
019cf127238000000000000000000004||lab|proj002|bob|aws-cpu|36.00|36.00|30.00|0.00|0.00|pending|2026-03-15T11:00:00|01:00:00|
)");
    expect_output(
        {"holds", "-P", "-n", "--state=charged,released"},
        R"(019728c9c00000000000000000000000|50|lab|proj002|bob|aws-cpu|0.00|1200.00|1000.00|999.99|0.00|charged|2025-06-01T00:00:00|287-12:00:00
019ca8d72d0000000000000000000001|101|lab|proj001|alice|aws-cpu|0.00|120.00|100.00|80.50|0.00|charged|2026-03-01T10:00:00|14-02:00:00
019cd50b180000000000000000000003|103|lab|proj002|bob|aws-gpu|0.00|240.00|200.00|150.25|0.00|charged|2026-03-10T00:00:00|5-12:00:00
019cdf57d00000000000000000000006||lab|chem|carol|aws-cpu|0.00|60.00|50.00|0.00|0.00|released|2026-03-12T00:00:00|3-12:00:00
)");
    expect_output({"holds", "chem", "--cluster=lab", "format=HoldID%-12,JobID,Held,Charged,Age"},
                  R"(HoldID       JobID  Held Charged      Age 
------------ ----- ----- ------- -------- 
019cedef2a0+   104 19.00    5.00 16:00:00 
)");
    expect_output({"holds", "proj002", "--state=all", "--json"},
                  R"([
  {
    "hold_id": "019728c9c00000000000000000000000",
    "job_id": 50,
    "cluster": "lab",
    "account": "proj002",
    "user": "bob",
    "partition": "aws-cpu",
    "held": "0.00",
    "amount": "1200.00",
    "estimate": "1000.00",
    "charged": "999.99",
    "overrun": "0.00",
    "state": "charged",
    "created": "2025-06-01T00:00:00",
    "age": "287-12:00:00"
  },
  {
    "hold_id": "019cd50b180000000000000000000003",
    "job_id": 103,
    "cluster": "lab",
    "account": "proj002",
    "user": "bob",
    "partition": "aws-gpu",
    "held": "0.00",
    "amount": "240.00",
    "estimate": "200.00",
    "charged": "150.25",
    "overrun": "0.00",
    "state": "charged",
    "created": "2026-03-10T00:00:00",
    "age": "5-12:00:00"
  },
  {
    "hold_id": "019cf127238000000000000000000004",
    "job_id": null,
    "cluster": "lab",
    "account": "proj002",
    "user": "bob",
    "partition": "aws-cpu",
    "held": "36.00",
    "amount": "36.00",
    "estimate": "30.00",
    "charged": "0.00",
    "overrun": "0.00",
    "state": "pending",
    "created": "2026-03-15T11:00:00",
    "age": "01:00:00"
  }
]
)");
}

TEST_F(CliHolds, HoldIdsAreTheOnesPlaced) {
    // The golden texts above name the holds by id; these are the ids of the
    // history's h2, h7 and h4 (see usage_history.hpp).
    auto result = asbb({"holds", "-P", "-n", "format=HoldID"});
    EXPECT_EQ(result.out, hold_id(2) + "\n" + hold_id(7) + "\n" + hold_id(4) + "\n");
}

TEST_F(CliHolds, EmptySelectionPrintsOnlyTheHeader) {
    expect_output(
        {"holds", "physics", "-P"},
        "HoldID|JobID|Cluster|Account|User|Partition|Held|Amount|Estimate|Charged|Overrun|State|"
        "Created|Age\n");
    expect_output({"holds", "physics", "--json"}, "[]\n");
}

// Issue 13, defect 3: a charge beyond what its hold held (a run longer than
// the hold was sized for) is marked in holds, usage show and the journal, by
// the single-charge path and by the poller's batch path alike.
TEST_F(CliHolds, AnOverrunIsMarkedInHoldsUsageShowAndTheJournal) {
    auto charge = [&](int n, int64_t actual_micro, int64_t inx, bool final_charge) {
        db::ChargeRequest request;
        request.hold_id = hold_id(n);
        request.actual = Money{actual_micro};
        request.cluster = "lab";
        request.job_db_inx = inx;
        request.final_charge = final_charge;
        request.reason = "job ran past its hold";
        request.actor = "test";
        request.now_s = kUsageNow;
        return request;
    };
    db::in_transaction(session(), [&] {
        db::charge_hold(session(), charge(2, 650'000'000, 10, true));     // 600 held
        db::charge_holds(session(), {charge(7, 30'000'000, 11, false)});  // 18.999999 held
    });
    expect_output(
        {"holds", "--state=overrun", "-P", "-n", "format=HoldID,Charged,Overrun,State"},
        hold_id(2) + "|650.00|50.00|charged\n" + hold_id(7) + "|35.000001|11.000001|linked\n");
    expect_output({"holds", "--state=linked,overrun", "-P", "-n", "format=HoldID"},
                  hold_id(7) + "\n");
    // Not marked: a charge within its hold.
    expect_output({"holds", "proj002", "--state=overrun", "-P", "-n"}, "");
    const std::string chem = asbb({"usage", "show", "chem", "-P", "-n", "format=Overrun"}).out;
    EXPECT_EQ(chem.substr(0, chem.find('\n')), "11.000001") << chem;
    const std::string physics =
        asbb({"usage", "show", "physics", "-P", "-n", "format=Overrun"}).out;
    EXPECT_EQ(physics.substr(0, physics.find('\n')), "50.00") << physics;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge' AND hold_id = ? AND"
                     " reason = ?",
                     {hold_id(2), "job ran past its hold; overrun: " +
                                      format_money_exact(Money{50'000'000}) + " beyond its hold"}),
              1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge' AND hold_id = ? AND"
                     " reason LIKE '%overrun: %'",
                     {hold_id(7)}),
              1);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(CliHolds, BadInputIsRefusedWithOneLineAndChangesNothing) {
    expect_refused({"holds", "--state=bogus"}, 2, "'bogus' is not one of open, pending");
    expect_refused({"holds", "--state=open,"}, 2, "'' is not one of");
    expect_refused({"holds", "nosuch"}, 1, "SLURM has no account 'nosuch'");
    expect_refused({"holds", "ch'em"}, 2, "ch'em");
    expect_refused({"holds", "chem", "physics"}, 2, "unexpected argument 'physics'");
    expect_refused({"holds", "--cluster=nope"}, 1, "SLURM has no cluster 'nope'");
    expect_refused({"holds", "--frob"}, 2, "frob");
    expect_refused({"holds", "format=HoldID,Nope"}, 2, "valid: HoldID, JobID");
    EXPECT_EQ(asbb({"holds", "--help"}).status, 0);
}

}  // namespace
}  // namespace asbb::test
