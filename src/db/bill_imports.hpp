// The imported versions of the AWS bill (sql/015_bill_imports.sql): per
// billing period and payer account, the current version's totals and the
// versions it replaced. The import itself moves no money; its true-ups
// (db/bill_true_ups.hpp) do, in the same transaction.
#pragma once

#include <cstdint>
#include <functional>
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
    // The attribution (sql/017_bill_true_ups.sql), when a BillNodeTag was set.
    std::string node_tag;
    Money jobs;       // on job runs asbb charged: what the true-ups compare with
    Money uncharged;  // on runs asbb never charged (no budget, not yet reconciled)
    Money idle;       // node time no run held
    Money untagged;   // instance-hours whose instance names no node
    Money true_up;    // the sum of this import's true-ups
    // sql/018_bill_node_map.sql: the bill map's spans it was attributed
    // with, and a digest of the attribution's figures ("" without one).
    int64_t node_map_spans = 0;
    std::string attribution_sha256;
    // sql/019_bill_shared_costs.sql: non-instance lines shared onto jobs
    // (BillSharedCosts=proportional) or left on none, and what
    // IdleCostAccount was charged with (idle, untagged and unattributed).
    Money shared;
    Money unattributed;
    std::string idle_account;
    Money idle_charged;
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

// Whether importing import over current changes nothing: the same content,
// attributed alike. The same file imported after more runs were charged, or
// with another node map, is a new version: its true-ups replace the old.
bool same_version(const BillImport& current, const BillImport& import);

// The month's current version, if any (read with FOR UPDATE when locking).
std::optional<BillImport> current_bill_import(Session& session, const std::string& period,
                                              const std::string& payer, bool lock = false);

// Records import as the month's current version, in one transaction, unless
// the current version is the same (same_version). Two imports of one month at
// once: one wins, the other gets the unique key's duplicate error (DbError).
// then, when given, runs in that transaction once the new version is
// recorded (its id, and the version it replaced): the true-ups.
using AfterBillImport = std::function<void(int64_t id, const std::optional<BillImport>& replaced)>;
BillImportResult record_bill_import(Session& session, const BillImport& import,
                                    const AfterBillImport& then = nullptr);

struct BillImportFilter {
    std::optional<std::string> period;  // "2026-11"
    bool with_replaced = false;         // the versions replaced, too
};

// By period, payer, then id.
std::vector<BillImport> list_bill_imports(Session& session, const BillImportFilter& filter);

}  // namespace asbb::db
