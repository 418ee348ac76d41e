// The imported versions of the AWS bill (sql/015_bill_imports.sql): per
// billing period and payer account, the current version's totals and the
// versions it replaced. Outside the journal: an import moves no money.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "db/session.hpp"

namespace asbb::db {

struct BillImport {
    int64_t id = 0;              // set when recorded or read back
    std::string billing_period;  // "2026-11"
    std::string payer_account;
    std::string content_sha256;
    std::string manifest_version;
    std::vector<std::string> files;  // file names
    std::string currency;
    int64_t line_count = 0;
    Money usage;
    Money discount;
    Money fee;
    Money tax;
    Money other;
    Money instance_hours;
    Money total;
    int64_t imported_at_s = 0;
    std::string imported_by;
    std::optional<int64_t> replaced_by;  // empty while current
};

enum class BillImportOutcome {
    kNew,        // the month's first version
    kReplaced,   // a new version: the earlier current one now names it
    kUnchanged,  // the current version has this content already: nothing written
};

struct BillImportResult {
    BillImportOutcome outcome = BillImportOutcome::kNew;
    int64_t id = 0;                      // the current version's id after the call
    std::optional<BillImport> replaced;  // the version it replaced (kReplaced)
};

// The month's current version, if any (read with FOR UPDATE when locking).
std::optional<BillImport> current_bill_import(Session& session, const std::string& period,
                                              const std::string& payer, bool lock = false);

// Records import as the month's current version, in one transaction, unless
// the current version already has its content. Two imports of one month at
// once: one wins, the other gets the unique key's duplicate error (DbError).
BillImportResult record_bill_import(Session& session, const BillImport& import);

struct BillImportFilter {
    std::optional<std::string> period;  // "2026-11"
    bool with_replaced = false;         // the versions replaced, too
};

// By period, payer, then id.
std::vector<BillImport> list_bill_imports(Session& session, const BillImportFilter& filter);

}  // namespace asbb::db
