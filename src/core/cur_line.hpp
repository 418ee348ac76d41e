// One line of an AWS Cost and Usage Report, read from its CSV fields by the
// columns the header named (core/cur_columns.hpp). Nothing is guessed: a
// field asbb needs that it cannot read is an error naming the column and the
// text, so the caller can name the file and line; a line item type asbb does
// not know is kept as kOther and still counted in the totals, never dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cur_columns.hpp"
#include "core/exact_amount.hpp"
#include "core/expected.hpp"

namespace asbb {

// What a line is for the bill's totals, from line_item_line_item_type.
enum class CurLineKind {
    kUsage,     // Usage, DiscountedUsage, SavingsPlanCoveredUsage
    kDiscount,  // SavingsPlanNegation, Credit, Refund and the *Discount types
    kFee,       // Fee, RIFee, SavingsPlanRecurringFee, SavingsPlanUpfrontFee
    kTax,       // Tax
    kOther,     // any type AWS adds later: counted, reported, not attributed
};
const char* cur_line_kind_name(CurLineKind kind);  // "usage", "discount", ...

struct CurLine {
    std::string billing_period;  // "2026-11", from bill_billing_period_start_date
    std::string payer_account;   // bill_payer_account_id, 12 digits
    CurLineKind kind = CurLineKind::kOther;
    std::string line_item_type;  // as written ("SavingsPlanNegation")
    int64_t usage_start_s = 0;   // UTC epoch seconds
    int64_t usage_end_s = 0;     // usage_start_s when the report has no end column
    std::string resource_id;     // "i-0abc..." for an instance; often blank
    std::string usage_type;      // "USE1-SpotUsage:c5.large"
    std::string currency;        // "USD"; "" when blank or the report has no such column
    ExactAmount cost;            // line_item_unblended_cost, exact
    // An EC2 instance's running time (BoxUsage or SpotUsage on an i- resource):
    // the lines that node-to-job attribution splits; every other line is shared.
    bool is_instance_hours() const;
};

// A report's timestamp in UTC: "2023-11-05T04:00:00Z", "…T04:00:00.000Z",
// "2018-06-01 00:00:00", "2026-11-01T00:00:00+00:00". A fraction of a second
// is dropped (AWS's lines start on whole hours).
Expected<int64_t> parse_cur_timestamp(std::string_view text);

// The line's fields as a CurLine; an error names the column and the text
// ("line_item_unblended_cost: '1.2.3' is not a number").
Expected<CurLine> read_cur_line(const CurColumns& columns, const std::vector<std::string>& fields);

}  // namespace asbb
