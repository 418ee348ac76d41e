#include "cli/bill_listing.hpp"

namespace asbb::cli {

std::vector<ColumnSpec> bill_import_columns() {
    return {{"Period", Align::kLeft},
            {"Payer", Align::kLeft},
            {"ID"},
            {"Lines"},
            {"Usage"},
            {"Discounts"},
            {"Fees"},
            {"Tax"},
            {"Other"},
            {"Instances"},
            {"Total"},
            {"Jobs"},
            {"Uncharged"},
            {"Idle"},
            {"Untagged"},
            {"Shared"},
            {"Unattributed"},
            {"TrueUp"},
            {"IdleCharged"}};
}

std::vector<Cell> bill_import_cells(const db::BillImport& b) {
    return {b.billing_period,
            b.payer_account,
            b.id == 0 ? Cell{} : Cell{b.id},
            b.line_count,
            b.usage,
            b.discount,
            b.fee,
            b.tax,
            b.other,
            b.instance_hours,
            b.total,
            b.jobs,
            b.uncharged,
            b.idle,
            b.untagged,
            b.shared,
            b.unattributed,
            b.true_up,
            b.idle_charged};
}

}  // namespace asbb::cli
