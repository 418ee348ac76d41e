#include "db/bill_imports.hpp"

#include <sstream>

#include "db/chunks.hpp"

namespace asbb::db {

namespace {

constexpr const char* kColumns =
    "id, billing_period, payer_account, content_sha256, manifest_version, files, currency,"
    " line_count, usage_micro, discount_micro, fee_micro, tax_micro, other_micro,"
    " instance_hours_micro, total_micro, imported_at, imported_by, replaced_by, node_tag,"
    " jobs_micro, uncharged_micro, idle_micro, untagged_micro, true_up_micro, node_map_spans,"
    " attribution_sha256, shared_micro, unattributed_micro, idle_account, idle_charged_micro";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : "\n") + name;
    return text;
}

BillImport import_from_row(const Row& row) {
    BillImport b;
    b.id = row.i64(0);
    b.billing_period = row.str(1);
    b.payer_account = row.str(2);
    b.content_sha256 = row.str(3);
    b.manifest_version = row.str(4);
    b.files = lines_of(row.str(5));
    b.currency = row.str(6);
    b.line_count = row.i64(7);
    Money* amounts[] = {&b.usage, &b.discount,       &b.fee,  &b.tax,
                        &b.other, &b.instance_hours, &b.total};
    for (size_t i = 0; i < std::size(amounts); ++i) *amounts[i] = Money{row.i64(8 + i)};
    b.imported_at_s = row.i64(15);
    b.imported_by = row.str(16);
    b.replaced_by = row.opt_i64(17);
    b.node_tag = row.str(18);
    Money* attribution[] = {&b.jobs, &b.uncharged, &b.idle, &b.untagged, &b.true_up};
    for (size_t i = 0; i < std::size(attribution); ++i) *attribution[i] = Money{row.i64(19 + i)};
    b.node_map_spans = row.i64(24);
    b.attribution_sha256 = row.str(25);
    b.shared = Money{row.i64(26)};
    b.unattributed = Money{row.i64(27)};
    b.idle_account = row.str(28);
    b.idle_charged = Money{row.i64(29)};
    return b;
}

int64_t insert_import(Session& session, const BillImport& b) {
    session.exec(
        "INSERT INTO bill_import (billing_period, payer_account, content_sha256,"
        " manifest_version, files, currency, line_count, usage_micro, discount_micro, fee_micro,"
        " tax_micro, other_micro, instance_hours_micro, total_micro, imported_at, imported_by,"
        " node_tag, jobs_micro, uncharged_micro, idle_micro, untagged_micro, true_up_micro,"
        " node_map_spans, attribution_sha256, shared_micro, unattributed_micro, idle_account,"
        " idle_charged_micro) VALUES (" +
            placeholders(28) + ")",
        {b.billing_period,
         b.payer_account,
         b.content_sha256,
         b.manifest_version,
         joined(b.files),
         b.currency,
         b.line_count,
         b.usage.micro,
         b.discount.micro,
         b.fee.micro,
         b.tax.micro,
         b.other.micro,
         b.instance_hours.micro,
         b.total.micro,
         b.imported_at_s,
         b.imported_by,
         b.node_tag,
         b.jobs.micro,
         b.uncharged.micro,
         b.idle.micro,
         b.untagged.micro,
         b.true_up.micro,
         b.node_map_spans,
         b.attribution_sha256,
         b.shared.micro,
         b.unattributed.micro,
         b.idle_account,
         b.idle_charged.micro});
    return static_cast<int64_t>(session.last_insert_id());
}

}  // namespace

bool same_version(const BillImport& current, const BillImport& import) {
    return current.content_sha256 == import.content_sha256 &&
           current.attribution_sha256 == import.attribution_sha256;
}

std::optional<BillImport> current_bill_import(Session& session, const std::string& period,
                                              const std::string& payer, bool lock) {
    auto rows = session.query(std::string("SELECT ") + kColumns +
                                  " FROM bill_import WHERE billing_period = ? AND"
                                  " payer_account = ? AND current_mark = 1" +
                                  (lock ? " FOR UPDATE" : ""),
                              {period, payer});
    if (rows.empty()) return std::nullopt;
    return import_from_row(rows[0]);
}

BillImportResult record_bill_import(Session& session, const BillImport& import,
                                    const AfterBillImport& then) {
    return in_transaction(session, [&] {
        BillImportResult result;
        auto current =
            current_bill_import(session, import.billing_period, import.payer_account, true);
        if (current && same_version(*current, import)) {
            result.outcome = BillImportOutcome::kUnchanged;
            result.id = current->id;
            return result;
        }
        // The mark moves first: the unique key allows one current version.
        if (current) {
            session.exec("UPDATE bill_import SET current_mark = NULL WHERE id = ?", {current->id});
        }
        result.id = insert_import(session, import);
        if (current) {
            session.exec("UPDATE bill_import SET replaced_by = ? WHERE id = ?",
                         {result.id, current->id});
            result.outcome = BillImportOutcome::kReplaced;
            result.replaced = std::move(current);
        }
        if (then) then(result.id, result.replaced);
        return result;
    });
}

std::vector<BillImport> list_bill_imports(Session& session, const BillImportFilter& filter) {
    std::string sql = std::string("SELECT ") + kColumns + " FROM bill_import WHERE 1 = 1";
    Params params;
    if (filter.period) {
        sql += " AND billing_period = ?";
        params.emplace_back(*filter.period);
    }
    if (!filter.with_replaced) sql += " AND current_mark = 1";
    sql += " ORDER BY billing_period, payer_account, id";
    std::vector<BillImport> imports;
    for (const auto& row : session.query(sql, params)) imports.push_back(import_from_row(row));
    return imports;
}

}  // namespace asbb::db
