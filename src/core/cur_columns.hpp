// The columns asbb reads from an AWS Cost and Usage Report, under either
// naming: legacy CSV ("lineItem/UnblendedCost", "resourceTags/user:Name")
// and CUR 2.0 / Data Exports ("line_item_unblended_cost", a resource_tags
// map). Legacy names are brought to the 2.0 spelling by AWS's own rules for
// its Athena columns, so one set of names serves both; a report may carry
// its columns in any order and any subset, but one without a column asbb
// needs is refused, naming it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

// AWS's renaming of legacy columns: an underscore before each upper-case
// letter, lower case, every other non-alphanumeric character an underscore,
// runs of underscores made one, none at either end.
// "lineItem/UsageStartDate" -> "line_item_usage_start_date".
std::string normalize_cur_column(std::string_view name);

struct CurColumns {
    // Needed: without them no line can be costed or placed in its period.
    size_t billing_period_start = 0;  // bill_billing_period_start_date
    size_t payer_account = 0;         // bill_payer_account_id
    size_t line_item_type = 0;        // line_item_line_item_type: Usage, Tax, Credit, ...
    size_t usage_start = 0;           // line_item_usage_start_date
    size_t unblended_cost = 0;        // line_item_unblended_cost
    // Read when present.
    std::optional<size_t> usage_end;      // line_item_usage_end_date
    std::optional<size_t> product_code;   // line_item_product_code
    std::optional<size_t> usage_type;     // line_item_usage_type: BoxUsage:c5.large, SpotUsage...
    std::optional<size_t> operation;      // line_item_operation
    std::optional<size_t> resource_id;    // line_item_resource_id: i-0123...
    std::optional<size_t> usage_amount;   // line_item_usage_amount
    std::optional<size_t> currency_code;  // line_item_currency_code
    std::optional<size_t> pricing_term;   // pricing_term (often blank)
    std::optional<size_t> resource_tags;  // CUR 2.0's map column
    std::vector<std::string> names;       // every column, normalized, in file order
    size_t count = 0;                     // fields a line must have

    // The column of a user tag in a legacy report ("resourceTags/user:Name"
    // for key "Name"), if the report has one.
    std::optional<size_t> legacy_tag(std::string_view key) const;
};

// Reads a header line's fields; an error names each missing column in both
// spellings ("missing column lineItem/UnblendedCost (line_item_unblended_cost)").
Expected<CurColumns> read_cur_header(const std::vector<std::string>& header);

}  // namespace asbb
