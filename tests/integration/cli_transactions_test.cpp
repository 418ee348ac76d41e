// asbb transactions on a ledger with a known history (support/
// finance_history.hpp, whose comment lists every row and the balance after
// it) and a fixed clock: the full output of each listing form, the filters,
// and the refusals (one line, nothing changed).
#include "integration/support/finance_history.hpp"

namespace asbb::test {
namespace {

class CliTransactions : public FinanceHistoryTest {};

// Newest first; Balance is what was available after the row (see the
// history's comment: 1000.00, 880.00, 880.00, 899.50, ...). A hold placed
// before its job had an id shows the job it was later linked to (103, 102,
// 101); the orphan hold that expired has none.
TEST_F(CliTransactions, TableNewestFirstWithBalanceAfterEachRow) {
    EXPECT_EQ(
        out({"transactions", "proj001"}),
        R"~(Date                Type     JobID Account User  Partition  Amount Balance Actor   Reason                                       BudgetID ID 
------------------- -------- ----- ------- ----- --------- ------- ------- ------- -------------------------------------------- -------- -- 
2026-11-10T16:00:00 hold       103 proj001 alice aws-cpu     80.00  759.75 plugin  hold for job of 1 node(s), 3600 s, 1 task(s)        1 14 
2026-11-10T15:00:00 withdraw       proj001                  100.00  839.75 finance returned to faculty                                 1 13 
2026-11-09T10:00:00 adjust     101 proj001 alice aws-cpu     -0.50  939.75 poller  cost report                                         1 12 
2026-11-09T09:00:00 expire         proj001 alice aws-cpu     50.00  939.25 poller  orphan hold                                         1 11 
2026-11-08T09:00:00 hold           proj001 alice aws-cpu     50.00  889.25 plugin  hold for job of 1 node(s), 3600 s, 1 task(s)        1 10 
2026-11-07T00:10:00 release    102 proj001 bob   aws-gpu     89.75  939.25 poller  rest of hold after final charge                     1  9 
2026-11-07T00:10:00 charge     102 proj001 bob   aws-gpu    210.25  849.50 poller  job 102 finished                                    1  8 
2026-11-06T23:45:00 hold       102 proj001 bob   aws-gpu    300.00  849.50 plugin  hold for job of 1 node(s), 3600 s, 1 task(s)        1  7 
2026-11-05T12:00:00 deposit        proj001                  250.00 1149.50 finance grant supplement                                    1  6 
2026-11-03T08:15:00 release    101 proj001 alice aws-cpu     19.50  899.50 poller  rest of hold after final charge                     1  5 
2026-11-03T08:15:00 charge     101 proj001 alice aws-cpu    100.50  880.00 poller  job 101 finished                                    1  4 
2026-11-02T10:00:00 hold       101 proj001 alice aws-cpu    120.00  880.00 plugin  hold for job of 1 node(s), 3600 s, 1 task(s)        1  3 
2026-11-01T09:00:00 deposit        proj001                 1000.00 1000.00 root    initial allocation                                  1  1 
)~");
}

// -p: exact amounts, a trailing '|'; empty cells stay empty.
TEST_F(CliTransactions, Parsable) {
    EXPECT_EQ(out({"transactions", "proj001", "-p"}),
              R"~(Date|Type|JobID|Account|User|Partition|Amount|Balance|Actor|Reason|BudgetID|ID|
2026-11-10T16:00:00|hold|103|proj001|alice|aws-cpu|80.00|759.75|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|1|14|
2026-11-10T15:00:00|withdraw||proj001|||100.00|839.75|finance|returned to faculty|1|13|
2026-11-09T10:00:00|adjust|101|proj001|alice|aws-cpu|-0.50|939.75|poller|cost report|1|12|
2026-11-09T09:00:00|expire||proj001|alice|aws-cpu|50.00|939.25|poller|orphan hold|1|11|
2026-11-08T09:00:00|hold||proj001|alice|aws-cpu|50.00|889.25|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|1|10|
2026-11-07T00:10:00|release|102|proj001|bob|aws-gpu|89.75|939.25|poller|rest of hold after final charge|1|9|
2026-11-07T00:10:00|charge|102|proj001|bob|aws-gpu|210.25|849.50|poller|job 102 finished|1|8|
2026-11-06T23:45:00|hold|102|proj001|bob|aws-gpu|300.00|849.50|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|1|7|
2026-11-05T12:00:00|deposit||proj001|||250.00|1149.50|finance|grant supplement|1|6|
2026-11-03T08:15:00|release|101|proj001|alice|aws-cpu|19.50|899.50|poller|rest of hold after final charge|1|5|
2026-11-03T08:15:00|charge|101|proj001|alice|aws-cpu|100.50|880.00|poller|job 101 finished|1|4|
2026-11-02T10:00:00|hold|101|proj001|alice|aws-cpu|120.00|880.00|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|1|3|
2026-11-01T09:00:00|deposit||proj001|||1000.00|1000.00|root|initial allocation|1|1|
)~");
}

// physics' journal holds its own deposit and every row of proj001's jobs
// (their holds count against physics too), not proj001's deposits and
// withdrawals; its balance is physics' available.
TEST_F(CliTransactions, ParentBudgetSeesSubAccountJobsParsable2) {
    EXPECT_EQ(out({"transactions", "physics", "-P"}),
              R"~(Date|Type|JobID|Account|User|Partition|Amount|Balance|Actor|Reason|BudgetID|ID
2026-11-10T16:00:00|hold|103|proj001|alice|aws-cpu|80.00|4609.75|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|2|14
2026-11-09T10:00:00|adjust|101|proj001|alice|aws-cpu|-0.50|4689.75|poller|cost report|2|12
2026-11-09T09:00:00|expire||proj001|alice|aws-cpu|50.00|4689.25|poller|orphan hold|2|11
2026-11-08T09:00:00|hold||proj001|alice|aws-cpu|50.00|4639.25|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|2|10
2026-11-07T00:10:00|release|102|proj001|bob|aws-gpu|89.75|4689.25|poller|rest of hold after final charge|2|9
2026-11-07T00:10:00|charge|102|proj001|bob|aws-gpu|210.25|4599.50|poller|job 102 finished|2|8
2026-11-06T23:45:00|hold|102|proj001|bob|aws-gpu|300.00|4599.50|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|2|7
2026-11-03T08:15:00|release|101|proj001|alice|aws-cpu|19.50|4899.50|poller|rest of hold after final charge|2|5
2026-11-03T08:15:00|charge|101|proj001|alice|aws-cpu|100.50|4880.00|poller|job 101 finished|2|4
2026-11-02T10:00:00|hold|101|proj001|alice|aws-cpu|120.00|4880.00|plugin|hold for job of 1 node(s), 3600 s, 1 task(s)|2|3
2026-11-01T09:00:00|deposit||physics|||5000.00|5000.00|root|initial allocation|2|2
)~");
}

// -n and format= with widths (%6 right, %-9 left), filtered by type: the
// balances are those of the whole journal, not of the filtered rows.
TEST_F(CliTransactions, NoHeaderFormatAndTypeFilter) {
    EXPECT_EQ(out({"transactions", "proj001", "-n",
                   "format=Date,Type,JobID%6,User,Amount%-9,Balance", "--type=charge,release"}),
              R"~(2026-11-07T00:10:00 release    102 bob   89.75      939.25 
2026-11-07T00:10:00 charge     102 bob   210.25     849.50 
2026-11-03T08:15:00 release    101 alice 19.50      899.50 
2026-11-03T08:15:00 charge     101 alice 100.50     880.00 
)~");
}

// --last=2d is from 2026-11-08T18:00 (now - 48 h): the hold at 09:00 that
// day is before it. Unset values are null, amounts exact strings.
TEST_F(CliTransactions, Json) {
    EXPECT_EQ(out({"transactions", "proj001", "--json", "--last=2d"}), R"~([
  {
    "date": "2026-11-10T16:00:00",
    "type": "hold",
    "job_id": 103,
    "account": "proj001",
    "user": "alice",
    "partition": "aws-cpu",
    "amount": "80.00",
    "balance": "759.75",
    "actor": "plugin",
    "reason": "hold for job of 1 node(s), 3600 s, 1 task(s)",
    "budget_id": 1,
    "id": 14
  },
  {
    "date": "2026-11-10T15:00:00",
    "type": "withdraw",
    "job_id": null,
    "account": "proj001",
    "user": null,
    "partition": null,
    "amount": "100.00",
    "balance": "839.75",
    "actor": "finance",
    "reason": "returned to faculty",
    "budget_id": 1,
    "id": 13
  },
  {
    "date": "2026-11-09T10:00:00",
    "type": "adjust",
    "job_id": 101,
    "account": "proj001",
    "user": "alice",
    "partition": "aws-cpu",
    "amount": "-0.50",
    "balance": "939.75",
    "actor": "poller",
    "reason": "cost report",
    "budget_id": 1,
    "id": 12
  },
  {
    "date": "2026-11-09T09:00:00",
    "type": "expire",
    "job_id": null,
    "account": "proj001",
    "user": "alice",
    "partition": "aws-cpu",
    "amount": "50.00",
    "balance": "939.25",
    "actor": "poller",
    "reason": "orphan hold",
    "budget_id": 1,
    "id": 11
  }
]
)~");
}

TEST_F(CliTransactions, Filters) {
    auto ids = [&](std::vector<std::string> filter) {
        std::vector<std::string> args = {"transactions", "proj001", "-P", "-n",
                                         "format=ID,Type,Amount,Balance"};
        args.insert(args.end(), filter.begin(), filter.end());
        return out(args);
    };
    // Job 101: its hold (linked later), charge, release and the adjustment.
    EXPECT_EQ(ids({"--job=101"}),
              "12|adjust|-0.50|939.75\n5|release|19.50|899.50\n4|charge|100.50|880.00\n"
              "3|hold|120.00|880.00\n");
    EXPECT_EQ(ids({"--user=bob"}),
              "9|release|89.75|939.25\n8|charge|210.25|849.50\n7|hold|300.00|849.50\n");
    // --end's whole day is included: 2026-11-05 00:00 to 2026-11-08 00:00 local.
    EXPECT_EQ(ids({"--start=2026-11-05", "--end=2026-11-07"}),
              "9|release|89.75|939.25\n8|charge|210.25|849.50\n7|hold|300.00|849.50\n"
              "6|deposit|250.00|1149.50\n");
    EXPECT_EQ(ids({"--start=now-2days", "--type=HOLD,expire"}),
              "14|hold|80.00|759.75\n11|expire|50.00|939.25\n");
    EXPECT_EQ(ids({"--type=deposit", "--cluster=all"}),
              "6|deposit|250.00|1149.50\n1|deposit|1000.00|1000.00\n");
    EXPECT_EQ(ids({"--job=999"}), "");
}

// The running balance is summed from the journal's deltas; its last value
// is what the stored summary balances say is available (allocated - spent -
// held), for the account and for its parent.
TEST_F(CliTransactions, LastBalanceIsTheStoredAvailable) {
    EXPECT_EQ(out({"transactions", "proj001", "-P", "-n", "format=Balance", "--last=2h"}),
              "759.75\n");
    EXPECT_EQ(out({"account", "show", "proj001", "-P", "-n", "format=Available"}), "759.75\n");
    EXPECT_EQ(out({"transactions", "physics", "-P", "-n", "format=Balance", "--last=2h"}),
              "4609.75\n");
    EXPECT_EQ(out({"account", "show", "physics", "-P", "-n", "format=Available"}), "4609.75\n");
    EXPECT_EQ(out({"check"}).find("mismatch"), std::string::npos);
}

TEST_F(CliTransactions, BadInputIsRefusedWithOneLineAndChangesNothing) {
    expect_refused({"transactions", "proj001", "--type=charge,refund"}, 2,
                   "unknown type 'refund' (valid: deposit, withdraw, hold, charge, release, "
                   "expire, adjust, true_up)");
    expect_refused({"transactions", "proj001", "--type="}, 2, "unknown type ''");
    expect_refused({"transactions", "proj001", "--last=30d", "--start=2026-11-01"}, 2,
                   "--last cannot be combined with --start or --end");
    expect_refused({"transactions", "proj001", "--last=30d", "--end=2026-11-07"}, 2, "--last");
    expect_refused({"transactions", "proj001", "--last=thirty"}, 2, "--last");
    expect_refused({"transactions", "proj001", "--last=-3d"}, 2, "--last");
    expect_refused({"transactions", "proj001", "--start=2026-02-30"}, 2, "2026-02-30");
    expect_refused({"transactions", "proj001", "--end=yesterday"}, 2, "yesterday");
    expect_refused({"transactions", "proj001", "--start=2026-11-07", "--end=2026-11-01"}, 2,
                   "--end is before --start");
    expect_refused({"transactions", "proj001", "--job=0"}, 2, "not a SLURM job id");
    expect_refused({"transactions", "proj001", "--job=12x"}, 2, "'12x'");
    expect_refused({"transactions", "proj001", "--job=4294967296"}, 2, "not a SLURM job id");
    expect_refused({"transactions", "proj001", "--user=b'ob"}, 2, "--user");
    expect_refused({"transactions", "proj001", "--cluster=lab"}, 1,
                   "account proj001 has no budget on cluster lab");
    expect_refused({"transactions", "proj001", "--cluster=La b"}, 2, "invalid");
    expect_refused({"transactions", "chem"}, 1, "account chem has no budget");
    expect_refused({"transactions", "nosuch"}, 1, "account nosuch has no budget");
    expect_refused({"transactions", "proj'001"}, 2, "invalid");
    expect_refused({"transactions", "proj001", "format=Date,Nope"}, 2,
                   "unknown field 'Nope' in format= (valid: Date, Type, JobID, Account, User, "
                   "Partition, Amount, Balance, Actor, Reason, BudgetID, ID)");
    expect_refused({"transactions"}, 2, "ACCOUNT is missing");
    expect_refused({"transactions", "proj001", "physics"}, 2, "unexpected argument 'physics'");
    expect_refused({"transactions", "proj001", "--bogus=1"}, 2, "bogus");
}

}  // namespace
}  // namespace asbb::test
