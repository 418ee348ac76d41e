// bill::read_cur on real files: plain and gzip CSV written with zlib, and
// manifests in the legacy and CUR 2.0 shapes; and each kind of bad file.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bill/cur_read.hpp"
#include "unit/file_test.hpp"

namespace asbb::bill {
namespace {

namespace fs = std::filesystem;

const std::string kLegacyHeader =
    "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,"
    "lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ResourceId,lineItem/UsageType,"
    "lineItem/CurrencyCode,lineItem/UnblendedCost,product/legalEntity,pricing/term\n";

// Columns in another order and named as CUR 2.0 names them.
const std::string kCur2Header =
    "line_item_unblended_cost,line_item_line_item_type,bill_payer_account_id,"
    "bill_billing_period_start_date,line_item_usage_start_date,line_item_resource_id,"
    "line_item_usage_type,resource_tags\n";

std::string legacy_line(const std::string& type, const std::string& resource,
                        const std::string& usage_type, const std::string& cost,
                        const std::string& currency = "USD") {
    return "x,"
           "123456789012,2026-11-01T00:00:00Z," +
           type + ",2026-11-05T04:00:00.000Z,2026-11-05T05:00:00.000Z," + resource + "," +
           usage_type + "," + currency + "," + cost + ",\"Amazon Web Services, Inc.\",\n";
}

// The month's lines: an on-demand and a Spot instance-hour, EBS, data
// transfer, tax and a credit; costs in exponent form and with 10 decimals.
std::string legacy_report() {
    return kLegacyHeader + legacy_line("Usage", "i-0aaa", "USE1-BoxUsage:c5.large", "0.085") +
           legacy_line("Usage", "i-0bbb", "USE1-SpotUsage:c5.large", "3.21E-2") +
           legacy_line("Usage", "vol-0ccc", "USE1-EBS:VolumeUsage.gp3", "0.0001095890") +
           legacy_line("Usage", "", "USE1-DataTransfer-Out-Bytes", "9.052E-7") +
           legacy_line("Tax", "", "", "0.0110") + legacy_line("Credit", "", "", "-0.05");
}

class BillRead : public test::FileTest {
  protected:
    std::string write_gz(const std::string& name, const std::string& text) {
        const std::string path = dir_ + "/" + name;
        gzFile gz = gzopen(path.c_str(), "wb");
        gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
        gzclose(gz);
        return path;
    }
    std::string error_of(const std::vector<std::string>& inputs, CurReadOptions options = {}) {
        auto reading = read_cur(inputs, options);
        return reading.ok() ? "(read)" : reading.error();
    }
};

TEST_F(BillRead, SumsEveryLineExactlyByKind) {
    auto reading = read_cur({write("cur.csv", legacy_report())}, {});
    ASSERT_TRUE(reading.ok()) << reading.error();
    ASSERT_EQ(reading->periods.size(), 1u);
    const CurPeriodTotal& month = reading->periods[0];
    EXPECT_EQ(month.billing_period, "2026-11");
    EXPECT_EQ(month.lines, 6);
    EXPECT_EQ(month.total.text(), "0.0782104942");
    EXPECT_EQ(month.cost_by_kind[static_cast<size_t>(CurLineKind::kUsage)].text(), "0.1172104942");
    EXPECT_EQ(month.cost_by_kind[static_cast<size_t>(CurLineKind::kTax)].text(), "0.011");
    EXPECT_EQ(month.cost_by_kind[static_cast<size_t>(CurLineKind::kDiscount)].text(), "-0.05");
    EXPECT_EQ(month.instance_hours_cost.text(), "0.1171");
    EXPECT_EQ(month.instance_hours_lines, 2);
    EXPECT_EQ(reading->lines, 6);
}

TEST_F(BillRead, GzipAndPlainOfTheSameTextAreTheSameReading) {
    auto plain = read_cur({write("cur.csv", legacy_report())}, {});
    auto packed = read_cur({write_gz("cur.csv.gz", legacy_report())}, {});
    ASSERT_TRUE(plain.ok() && packed.ok());
    EXPECT_EQ(plain->content_sha256, packed->content_sha256);
    EXPECT_EQ(plain->periods[0].total, packed->periods[0].total);
    auto other =
        read_cur({write("other.csv", legacy_report() + legacy_line("Tax", "", "", "1"))}, {});
    EXPECT_NE(other->content_sha256, plain->content_sha256);
}

TEST_F(BillRead, ReadsCur2ColumnNamesInAnyOrder) {
    const std::string text =
        kCur2Header +
        "0.17,Usage,123456789012,2026-11-01T00:00:00.000Z,2026-11-05T04:00:00.000Z,i-0aaa,"
        "BoxUsage:c5.large,\"{\"\"user_slurm_node\"\":\"\"aws-cpu-1\"\"}\"\n"
        "1e-1,Tax,123456789012,2026-11-01T00:00:00.000Z,2026-11-05T04:00:00.000Z,,,{}\n";
    auto reading = read_cur({write_gz("part-00001.csv.gz", text)}, {});
    ASSERT_TRUE(reading.ok()) << reading.error();
    EXPECT_EQ(reading->periods[0].total.text(), "0.27");
    EXPECT_EQ(reading->periods[0].instance_hours_lines, 1);
}

TEST_F(BillRead, ReadsTheFilesAManifestLists) {
    write_gz("report-1.csv.gz", legacy_report());
    write_gz("report-2.csv.gz", kLegacyHeader + legacy_line("Tax", "", "", "2"));
    const std::string legacy =
        write("report-Manifest.json",
              R"({"assemblyId":"a1b2","billingPeriod":{"start":"20261101T000000.000Z"},)"
              R"("reportKeys":["cur/report/20261101-20261201/a1b2/report-1.csv.gz",)"
              R"("cur/report/20261101-20261201/a1b2/report-2.csv.gz"]})");
    auto reading = read_cur({legacy}, {});
    ASSERT_TRUE(reading.ok()) << reading.error();
    EXPECT_EQ(reading->files.size(), 2u);
    EXPECT_EQ(reading->manifest_version, "a1b2");
    EXPECT_EQ(reading->periods[0].total.text(), "2.0782104942");
    const std::string cur2 = write(
        "export-Manifest.json",
        R"({"executionId":"e-9","dataFiles":["s3://b/p/data/BILLING_PERIOD=2026-11/report-2.csv.gz"]})");
    auto two = read_cur({cur2}, {});
    ASSERT_TRUE(two.ok()) << two.error();
    EXPECT_EQ(two->manifest_version, "e-9");
    EXPECT_EQ(two->lines, 1);
}

TEST_F(BillRead, EachBadFileGetsOneLineNamingFileLineAndReason) {
    const std::string gz =
        write_gz("cut.csv.gz", legacy_report() + legacy_line("Tax", "", "", "1"));
    fs::resize_file(gz, fs::file_size(gz) - 12);
    EXPECT_EQ(error_of({gz}), gz + ": the gzip data is cut short (truncated file)");

    const std::string no_cost =
        write("no-cost.csv",
              "bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,"
              "lineItem/UsageStartDate\n1,2026-11-01T00:00:00Z,Usage,2026-11-01T00:00:00Z\n");
    EXPECT_EQ(error_of({no_cost}), no_cost +
                                       ": not a Cost and Usage Report: missing column "
                                       "lineItem/UnblendedCost (line_item_unblended_cost)");

    const std::string euro = write("eur.csv", kLegacyHeader + legacy_line("Usage", "", "", "1") +
                                                  legacy_line("Usage", "", "", "1", "EUR"));
    EXPECT_EQ(error_of({euro}),
              euro + ": line 3: currency EUR, but asbb accounts in USD (BillCurrency)");
    CurReadOptions euros;
    euros.currency = "EUR";
    EXPECT_NE(error_of({euro}, euros).find("line 2: currency USD"), std::string::npos);

    const std::string huge = write(
        "huge.csv", kLegacyHeader + legacy_line("Usage", "", std::string(10 << 20, 'x'), "1"));
    EXPECT_EQ(error_of({huge}), huge + ": line 2: record longer than 1048576 bytes");

    const std::string png = write("logo.csv", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    EXPECT_EQ(error_of({png}), png + ": binary data (a NUL byte): not a CSV file");
    const std::string zip = write("cur.csv.zip", std::string("PK\x03\x04rest", 8));
    EXPECT_EQ(error_of({zip}),
              zip + ": a zip archive: asbb reads .csv and .csv.gz; unzip it first");
    const std::string text = write("notes.txt", "hello, world\nthis is not a bill\n");
    EXPECT_NE(error_of({text}).find(text + ": not a Cost and Usage Report: missing column"),
              std::string::npos);

    const std::string manifest =
        write("m-Manifest.json", R"({"assemblyId":"z","reportKeys":["a/b/report-9.csv.gz"]})");
    EXPECT_EQ(error_of({manifest}),
              manifest + ": the manifest names report-9.csv.gz, which is not in " + dir_);
    EXPECT_NE(
        error_of({write("broken-Manifest.json", "{\"reportKeys\": [")}).find("not a manifest"),
        std::string::npos);

    const std::string empty = write("empty.csv", "");
    EXPECT_EQ(error_of({empty}), empty + ": empty: no header line");
    const std::string header_only = write("header.csv", kLegacyHeader);
    EXPECT_EQ(error_of({header_only}), header_only + ": no line items after the header");
    const std::string bad_cost =
        write("bad.csv", kLegacyHeader + legacy_line("Usage", "", "", "12,5"));
    EXPECT_NE(error_of({bad_cost}).find(bad_cost + ": line 2: "), std::string::npos);
    EXPECT_EQ(error_of({dir_ + "/missing.csv"}),
              dir_ + "/missing.csv: cannot open: No such file or directory");
}

TEST_F(BillRead, AFileIsCountedOnce) {
    const std::string path = write("cur.csv", legacy_report());
    EXPECT_EQ(error_of({path, path}), path + ": given twice (a file's lines are counted once)");
    const std::string copy = write("copy.csv", legacy_report());
    EXPECT_EQ(error_of({path, copy}),
              "two of the files have the same content (a line is counted once)");
}

}  // namespace
}  // namespace asbb::bill
