// asbb bill import / bill show (issue 11) on the real MariaDB server: a
// month's report is recorded with its exact total, rounded once; the same
// content twice changes nothing; a newer version of the month replaces the
// earlier one; --dry-run writes nothing; and a file asbb cannot read gets one
// line naming file, line and reason, with nothing written.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDec2 = 1'796'212'800;  // 2026-12-02T12:00:00Z

const std::string kHeader =
    "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,"
    "lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ResourceId,lineItem/UsageType,"
    "lineItem/CurrencyCode,lineItem/UnblendedCost,product/legalEntity\n";

// A cost in 10^-10 dollars written as AWS might ("0.0850000000", "3.21E-2").
struct Cost {
    const char* text;
    int64_t tenth_nano;  // the same amount, for the test's own sum
};

std::string line(const std::string& type, const std::string& resource, const std::string& usage,
                 const Cost& cost, const std::string& currency = "USD") {
    return "id,123456789012,2026-11-01T00:00:00Z," + type +
           ",2026-11-05T04:00:00Z,2026-11-05T05:00:00Z," + resource + "," + usage + "," + currency +
           "," + cost.text + ",\"Amazon Web Services, Inc.\"\n";
}

const std::vector<std::tuple<std::string, std::string, std::string, Cost>> kLines = {
    {"Usage", "i-0aaa", "USE1-BoxUsage:c5.large", {"0.085", 850'000'000}},
    {"Usage", "i-0bbb", "USE1-SpotUsage:c5.large", {"3.21E-2", 321'000'000}},
    {"Usage", "vol-0c", "USE1-EBS:VolumeUsage.gp3", {"0.0001095891", 1'095'891}},
    {"Usage", "", "USE1-DataTransfer-Out-Bytes", {"9.052E-7", 9'052}},
    {"Tax", "", "", {"0.0110000005", 110'000'005}},
    {"Credit", "", "", {"-5e-2", -500'000'000}},
};

// Rounded once, half away from zero, from 10^-10 to 10^-6 dollars.
int64_t micro_of(int64_t tenth_nano) {
    const int64_t sign = tenth_nano < 0 ? -1 : 1;
    return sign * ((sign * tenth_nano + 5'000) / 10'000);
}

class CliBill : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kDec2);
        CliTest::SetUp();
        char pattern[] = "/tmp/asbb-bill-XXXXXX";
        ASSERT_NE(mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        std::filesystem::remove_all(dir_);
        CliTest::TearDown();
        restore_clock();
    }
    std::string write(const std::string& name, const std::string& text) {
        const std::string path = dir_ + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    std::string report(const std::string& extra = "") {
        std::string text = kHeader;
        for (const auto& [type, resource, usage, cost] : kLines) {
            text += line(type, resource, usage, cost);
        }
        return text + extra;
    }
    int64_t report_total_micro(int64_t extra_tenth_nano = 0) {
        int64_t sum = extra_tenth_nano;
        for (const auto& entry : kLines) sum += std::get<3>(entry).tenth_nano;
        return micro_of(sum);
    }
    int64_t rows() { return session().query("SELECT COUNT(*) FROM bill_import")[0].i64(0); }
    // "Period|Payer|ID|Lines|...|Total|" of bill show -P -n, one per line.
    std::string shown(const std::string& extra = "") {
        std::vector<std::string> args = {"bill", "show", "-P", "-n",
                                         "format=Period,Payer,ID,Lines,Total,Replaced"};
        if (!extra.empty()) args.push_back(extra);
        return out(args);
    }

    std::string dir_;
};

TEST_F(CliBill, ImportsTheMonthWithItsExactTotalRoundedOnce) {
    const std::string path = write("cur-1.csv", report());
    const std::string imported = out({"bill", "import", path, "-P", "-n"});
    const int64_t total = report_total_micro();
    EXPECT_EQ(total, 78'210);  // 0.0782104948 dollars, rounded once
    EXPECT_EQ(
        imported,
        "2026-11|123456789012|1|6|0.11721|-0.05|0.00|0.011|0.00|0.1171|0.07821|0.00|0.00|0.00|"
        "0.00|0.00|0.00|0.00|0.00|imported\n")
        << imported;
    EXPECT_EQ(shown(), "2026-11|123456789012|1|6|0.07821|\n");
    auto stored = session().query(
        "SELECT total_micro, instance_hours_micro, tax_micro, usage_micro, files, imported_by"
        " FROM bill_import");
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].i64(0), total);
    EXPECT_EQ(stored[0].i64(1), 117'100);
    EXPECT_EQ(stored[0].i64(2), micro_of(110'000'005));
    EXPECT_EQ(stored[0].i64(3), micro_of(850'000'000 + 321'000'000 + 1'095'891 + 9'052));
    EXPECT_EQ(stored[0].str(4), "cur-1.csv");
    EXPECT_FALSE(stored[0].str(5).empty());
}

TEST_F(CliBill, TheSameContentTwiceChangesNothing) {
    out({"bill", "import", write("cur-1.csv", report())});
    const std::string before = shown("--all-versions");
    const std::string again =
        out({"bill", "import", write("copy.csv", report()), "-P", "-n", "format=ID,Action"});
    EXPECT_EQ(again, "1|unchanged: the same as #1\n");
    EXPECT_EQ(rows(), 1);
    EXPECT_EQ(shown("--all-versions"), before);
}

TEST_F(CliBill, ANewerVersionOfTheMonthReplacesTheEarlier) {
    out({"bill", "import", write("v1.csv", report())});
    const std::string changed =
        report(line("Usage", "i-0ddd", "USE1-BoxUsage:c5.large", {"1.2500000004", 12'500'000'004}));
    EXPECT_EQ(out({"bill", "import", write("v2.csv", changed), "-P", "-n", "format=ID,Action"}),
              "2|replaced #1\n");
    const int64_t total = report_total_micro(12'500'000'004);
    const std::string total_text = "1.32821";
    EXPECT_EQ(total, 1'328'210);
    EXPECT_EQ(shown(), "2026-11|123456789012|2|7|" + total_text + "|\n");
    EXPECT_EQ(shown("--all-versions"),
              "2026-11|123456789012|1|6|0.07821|by #2\n"
              "2026-11|123456789012|2|7|" +
                  total_text + "|\n");
    // Back to v1's content: a version newer than v2, not a no-op.
    EXPECT_EQ(out({"bill", "import", dir_ + "/v1.csv", "-P", "-n", "format=ID,Action"}),
              "3|replaced #2\n");
    EXPECT_EQ(shown("--month=2026-11"), "2026-11|123456789012|3|6|0.07821|\n");
    EXPECT_EQ(shown("--month=2026-10"), "");
}

TEST_F(CliBill, DryRunSaysWhatItWouldDoAndWritesNothing) {
    const std::string v1 = write("v1.csv", report());
    EXPECT_EQ(out({"bill", "import", v1, "--dry-run", "-P", "-n", "format=ID,Total,Action"}),
              "|0.07821|would import\n");
    EXPECT_EQ(rows(), 0);
    out({"bill", "import", v1});
    const std::string v2 = write("v2.csv", report(line("Tax", "", "", {"1", 10'000'000'000})));
    EXPECT_EQ(out({"bill", "import", v2, "--dry-run", "-P", "-n", "format=Total,Action"}),
              "1.07821|would replace #1\n");
    EXPECT_EQ(out({"bill", "import", v1, "--dry-run", "-P", "-n", "format=Action"}),
              "unchanged: the same as #1\n");
    EXPECT_EQ(rows(), 1);
}

TEST_F(CliBill, AFileItCannotReadGetsOneLineAndWritesNothing) {
    out({"bill", "import", write("v1.csv", report())});
    const std::string before = shown("--all-versions");
    const std::string euro = write("eur.csv", report(line("Usage", "", "", {"1", 0}, "EUR")));
    expect_refused({"bill", "import", euro}, 1,
                   euro + ": line 8: currency EUR, but asbb accounts in USD (BillCurrency)");
    const std::string no_cost =
        write("no-cost.csv",
              "bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,"
              "lineItem/UsageStartDate\n1,2026-11-01T00:00:00Z,Usage,2026-11-01\n");
    expect_refused({"bill", "import", no_cost}, 1, "missing column lineItem/UnblendedCost");
    // The good file first: nothing of it is written when a later one fails.
    const std::string bad = write("bad.csv", report(line("Usage", "", "", {"lots", 0})));
    expect_refused({"bill", "import", write("v2.csv", report(line("Tax", "", "", {"1", 0}))), bad},
                   1, bad + ": line 8: line_item_unblended_cost: 'lots'");
    expect_refused({"bill", "import", dir_ + "/nothing.csv.gz"}, 1,
                   "nothing.csv.gz: cannot open: No such file or directory");
    const std::string manifest =
        write("r-Manifest.json", R"({"assemblyId":"a","reportKeys":["x/y/r-1.csv.gz"]})");
    expect_refused({"bill", "import", manifest}, 1,
                   "the manifest names r-1.csv.gz, which is not in");
    expect_refused({"bill", "import"}, 2, "usage: asbb bill import FILE...");
    expect_refused({"bill", "show", "--month=2026-13"}, 2, "--month: give YYYY-MM, got '2026-13'");
    expect_refused({"bill", "show", "--month=November"}, 2, "--month: give YYYY-MM");
    EXPECT_EQ(shown("--all-versions"), before);
    EXPECT_EQ(rows(), 1);
}

TEST_F(CliBill, ImportsTheFilesAManifestLists) {
    write("r-1.csv", report());
    write("r-2.csv", kHeader + line("Tax", "", "", {"0.5", 5'000'000'000}));
    const std::string manifest =
        write("r-Manifest.json",
              R"({"assemblyId":"asm-7","billingPeriod":{"start":"20261101T000000.000Z"},)"
              R"("reportKeys":["cur/r/20261101-20261201/asm-7/r-1.csv",)"
              R"("cur/r/20261101-20261201/asm-7/r-2.csv"]})");
    EXPECT_EQ(out({"bill", "import", manifest, "-P", "-n", "format=Lines,Total,Action"}),
              "7|0.57821|imported\n");
    auto stored = session().query("SELECT manifest_version, files FROM bill_import");
    EXPECT_EQ(stored[0].str(0), "asm-7");
    EXPECT_EQ(stored[0].str(1), "r-1.csv\nr-2.csv");
}

}  // namespace
}  // namespace asbb::test
