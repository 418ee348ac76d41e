#include "core/cur_columns.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

TEST(CurColumns, LegacyNamesNormalizeAsAthenaDoes) {
    EXPECT_EQ(normalize_cur_column("lineItem/UsageStartDate"), "line_item_usage_start_date");
    EXPECT_EQ(normalize_cur_column("identity/LineItemId"), "identity_line_item_id");
    EXPECT_EQ(normalize_cur_column("resourceTags/user:Name"), "resource_tags_user_name");
    EXPECT_EQ(normalize_cur_column("resourceTags/aws:cloudformation:stack-name"),
              "resource_tags_aws_cloudformation_stack_name");
    EXPECT_EQ(normalize_cur_column("bill/PayerAccountId"), "bill_payer_account_id");
    EXPECT_EQ(normalize_cur_column("line_item_unblended_cost"), "line_item_unblended_cost");
    EXPECT_EQ(normalize_cur_column("__x__"), "x");
}

TEST(CurColumns, EitherNamingAnyOrderAnySubset) {
    auto legacy = read_cur_header({"lineItem/UnblendedCost", "identity/LineItemId",
                                   "bill/PayerAccountId", "lineItem/LineItemType",
                                   "bill/BillingPeriodStartDate", "lineItem/UsageStartDate",
                                   "lineItem/ResourceId", "resourceTags/user:Name"});
    ASSERT_TRUE(legacy.ok()) << legacy.error();
    EXPECT_EQ(legacy->unblended_cost, 0u);
    EXPECT_EQ(legacy->usage_start, 5u);
    EXPECT_EQ(legacy->resource_id, 6u);
    EXPECT_FALSE(legacy->usage_type.has_value());
    EXPECT_EQ(legacy->legacy_tag("Name"), 7u);
    EXPECT_FALSE(legacy->legacy_tag("SlurmNode").has_value());
    EXPECT_EQ(legacy->count, 8u);

    auto v2 = read_cur_header({"bill_billing_period_start_date", "bill_payer_account_id",
                               "line_item_line_item_type", "line_item_usage_start_date",
                               "line_item_unblended_cost", "resource_tags", "pricing_term"});
    ASSERT_TRUE(v2.ok()) << v2.error();
    EXPECT_EQ(v2->resource_tags, 5u);
    EXPECT_EQ(v2->pricing_term, 6u);
}

TEST(CurColumns, AMissingNeededColumnIsNamedInBothSpellings) {
    auto missing = read_cur_header({"bill/PayerAccountId", "lineItem/LineItemType",
                                    "bill/BillingPeriodStartDate", "lineItem/UsageStartDate"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), "missing column lineItem/UnblendedCost (line_item_unblended_cost)");
    EXPECT_EQ(read_cur_header({"a", "b"}).error(),
              "missing column bill/BillingPeriodStartDate (bill_billing_period_start_date), "
              "bill/PayerAccountId (bill_payer_account_id), lineItem/LineItemType "
              "(line_item_line_item_type), lineItem/UsageStartDate (line_item_usage_start_date), "
              "lineItem/UnblendedCost (line_item_unblended_cost)");
}

}  // namespace
}  // namespace asbb
