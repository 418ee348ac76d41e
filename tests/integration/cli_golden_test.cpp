// Golden outputs of the foundation listings (issue 5, acceptance point 1):
// account list, account show, rates list and the check listing, in table,
// -n, -p, -P, format= and --json forms, on a ledger with a known history and
// a fixed clock (ASBB_NOW, TZ=UTC). Every expected text is the whole output.
#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;
constexpr int64_t kNow = 1'773'576'000;  // 2026-03-15T12:00:00Z

class CliGolden : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kNow);
        CliTest::SetUp();
        history();
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }

    void ok(std::vector<std::string> args) { out(std::move(args)); }

    // physics $500 (aws-cpu limited to $50) > proj001 $100 (+$25 deposit);
    // chem $80 for the first quarter; a $12 hold of proj001 on aws-cpu
    // charged $7 (so $5 released); two rates.
    void history() {
        ok({"account", "create", "--name=physics", "--budget=500", "--start=2026-01-01",
            "--end=2026-12-31", "--description=Physics dept"});
        ok({"account", "create", "--name=proj001", "--budget=100", "--start=2026-01-01",
            "--end=2026-12-31", "--description=Project 1"});
        ok({"account", "create", "--name=chem", "--budget=80", "--start=2026-01-01",
            "--end=2026-03-31"});
        ok({"account", "set-limit", "physics", "--partition=aws-cpu", "--limit=50"});
        ok({"account", "deposit", "proj001", "25", "--reason=grant top-up"});
        auto request = hold_request("proj001", 12 * kDollar);
        request.now_s = kNow;
        EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        db::ChargeRequest charge;
        charge.hold_id = request.id.hex();
        charge.actual = Money{7 * kDollar};
        charge.cluster = "lab";
        charge.job_id = 42;
        charge.job_db_inx = 1;
        charge.now_s = kNow;
        db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });
        ok({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge", "--node-hour=3.06",
            "--default-time=1:00:00", "--cpus-per-node=8", "--gpus-per-node=1"});
        ok({"rates", "set", "--partition=aws-cpu", "--instance-type=c5.large", "--node-hour=0.085",
            "--cluster=lab"});
    }
};

// Hand check: physics 500 - 7 spent (proj001's charge counts at every level
// of its hold) = 493, 7/500 = 1.4%; proj001 100 + 25 = 125 - 7 = 118,
// 7/125 = 5.6%; chem untouched. The hold is closed, so no open holds. Ids in
// creation order.
TEST_F(CliGolden, AccountListInEveryForm) {
    EXPECT_EQ(out({"account", "list"}),
              "Account Cluster Start      End        Budget Spent Held Available Used Holds ID "
              "Descr        \n"
              "------- ------- ---------- ---------- ------ ----- ---- --------- ---- ----- -- "
              "------------ \n"
              "chem    all     2026-01-01 2026-03-31  80.00  0.00 0.00     80.00 0.0%     0  3 "
              "             \n"
              "physics all     2026-01-01 2026-12-31 500.00  7.00 0.00    493.00 1.4%     0  1 "
              "Physics dept \n"
              "proj001 all     2026-01-01 2026-12-31 125.00  7.00 0.00    118.00 5.6%     0  2 "
              "Project 1    \n");
    EXPECT_EQ(out({"account", "list", "-n", "format=Account,Available"}),
              "chem        80.00 \n"
              "physics    493.00 \n"
              "proj001    118.00 \n");
    EXPECT_EQ(out({"account", "list", "-p"}),
              "Account|Cluster|Start|End|Budget|Spent|Held|Available|Used|Holds|ID|Descr|\n"
              "chem|all|2026-01-01|2026-03-31|80.00|0.00|0.00|80.00|0.0%|0|3||\n"
              "physics|all|2026-01-01|2026-12-31|500.00|7.00|0.00|493.00|1.4%|0|1|Physics dept|\n"
              "proj001|all|2026-01-01|2026-12-31|125.00|7.00|0.00|118.00|5.6%|0|2|Project 1|\n");
    EXPECT_EQ(out({"account", "list", "-P", "format=Account%-10,Budget,Used"}),
              "Account|Budget|Used\n"
              "chem|80.00|0.0%\n"
              "physics|500.00|1.4%\n"
              "proj001|125.00|5.6%\n");
    EXPECT_EQ(out({"account", "list", "format=Account%10,Spent%8"}),
              "Account       Spent \n"
              "---------- -------- \n"
              "chem           0.00 \n"
              "physics        7.00 \n"
              "proj001        7.00 \n");
    EXPECT_EQ(out({"account", "list", "--json", "format=Account,Budget,Used,Holds"}),
              "[\n"
              "  {\n"
              "    \"account\": \"chem\",\n"
              "    \"budget\": \"80.00\",\n"
              "    \"used\": \"0.0%\",\n"
              "    \"holds\": 0\n"
              "  },\n"
              "  {\n"
              "    \"account\": \"physics\",\n"
              "    \"budget\": \"500.00\",\n"
              "    \"used\": \"1.4%\",\n"
              "    \"holds\": 0\n"
              "  },\n"
              "  {\n"
              "    \"account\": \"proj001\",\n"
              "    \"budget\": \"125.00\",\n"
              "    \"used\": \"5.6%\",\n"
              "    \"holds\": 0\n"
              "  }\n"
              "]\n");
}

// Hand check: the aws-cpu limit of physics carries proj001's $7 charge
// (the hold counted against it): 50 - 7 = 43.
TEST_F(CliGolden, AccountShowInEveryForm) {
    EXPECT_EQ(out({"account", "show", "physics"}),
              "Account Cluster Start      End        Budget Spent Held Available Used Holds ID "
              "Descr        \n"
              "------- ------- ---------- ---------- ------ ----- ---- --------- ---- ----- -- "
              "------------ \n"
              "physics all     2026-01-01 2026-12-31 500.00  7.00 0.00    493.00 1.4%     0  1 "
              "Physics dept \n"
              "\n"
              "Account Partition Limit Spent Held Available \n"
              "------- --------- ----- ----- ---- --------- \n"
              "physics aws-cpu   50.00  7.00 0.00     43.00 \n");
    EXPECT_EQ(out({"account", "show", "physics", "-P"}),
              "Account|Cluster|Start|End|Budget|Spent|Held|Available|Used|Holds|ID|Descr\n"
              "physics|all|2026-01-01|2026-12-31|500.00|7.00|0.00|493.00|1.4%|0|1|Physics dept\n"
              "Account|Partition|Limit|Spent|Held|Available\n"
              "physics|aws-cpu|50.00|7.00|0.00|43.00\n");
    EXPECT_EQ(out({"account", "show", "physics", "-p", "-n"}),
              "physics|all|2026-01-01|2026-12-31|500.00|7.00|0.00|493.00|1.4%|0|1|Physics dept|\n"
              "physics|aws-cpu|50.00|7.00|0.00|43.00|\n");
    EXPECT_EQ(out({"account", "show", "physics", "format=Account,Available%12"}),
              "Account    Available \n"
              "------- ------------ \n"
              "physics       493.00 \n"
              "\n"
              "Account Partition Limit Spent Held Available \n"
              "------- --------- ----- ----- ---- --------- \n"
              "physics aws-cpu   50.00  7.00 0.00     43.00 \n");
    EXPECT_EQ(out({"account", "show", "physics", "--json"}),
              "{\n"
              "  \"budgets\": [\n"
              "    {\n"
              "      \"account\": \"physics\",\n"
              "      \"cluster\": \"all\",\n"
              "      \"start\": \"2026-01-01\",\n"
              "      \"end\": \"2026-12-31\",\n"
              "      \"budget\": \"500.00\",\n"
              "      \"spent\": \"7.00\",\n"
              "      \"held\": \"0.00\",\n"
              "      \"available\": \"493.00\",\n"
              "      \"used\": \"1.4%\",\n"
              "      \"holds\": 0,\n"
              "      \"id\": 1,\n"
              "      \"descr\": \"Physics dept\"\n"
              "    }\n"
              "  ],\n"
              "  \"partition_limits\": [\n"
              "    {\n"
              "      \"account\": \"physics\",\n"
              "      \"partition\": \"aws-cpu\",\n"
              "      \"limit\": \"50.00\",\n"
              "      \"spent\": \"7.00\",\n"
              "      \"held\": \"0.00\",\n"
              "      \"available\": \"43.00\"\n"
              "    }\n"
              "  ]\n"
              "}\n");
}

TEST_F(CliGolden, RatesListInEveryForm) {
    EXPECT_EQ(out({"rates", "list"}),
              "Cluster Partition InstanceType Market    NodeHour DefaultTime CPUsPerNode "
              "GPUsPerNode Updated    \n"
              "------- --------- ------------ --------- -------- ----------- ----------- "
              "----------- ---------- \n"
              "all     aws-gpu   p3.2xlarge   on-demand     3.06    01:00:00           8 "
              "          1 2026-03-15 \n"
              "lab     aws-cpu   c5.large     on-demand    0.085                         "
              "            2026-03-15 \n");
    EXPECT_EQ(out({"rates", "list", "-P", "-n"}),
              "all|aws-gpu|p3.2xlarge|on-demand|3.06|01:00:00|8|1|2026-03-15\n"
              "lab|aws-cpu|c5.large|on-demand|0.085||||2026-03-15\n");
    EXPECT_EQ(out({"rates", "list", "-p", "format=Partition,NodeHour,cpuspernode,GPUsPerNode"}),
              "Partition|NodeHour|CPUsPerNode|GPUsPerNode|\n"
              "aws-gpu|3.06|8|1|\n"
              "aws-cpu|0.085|||\n");
    EXPECT_EQ(out({"rates", "list", "--json", "format=Partition,GPUsPerNode"}),
              "[\n"
              "  {\n"
              "    \"partition\": \"aws-gpu\",\n"
              "    \"gpus_per_node\": 1\n"
              "  },\n"
              "  {\n"
              "    \"partition\": \"aws-cpu\",\n"
              "    \"gpus_per_node\": null\n"
              "  }\n"
              "]\n");
    EXPECT_EQ(out({"rates", "list", "--json", "format=Partition,NodeHour,DefaultTime"}),
              "[\n"
              "  {\n"
              "    \"partition\": \"aws-gpu\",\n"
              "    \"node_hour\": \"3.06\",\n"
              "    \"default_time\": \"01:00:00\"\n"
              "  },\n"
              "  {\n"
              "    \"partition\": \"aws-cpu\",\n"
              "    \"node_hour\": \"0.085\",\n"
              "    \"default_time\": null\n"
              "  }\n"
              "]\n");
    auto unknown = asbb({"rates", "list", "format=Nope"});
    EXPECT_EQ(unknown.status, 2);
    EXPECT_EQ(unknown.err,
              "asbb: error: unknown field 'Nope' in format= (valid: Cluster, Partition, "
              "InstanceType, Market, NodeHour, DefaultTime, CPUsPerNode, GPUsPerNode, Updated)\n");
}

// A balance changed behind asbb's back (chem's held + $1.50) is listed.
TEST_F(CliGolden, CheckListingInEveryForm) {
    EXPECT_EQ(out({"check"}), "ledger ok: every balance equals its journal\n");
    session().exec("UPDATE budget SET held_micro = held_micro + 1500000 WHERE account = 'chem'");
    auto table = asbb({"check"});
    EXPECT_EQ(table.status, 1);
    EXPECT_EQ(table.out,
              "Table  ID Field      Stored Journal \n"
              "------ -- ---------- ------ ------- \n"
              "budget 3  held_micro   1.50    0.00 \n");
    EXPECT_EQ(asbb({"check", "-P"}).out,
              "Table|ID|Field|Stored|Journal\n"
              "budget|3|held_micro|1.50|0.00\n");
    EXPECT_EQ(asbb({"check", "-p", "-n", "format=Field,Stored,Journal"}).out,
              "held_micro|1.50|0.00|\n");
    // ids are text: a hold's id is 32 hex digits
    EXPECT_EQ(asbb({"check", "--json"}).out,
              "[\n"
              "  {\n"
              "    \"table\": \"budget\",\n"
              "    \"id\": \"3\",\n"
              "    \"field\": \"held_micro\",\n"
              "    \"stored\": \"1.50\",\n"
              "    \"journal\": \"0.00\"\n"
              "  }\n"
              "]\n");
}

}  // namespace
}  // namespace asbb::test
