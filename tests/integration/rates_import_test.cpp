// asbb rates import (issue 11) on the real MariaDB server. --price-list: the
// node-hour prices of the On-Demand partitions whose instance type AWS's
// Price List prices, from the bulk offer file or get-products output alike.
// --spot-history: Spot partitions at the highest Spot price of their type
// over SpotPriceWindow, counting the price in effect at the window's start;
// the history is kept, and the same file twice adds nothing. The other
// fields and every existing hold's locked price stay; --dry-run writes
// nothing; and a file or region with no usable price changes nothing.
#include <cstdio>
#include <fstream>

#include "db/rates.hpp"
#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;
const std::string kFixtures = std::string(ASBB_SOURCE_DIR) + "/tests/fixtures/price-list/";
const std::string kOffer = "--price-list=" + kFixtures + "ec2-offer-excerpt.json";
const std::string kGetProducts = "--price-list=" + kFixtures + "get-products.json";

class RatesImport : public CliTest {
  protected:
    void SetUp() override {
        CliTest::SetUp();
        set_rate("aws-cpu", "c5.large", "0.10", {"--default-time=1:00:00", "--cpus-per-node=2"});
        set_rate("aws-gpu", "p3.2xlarge", "3.06");
        set_rate("aws-big", "x2iedn.32xlarge", "26.68");  // not in the fixtures
    }
    void set_rate(const std::string& partition, const std::string& type, const std::string& price,
                  std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"rates",
                                         "set",
                                         "--partition=" + partition,
                                         "--instance-type=" + type,
                                         "--node-hour=" + price,
                                         "--cluster=lab"};
        args.insert(args.end(), extra.begin(), extra.end());
        out(args);
    }
    int64_t price_micro(const std::string& partition) {
        return db::find_rate(session(), "lab", partition)->node_hour_price.micro;
    }
};

TEST_F(RatesImport, SetsThePricesTheFileHasAndListsWhatItDid) {
    for (const auto& file : {kOffer, kGetProducts}) {
        set_rate("aws-cpu", "c5.large", "0.10", {"--default-time=1:00:00", "--cpus-per-node=2"});
        expect_output(
            {"rates", "import", file, "--region=us-east-1", "-P"},
            "Cluster|Partition|InstanceType|Market|NodeHour|Imported|Action\n"
            "lab|aws-big|x2iedn.32xlarge|on-demand|26.68||kept: no price for x2iedn.32xlarge in "
            "us-east-1\n"
            "lab|aws-cpu|c5.large|on-demand|0.10|0.085|updated\n"
            "lab|aws-gpu|p3.2xlarge|on-demand|3.06|3.06|unchanged\n");
        EXPECT_EQ(price_micro("aws-cpu"), 85'000) << file;
        EXPECT_EQ(price_micro("aws-gpu"), 3'060'000) << file;
        EXPECT_EQ(price_micro("aws-big"), 26'680'000) << file;
        // Only the price: the default time and CPUs per node stay.
        const auto cpu = db::find_rate(session(), "lab", "aws-cpu");
        EXPECT_EQ(cpu->default_time_limit_s, 3600);
        EXPECT_EQ(cpu->cpus_per_node, 2);
    }
}

TEST_F(RatesImport, DryRunWritesNothing) {
    const std::string before = ledger_state();
    expect_output({"rates", "import", kOffer, "--region=us-east-1", "--dry-run", "-P", "-n",
                   "format=Partition,Imported,Action"},
                  "aws-big||kept: no price for x2iedn.32xlarge in us-east-1\n"
                  "aws-cpu|0.085|would update\n"
                  "aws-gpu|3.06|unchanged\n");
    EXPECT_EQ(ledger_state(), before);
}

TEST_F(RatesImport, ExistingHoldsKeepTheirLockedPrice) {
    make_budget("proj001", 100 * kDollar);
    auto request = hold_request("proj001", 2 * kDollar, "aws-cpu");
    request.node_hour_price = db::find_rate(session(), "lab", "aws-cpu")->node_hour_price;
    ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    const char* hold_row =
        "SELECT CONCAT_WS('|', state, node_hour_price_micro, estimate_micro, amount_micro,"
        " held_micro, updated_at) FROM hold";
    const auto before = session().query(hold_row).at(0).str(0);
    out({"rates", "import", kOffer, "--region=us-east-1"});
    EXPECT_EQ(price_micro("aws-cpu"), 85'000);
    EXPECT_EQ(session().query(hold_row).at(0).str(0), before);
    EXPECT_EQ(scalar("SELECT node_hour_price_micro FROM hold"), 100'000);
    auto check = asbb({"check"});
    EXPECT_EQ(check.status, 0) << check.out << check.err;
}

TEST_F(RatesImport, BadInputIsRefusedAndChangesNothing) {
    expect_refused({"rates", "import", "--region=us-east-1"}, 2, "give one of --price-list");
    expect_refused({"rates", "import", kOffer}, 2, "--region is required");
    expect_refused({"rates", "import", kOffer, "--region=US East"}, 2, "not an AWS region code");
    expect_refused({"rates", "import", kOffer, "--region=us-east-1'; DROP TABLE rate; --"}, 2,
                   "not an AWS region code");
    expect_refused({"rates", "import", kOffer, "--region=eu-west-1"}, 1,
                   "no On-Demand Linux instance price in USD for region eu-west-1");
    expect_refused({"rates", "import", "--price-list=/nonexistent.json", "--region=us-east-1"}, 1,
                   "cannot open");
    expect_refused(
        {"rates", "import", "--price-list=" + kFixtures + "README", "--region=us-east-1"}, 1,
        "not JSON");
    expect_refused({"rates", "import", kOffer, "--region=us-east-1", "--cluster=nosuch"}, 1,
                   "no rate to price");
}

TEST_F(RatesImport, ARateCardTheFileDoesNotPriceIsRefused) {
    out({"rates", "delete", "--partition=aws-cpu", "--cluster=lab"});
    out({"rates", "delete", "--partition=aws-gpu", "--cluster=lab"});
    expect_refused({"rates", "import", kOffer, "--region=us-east-1"}, 1,
                   "no usable price in region us-east-1 for x2iedn.32xlarge");
}

constexpr int64_t kDec2 = 1'796'212'800;  // 2026-12-02T12:00:00Z
const std::string kSpot =
    "--spot-history=" + kFixtures + "../spot-history/describe-spot-price-history.json";

class SpotImport : public RatesImport {
  protected:
    void SetUp() override {
        fix_clock("UTC", kDec2);
        RatesImport::SetUp();
        set_rate("aws-spot", "c5.large", "0.05", {"--market=spot"});
        set_rate("gpu-spot", "p3.2xlarge", "2", {"--market=spot"});
    }
    void TearDown() override {
        RatesImport::TearDown();
        restore_clock();
    }
};

TEST_F(SpotImport, SpotRatesTakeTheHighestPriceOfTheWindow) {
    const std::string listing =
        "Partition|Market|NodeHour|Imported|Action\n"
        "aws-big|on-demand|26.68||kept: an On-Demand rate (see --price-list)\n"
        "aws-cpu|on-demand|0.10||kept: an On-Demand rate (see --price-list)\n"
        "aws-gpu|on-demand|3.06||kept: an On-Demand rate (see --price-list)\n";
    expect_output(
        {"rates", "import", kSpot, "-P", "format=Partition,Market,NodeHour,Imported,Action"},
        listing + "aws-spot|spot|0.05|0.04|updated\n" + "gpu-spot|spot|2.00|1.025|updated\n");
    EXPECT_EQ(price_micro("aws-spot"), 40'000);
    EXPECT_EQ(price_micro("gpu-spot"), 1'025'000);
    EXPECT_EQ(price_micro("aws-cpu"), 100'000);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM spot_price"), 9);

    // The same file again: nothing new, nothing to change.
    const std::string before = ledger_state();
    expect_output({"rates", "import", kSpot, "-P", "-n", "format=Partition,Action"},
                  "aws-big|kept: an On-Demand rate (see --price-list)\n"
                  "aws-cpu|kept: an On-Demand rate (see --price-list)\n"
                  "aws-gpu|kept: an On-Demand rate (see --price-list)\n"
                  "aws-spot|unchanged\n"
                  "gpu-spot|unchanged\n");
    EXPECT_EQ(ledger_state(), before);

    // A Price List leaves Spot rates to the Spot history.
    expect_output(
        {"rates", "import", kOffer, "--region=us-east-1", "-P", "-n", "format=Partition,Action"},
        "aws-big|kept: no price for x2iedn.32xlarge in us-east-1\n"
        "aws-cpu|updated\n"
        "aws-gpu|unchanged\n"
        "aws-spot|kept: a Spot rate (see --spot-history)\n"
        "gpu-spot|kept: a Spot rate (see --spot-history)\n");
    EXPECT_EQ(price_micro("aws-spot"), 40'000);
}

TEST_F(SpotImport, ALaterWindowNoLongerCountsAnOldPeak) {
    out({"rates", "import", kSpot});
    EXPECT_EQ(price_micro("aws-spot"), 40'000);
    // Four days later the window starts 11-29T12:00: us-east-1a then had
    // 0.036 (set 11-28), 1b 0.038 (11-22), 1c 0.037; later 0.0385 and 0.034.
    restore_clock();
    fix_clock("UTC", kDec2 + 4 * 86'400);
    out({"rates", "import", kSpot});
    EXPECT_EQ(price_micro("aws-spot"), 38'500);
}

TEST_F(SpotImport, DryRunWritesNothing) {
    const std::string before = ledger_state();
    expect_output({"rates", "import", kSpot, "--dry-run", "-P", "-n", "format=Partition,Action"},
                  "aws-big|kept: an On-Demand rate (see --price-list)\n"
                  "aws-cpu|kept: an On-Demand rate (see --price-list)\n"
                  "aws-gpu|kept: an On-Demand rate (see --price-list)\n"
                  "aws-spot|would update\n"
                  "gpu-spot|would update\n");
    EXPECT_EQ(ledger_state(), before);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM spot_price"), 0);
}

TEST_F(SpotImport, BadInputIsRefusedAndChangesNothing) {
    expect_refused({"rates", "import"}, 2, "give one of --price-list");
    expect_refused({"rates", "import", kSpot, kOffer, "--region=us-east-1"}, 2,
                   "give one of --price-list");
    expect_refused({"rates", "import", kSpot, "--region=us-east-1"}, 2, "--region goes with");
    expect_refused({"rates", "set", "--partition=p", "--instance-type=c5.large", "--node-hour=1",
                    "--market=reserved"},
                   2, "is not on-demand or spot");
    expect_refused({"rates", "import", "--spot-history=" + kFixtures + "get-products.json"}, 1,
                   "not a Spot price history");
    out({"rates", "import", kSpot});
    // An edited copy: a change already imported, now with another price.
    const std::string edited = "/tmp/asbb-spot-edited.json";
    std::ofstream(edited) << "{\"SpotPriceHistory\": [{\"AvailabilityZone\": \"us-east-1a\","
                             " \"InstanceType\": \"c5.large\", \"ProductDescription\":"
                             " \"Linux/UNIX\", \"SpotPrice\": \"0.5\", \"Timestamp\":"
                             " \"2026-12-01T03:00:00Z\"}]}";
    expect_refused({"rates", "import", "--spot-history=" + edited}, 1,
                   "is 0.50 here but was imported as 0.034");
    std::remove(edited.c_str());
}

TEST_F(SpotImport, ARateCardWithoutSpotRatesIsRefused) {
    out({"rates", "delete", "--partition=aws-spot", "--cluster=lab"});
    out({"rates", "delete", "--partition=gpu-spot", "--cluster=lab"});
    expect_refused({"rates", "import", kSpot}, 1, "no Spot rate of the rate card");
}

}  // namespace
}  // namespace asbb::test
