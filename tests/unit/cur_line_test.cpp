#include "core/cur_line.hpp"

#include <gtest/gtest.h>

#include "core/time_parse.hpp"

namespace asbb {
namespace {

const std::vector<std::string> kLegacyHeader = {
    "identity/LineItemId",    "bill/PayerAccountId",     "bill/BillingPeriodStartDate",
    "lineItem/LineItemType",  "lineItem/UsageStartDate", "lineItem/UsageEndDate",
    "lineItem/ResourceId",    "lineItem/UsageType",      "lineItem/CurrencyCode",
    "lineItem/UnblendedCost",
};

CurColumns legacy_columns() {
    auto columns = read_cur_header(kLegacyHeader);
    EXPECT_TRUE(columns.ok());
    return *columns;
}

std::vector<std::string> line_of(std::string type, std::string resource, std::string usage_type,
                                 std::string cost) {
    return {"id1",
            "123456789012",
            "2026-11-01T00:00:00Z",
            std::move(type),
            "2026-11-05T04:00:00.000Z",
            "2026-11-05T05:00:00.000Z",
            std::move(resource),
            std::move(usage_type),
            "USD",
            std::move(cost)};
}

TEST(CurTimestamp, ReadsTheFormsAwsWrites) {
    const int64_t want = days_from_civil(2023, 11, 5) * 86400 + 4 * 3600;
    EXPECT_EQ(*parse_cur_timestamp("2023-11-05T04:00:00Z"), want);
    EXPECT_EQ(*parse_cur_timestamp("2023-11-05T04:00:00.000Z"), want);
    EXPECT_EQ(*parse_cur_timestamp("2023-11-05 04:00:00"), want);
    EXPECT_EQ(*parse_cur_timestamp("2023-11-05T04:00:00+00:00"), want);
    EXPECT_EQ(*parse_cur_timestamp("2023-11-05T04:00Z"), want);
    EXPECT_EQ(*parse_cur_timestamp("2023-11-05"), want - 4 * 3600);
}

TEST(CurTimestamp, RefusesWhatIsNotAUtcTimestamp) {
    for (const char* bad :
         {"", "2023-11-5T04:00:00Z", "2023/11/05", "2023-13-01T00:00:00Z", "2023-02-30T00:00:00Z",
          "2023-11-05T04:00:00+02:00", "yesterday", "2023-11-05T24:00:00Z", "2023-11-05T04:0"}) {
        EXPECT_FALSE(parse_cur_timestamp(bad).ok()) << bad;
    }
}

TEST(CurLine, ReadsAnInstanceHourExactly) {
    auto line = read_cur_line(legacy_columns(),
                              line_of("Usage", "i-0abc", "USE1-SpotUsage:c5.large", "9.052E-7"));
    ASSERT_TRUE(line.ok()) << line.error();
    EXPECT_EQ(line->billing_period, "2026-11");
    EXPECT_EQ(line->payer_account, "123456789012");
    EXPECT_EQ(line->kind, CurLineKind::kUsage);
    EXPECT_EQ(line->usage_end_s - line->usage_start_s, 3600);
    EXPECT_EQ(line->cost.text(), "0.0000009052");
    EXPECT_TRUE(line->is_instance_hours());
}

TEST(CurLine, ClassifiesLineItemTypes) {
    const std::pair<const char*, CurLineKind> cases[] = {
        {"Usage", CurLineKind::kUsage},
        {"SavingsPlanCoveredUsage", CurLineKind::kUsage},
        {"SavingsPlanNegation", CurLineKind::kDiscount},
        {"Credit", CurLineKind::kDiscount},
        {"Tax", CurLineKind::kTax},
        {"RIFee", CurLineKind::kFee},
        {"SomethingNew", CurLineKind::kOther},
    };
    for (const auto& [type, kind] : cases) {
        auto line = read_cur_line(legacy_columns(), line_of(type, "", "", "-1.5"));
        ASSERT_TRUE(line.ok()) << type;
        EXPECT_EQ(line->kind, kind) << type;
        EXPECT_FALSE(line->is_instance_hours()) << type;
    }
    EXPECT_STREQ(cur_line_kind_name(CurLineKind::kDiscount), "discount");
}

TEST(CurLine, OnlyBoxAndSpotUsageOfAnInstanceIsInstanceHours) {
    auto ebs =
        read_cur_line(legacy_columns(), line_of("Usage", "vol-1", "EBS:VolumeUsage.gp3", "1"));
    auto box = read_cur_line(legacy_columns(), line_of("Usage", "i-1", "BoxUsage:c5.large", "1"));
    auto transfer =
        read_cur_line(legacy_columns(), line_of("Usage", "i-1", "DataTransfer-Out-Bytes", "1"));
    EXPECT_FALSE(ebs->is_instance_hours());
    EXPECT_TRUE(box->is_instance_hours());
    EXPECT_FALSE(transfer->is_instance_hours());
}

TEST(CurLine, AnUnreadableFieldNamesItsColumn) {
    auto columns = legacy_columns();
    auto cost = read_cur_line(columns, line_of("Usage", "", "", "1.2.3"));
    ASSERT_FALSE(cost.ok());
    EXPECT_NE(cost.error().find("line_item_unblended_cost: '1.2.3'"), std::string::npos)
        << cost.error();
    EXPECT_NE(read_cur_line(columns, line_of("Usage", "", "", "")).error().find("is blank"),
              std::string::npos);
    auto fields = line_of("Usage", "", "", "1");
    fields[1] = "12345678901x";
    EXPECT_NE(read_cur_line(columns, fields).error().find("bill_payer_account_id"),
              std::string::npos);
    fields = line_of("Usage", "", "", "1");
    fields[4] = "soon";
    EXPECT_NE(read_cur_line(columns, fields).error().find("line_item_usage_start_date: 'soon'"),
              std::string::npos);
    fields = line_of("Usage", "", "", "1");
    fields[5] = "2026-11-05T03:00:00Z";
    EXPECT_NE(read_cur_line(columns, fields).error().find("before its start"), std::string::npos);
    fields.pop_back();
    EXPECT_EQ(read_cur_line(columns, fields).error(), "9 fields where the header has 10");
}

}  // namespace
}  // namespace asbb
