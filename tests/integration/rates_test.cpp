// The rate card: db::set_rate/list_rates/find_rate/delete_rate and the
// `asbb rates` verbs; bad input is refused with one line and changes nothing,
// and a rate change never alters the price locked into an existing hold.
#include <algorithm>
#include <cstdlib>

#include "db/rates.hpp"
#include "integration/support/test_db.hpp"
#include "util/local_time.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;

class Rates : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        config_ = "--config=" + write_config();
    }

    void TearDown() override {
        unsetenv("ASBB_NOW");
        LedgerTest::TearDown();
    }

    CliResult asbb(std::vector<std::string> args) {
        args.insert(args.begin(), config_);
        return run_cli(args);
    }

    // Every rate and hold, as one comparable text.
    std::string state() {
        std::string text;
        for (const char* sql :
             {"SELECT CONCAT_WS('|', cluster, partition_name, instance_type, node_hour_price_micro,"
              " COALESCE(default_time_limit_s, 'NULL'), updated_at, actor) FROM rate"
              " ORDER BY cluster, partition_name",
              "SELECT CONCAT_WS('|', id, state, node_hour_price_micro, amount_micro, held_micro)"
              " FROM hold ORDER BY id"}) {
            for (const auto& row : session().query(sql)) text += row.str(0) + "\n";
        }
        return text;
    }

    // Runs a command that must fail with `status`: one line "asbb: error:
    // ...", naming `needle`, and no change to rates or holds.
    void expect_refused(std::vector<std::string> args, int status, const std::string& needle) {
        const std::string before = state();
        auto result = asbb(args);
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        EXPECT_EQ(result.status, status) << joined << " -> " << result.err;
        EXPECT_EQ(result.err.rfind("asbb: error: ", 0), 0u) << joined << " -> " << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_NE(result.err.find(needle), std::string::npos)
            << joined << " -> " << result.err << " (wanted '" << needle << "')";
        EXPECT_EQ(result.out, "") << joined;
        EXPECT_EQ(state(), before) << joined;
    }

    std::string config_;
};

TEST_F(Rates, SetThenList) {
    const int64_t now = 1'750'000'000;
    setenv("ASBB_NOW", std::to_string(now).c_str(), 1);
    auto set = asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                     "--node-hour=3.06", "--default-time=1:00:00"});
    ASSERT_EQ(set.status, 0) << set.err;
    EXPECT_NE(set.out.find("$3.06"), std::string::npos) << set.out;
    set = asbb({"rates", "set", "--partition=aws-cpu", "--instance-type=c5.large",
                "--node-hour=0.085", "--cluster=lab"});
    ASSERT_EQ(set.status, 0) << set.err;
    EXPECT_NE(set.out.find("$0.085 per node-hour"), std::string::npos) << set.out;
    set = asbb({"rates", "set", "--partition=aws-mem", "--instance-type=r5.24xlarge",
                "--node-hour=6.048", "--default-time=2-00:00:00", "--cluster=all"});
    ASSERT_EQ(set.status, 0) << set.err;

    auto listed = asbb({"rates", "list", "-P", "-n",
                        "format=Cluster,Partition,InstanceType,NodeHour,DefaultTime,Updated"});
    ASSERT_EQ(listed.status, 0) << listed.err;
    const std::string day = format_local_date(now);
    EXPECT_EQ(listed.out, "all|aws-gpu|p3.2xlarge|3.06|01:00:00|" + day +
                              "\n"
                              "all|aws-mem|r5.24xlarge|6.048|2-00:00:00|" +
                              day +
                              "\n"
                              "lab|aws-cpu|c5.large|0.085||" +
                              day + "\n");

    auto lab = asbb({"rates", "list", "--cluster=lab", "-P", "-n", "format=Partition"});
    EXPECT_EQ(lab.out, "aws-cpu\n") << lab.err;
    auto all = asbb({"rates", "list", "--cluster=all", "-P", "-n", "format=Partition"});
    EXPECT_EQ(all.out, "aws-gpu\naws-mem\n") << all.err;

    auto table = asbb({"rates", "list"});
    ASSERT_EQ(table.status, 0) << table.err;
    for (const char* header :
         {"Cluster", "Partition", "InstanceType", "NodeHour", "DefaultTime", "Updated"}) {
        EXPECT_NE(table.out.find(header), std::string::npos) << table.out;
    }
    auto json = asbb({"rates", "list", "--json", "format=Partition,NodeHour"});
    EXPECT_NE(json.out.find("\"node_hour\": \"0.085\""), std::string::npos) << json.out;

    EXPECT_EQ(scalar("SELECT node_hour_price_micro FROM rate WHERE partition_name = 'aws-gpu'"),
              3'060'000);
    EXPECT_EQ(scalar("SELECT default_time_limit_s FROM rate WHERE partition_name = 'aws-gpu'"),
              3600);
    EXPECT_EQ(scalar("SELECT updated_at FROM rate WHERE partition_name = 'aws-gpu'"), now);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM rate WHERE default_time_limit_s IS NULL"), 1);
}

TEST_F(Rates, GpusPerNodeIsKeptAndReplacedWithTheRate) {
    auto set = asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.8xlarge",
                     "--node-hour=12.24", "--cpus-per-node=32", "--gpus-per-node=4"});
    ASSERT_EQ(set.status, 0) << set.err;
    auto rate = db::find_rate(session(), "lab", "aws-gpu");
    ASSERT_TRUE(rate.has_value());
    EXPECT_EQ(rate->gpus_per_node, std::optional<int64_t>{4});
    EXPECT_EQ(rate->cpus_per_node, std::optional<int64_t>{32});
    EXPECT_EQ(asbb({"rates", "list", "-P", "-n", "format=Partition,GPUsPerNode"}).out,
              "aws-gpu|4\n");
    // Replaced as a whole: no --gpus-per-node now means none.
    ASSERT_EQ(asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.8xlarge",
                    "--node-hour=12.24"})
                  .status,
              0);
    EXPECT_FALSE(db::find_rate(session(), "lab", "aws-gpu")->gpus_per_node.has_value());
}

TEST_F(Rates, SetReplacesTheRate) {
    ASSERT_EQ(asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                    "--node-hour=3.06", "--default-time=1:00:00"})
                  .status,
              0);
    auto replaced = asbb(
        {"rates", "set", "--partition=aws-gpu", "--instance-type=p3.8xlarge", "--node-hour=12.24"});
    ASSERT_EQ(replaced.status, 0) << replaced.err;
    auto listed = asbb({"rates", "list", "-P", "-n",
                        "format=Cluster,Partition,InstanceType,NodeHour,DefaultTime"});
    // Replaced as a whole: no --default-time now means none.
    EXPECT_EQ(listed.out, "all|aws-gpu|p3.8xlarge|12.24|\n");
    EXPECT_EQ(count("rate"), 1);
}

TEST_F(Rates, ClusterSpecificRateBeatsTheAllClustersOne) {
    db::Rate all{"", "aws-gpu", "p3.2xlarge", Money{3'060'000}, 3600, 0, 8};
    db::Rate lab{"lab", "aws-gpu", "p3.2xlarge", Money{2'500'000}, std::nullopt, 0, std::nullopt};
    db::set_rate(session(), all, "test", now_s_);
    auto only_all = db::find_rate(session(), "lab", "aws-gpu");
    ASSERT_TRUE(only_all.has_value());
    EXPECT_EQ(only_all->cluster, "");
    EXPECT_EQ(only_all->cpus_per_node, std::optional<int64_t>{8});
    db::set_rate(session(), lab, "test", now_s_);

    auto on_lab = db::find_rate(session(), "lab", "aws-gpu");
    ASSERT_TRUE(on_lab.has_value());
    EXPECT_EQ(on_lab->cluster, "lab");
    EXPECT_EQ(on_lab->node_hour_price.micro, 2'500'000);
    EXPECT_FALSE(on_lab->default_time_limit_s.has_value());
    EXPECT_EQ(on_lab->updated_at, now_s_);

    auto elsewhere = db::find_rate(session(), "other", "aws-gpu");
    ASSERT_TRUE(elsewhere.has_value());
    EXPECT_EQ(elsewhere->cluster, "");
    EXPECT_EQ(elsewhere->node_hour_price.micro, 3'060'000);
    EXPECT_EQ(elsewhere->default_time_limit_s, std::optional<int64_t>(3600));
    EXPECT_EQ(elsewhere->instance_type, "p3.2xlarge");

    EXPECT_FALSE(db::find_rate(session(), "lab", "aws-cpu").has_value());
    // Partition names keep their case: another case is another partition.
    EXPECT_FALSE(db::find_rate(session(), "lab", "AWS-GPU").has_value());

    auto rates = db::list_rates(session());
    ASSERT_EQ(rates.size(), 2u);
    EXPECT_EQ(rates[0].cluster, "");
    EXPECT_EQ(rates[1].cluster, "lab");

    EXPECT_TRUE(db::delete_rate(session(), "lab", "aws-gpu"));
    EXPECT_FALSE(db::delete_rate(session(), "lab", "aws-gpu"));
    auto fallback = db::find_rate(session(), "lab", "aws-gpu");
    ASSERT_TRUE(fallback.has_value());
    EXPECT_EQ(fallback->cluster, "");
}

TEST_F(Rates, Delete) {
    ASSERT_EQ(asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                    "--node-hour=3.06"})
                  .status,
              0);
    ASSERT_EQ(asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                    "--node-hour=2.5", "--cluster=lab"})
                  .status,
              0);
    auto deleted = asbb({"rates", "delete", "--partition=aws-gpu", "--cluster=lab"});
    ASSERT_EQ(deleted.status, 0) << deleted.err;
    EXPECT_EQ(asbb({"rates", "list", "-P", "-n", "format=Cluster,NodeHour"}).out, "all|3.06\n");
    expect_refused({"rates", "delete", "--partition=aws-gpu", "--cluster=lab"}, 1, "no rate");
    deleted = asbb({"rates", "delete", "--partition=aws-gpu"});
    ASSERT_EQ(deleted.status, 0) << deleted.err;
    EXPECT_EQ(asbb({"rates", "list", "-n"}).out, "");
    EXPECT_EQ(count("rate"), 0);
    expect_refused({"rates", "delete", "--partition=aws-gpu"}, 1, "no rate");
}

TEST_F(Rates, BadInputIsRefusedAndChangesNothing) {
    ASSERT_EQ(asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                    "--node-hour=3.06", "--default-time=1:00:00"})
                  .status,
              0);
    auto set = [](std::string partition, std::string price, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"rates", "set", "--partition=" + partition,
                                      "--instance-type=p3.2xlarge", "--node-hour=" + price};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    expect_refused(set("aws-gpu", "-1"), 2, "node-hour");
    expect_refused(set("aws-gpu", "3.0600001"), 2, "6 decimals");
    expect_refused(set("aws-gpu", "lots"), 2, "lots");
    expect_refused(set("aws-gpu", "2000000000"), 2, "largest amount");
    expect_refused(set("aws'gpu", "3.06"), 2, "invalid partition name");
    expect_refused(set("aws\"gpu", "3.06"), 2, "invalid");
    expect_refused(set("aws-gpu", "3.06", {"--default-time=UNLIMITED"}), 2,
                   "a default time limit must be finite");
    expect_refused(set("aws-gpu", "3.06", {"--default-time=0"}), 2,
                   "a default time limit must be finite");
    expect_refused(set("aws-gpu", "3.06", {"--default-time=1:99:00"}), 2, "time limit");
    expect_refused(set("aws-gpu", "3.06", {"--gpus-per-node=0"}), 2,
                   "--gpus-per-node: '0' is not a whole number from 1 to 1000");
    expect_refused(set("aws-gpu", "3.06", {"--gpus-per-node=1001"}), 2, "1 to 1000");
    expect_refused(set("aws-gpu", "3.06", {"--gpus-per-node=four"}), 2, "--gpus-per-node");
    expect_refused(set("aws-gpu", "3.06", {"--cpus-per-node=0"}), 2,
                   "--cpus-per-node: '0' is not a whole number from 1 to 100000");
    expect_refused(set("aws-gpu", "3.06", {"--cluster=nosuch"}), 1, "no cluster");
    expect_refused(set("aws-gpu", "3.06", {"--cluster=La'b"}), 2, "invalid");
    expect_refused({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge"}, 2,
                   "--node-hour is required");
    expect_refused({"rates", "set", "--partition=aws'gpu", "--instance-type=p3.2xlarge"}, 2,
                   "--node-hour is required");
    expect_refused(
        {"rates", "set", "--partition=aws-gpu", "--instance-type=p3 2xlarge", "--node-hour=3.06"},
        2, "instance type");
    expect_refused({"rates", "set", "--partition=aws-gpu",
                    "--instance-type=" + std::string(65, 'p'), "--node-hour=3.06"},
                   2, "instance type");
    expect_refused({"rates", "set", "--partition=aws-gpu", "--instance-type=", "--node-hour=3.06"},
                   2, "instance type");
    expect_refused({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                    "--node-hour=3.06", "--bogus=1"},
                   2, "bogus");
    expect_refused({"rates", "delete"}, 2, "--partition is required");
    expect_refused({"rates", "delete", "--partition=aws'gpu"}, 2, "invalid");
    expect_refused({"rates", "list", "format=Partition,Nope"}, 2, "Nope");
    expect_refused({"rates", "frobnicate"}, 2, "unknown rates verb");
    expect_refused({"rates"}, 2, "usage");

    // A zero price is allowed (a free partition still gets a default time).
    ASSERT_EQ(asbb(set("aws-gpu", "0")).status, 0);
    EXPECT_EQ(scalar("SELECT node_hour_price_micro FROM rate"), 0);
}

// Issue 13, defect 4: --default-time=99999999999:00:00 was stored as
// 359999999996400 s, and every job without --time then needed a hold for it.
// A default time is at most MaxDefaultTime (365 days unless configured) and
// never beyond SLURM's longest finite limit (0xfffffffe minutes).
TEST_F(Rates, DefaultTimeBeyondTheLimitsIsRefused) {
    auto set = [](const std::string& default_time) {
        return std::vector<std::string>{"rates",
                                        "set",
                                        "--partition=aws-gpu",
                                        "--instance-type=p3.2xlarge",
                                        "--node-hour=3.06",
                                        "--default-time=" + default_time};
    };
    expect_refused(set("99999999999:00:00"), 2, "longer than 365-00:00:00 (MaxDefaultTime");
    expect_refused(set("365-00:00:01"), 2, "longer than 365-00:00:00");
    expect_refused(set("4294967295"), 2, "MaxDefaultTime");
    EXPECT_EQ(count("rate"), 0);
    auto longest = asbb(set("365-00:00:00"));
    ASSERT_EQ(longest.status, 0) << longest.err;
    EXPECT_EQ(scalar("SELECT default_time_limit_s FROM rate"), 365 * 86400);

    // MaxDefaultTime lowers the limit; raised to SLURM's own, that one holds.
    config_ = "--config=" + write_config("MaxDefaultTime=2-00:00:00\n");
    expect_refused(set("2-00:01:00"), 2, "longer than 2-00:00:00 (MaxDefaultTime in asbb.conf)");
    ASSERT_EQ(asbb(set("2-00:00:00")).status, 0);
    config_ = "--config=" + write_config("MaxDefaultTime=4294967294\n");
    expect_refused(set("4294967295"), 2, "longer than 2982616-04:14:00");
    expect_refused(set("99999999999:00:00"), 2, "2982616-04:14:00");
    ASSERT_EQ(asbb(set("4294967294")).status, 0);
    EXPECT_EQ(scalar("SELECT default_time_limit_s FROM rate"), int64_t{4294967294} * 60);
}

TEST_F(Rates, ChangingARateLeavesExistingHoldsAlone) {
    ASSERT_EQ(asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                    "--node-hour=3.06", "--cluster=lab"})
                  .status,
              0);
    make_budget("proj001", 1000 * kDollar);
    auto rate = db::find_rate(session(), "lab", "aws-gpu");
    ASSERT_TRUE(rate.has_value());
    auto request = hold_request("proj001", 4 * kDollar, "aws-gpu");
    request.node_hour_price = rate->node_hour_price;
    ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);

    const char* hold_row =
        "SELECT CONCAT_WS('|', state, partition_name, node_hour_price_micro, estimate_micro,"
        " amount_micro, held_micro, updated_at) FROM hold";
    auto before = session().query(hold_row);
    ASSERT_EQ(before.size(), 1u);
    EXPECT_EQ(scalar("SELECT node_hour_price_micro FROM hold"), 3'060'000);

    auto changed = asbb({"rates", "set", "--partition=aws-gpu", "--instance-type=p3.2xlarge",
                         "--node-hour=9.18", "--cluster=lab"});
    ASSERT_EQ(changed.status, 0) << changed.err;
    EXPECT_EQ(db::find_rate(session(), "lab", "aws-gpu")->node_hour_price.micro, 9'180'000);
    auto after = session().query(hold_row);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].str(0), before[0].str(0));
    EXPECT_EQ(scalar("SELECT node_hour_price_micro FROM hold"), 3'060'000);

    ASSERT_EQ(asbb({"rates", "delete", "--partition=aws-gpu", "--cluster=lab"}).status, 0);
    EXPECT_EQ(session().query(hold_row)[0].str(0), before[0].str(0));
    auto check = asbb({"check"});
    EXPECT_EQ(check.status, 0) << check.out << check.err;
}

}  // namespace
}  // namespace asbb::test
