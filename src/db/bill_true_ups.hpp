// The AWS bill's true-ups in the ledger (sql/017_bill_true_ups.sql): which
// hold each billed job run was charged to, what those holds were charged,
// and the 'true_up' journal rows an import writes and a newer version of its
// month reverses.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "db/bill_imports.hpp"
#include "db/session.hpp"

namespace asbb::db {

// A run's charge: the hold it went to and the amount.
struct RunCharge {
    std::string hold_id;
    int64_t job_id = 0;
    Money amount;
};

// The charge rows of these runs (journal.job_db_inx is the run's charge
// key, core/job_run.hpp), by key; runs never charged are absent.
std::map<int64_t, RunCharge> charges_of_runs(Session& session, const std::string& cluster,
                                             const std::vector<int64_t>& charge_keys);

// What a hold has been charged before any true-up: its charge rows and the
// cost-file adjustments of them.
struct HoldCharged {
    Money charges;
    Money adjustments;
};
std::map<std::string, HoldCharged> charged_before_true_ups(Session& session,
                                                           const std::vector<std::string>& holds);

// One hold's figures in one import.
struct BillJobCost {
    std::string hold_id;
    std::string cluster;
    int64_t job_id = 0;
    int64_t runs = 0;
    Money billed;   // shared included
    Money charged;  // for the same runs' time in the period
    Money shared;   // the part of billed from non-instance lines (BillSharedCosts)
    Money true_up() const { return Money{billed.micro - charged.micro}; }
};

// IdleCostAccount's part of an import: amount on each of budget_ids (the
// account's budget for the billed month and its budgeted ancestors').
struct IdleCharge {
    std::string account;
    std::string cluster;
    std::vector<int64_t> budget_ids;
    Money amount;
};

// A node's idle instance cost in one import, and the partitions its runs
// used in the billing period ("" when none ran there).
struct NodeIdle {
    std::string node;
    std::string partitions;  // comma list, sorted
    Money idle;
};

// What one import journals, and what it records beside.
struct BillTrueUps {
    std::vector<BillJobCost> costs;
    std::optional<IdleCharge> idle;  // set with IdleCostAccount and an amount
    std::vector<NodeIdle> idle_nodes;
};

// Inside record_bill_import's transaction: reverses each true-up and idle
// charge of the version replaced (if any), then journals each cost's
// true-up on its hold's levels, and the idle charge as one hold-less
// true_up row per budget, recording them under import_id.
void write_bill_true_ups(Session& session, const BillImport& import, int64_t import_id,
                         const std::optional<BillImport>& replaced, const BillTrueUps& true_ups,
                         const std::string& actor, int64_t now_s);

// One import's costs, by hold (for asbb bill show --jobs).
struct BillJobCostRow {
    BillJobCost cost;
    int64_t import_id = 0;
    std::string billing_period;
    std::string account;
    Money estimate;     // the hold's estimate at submission
    Money hold_amount;  // what the hold reserved (estimate x HoldFactor)
};
std::vector<BillJobCostRow> list_bill_job_costs(Session& session,
                                                const std::optional<std::string>& period,
                                                const std::optional<std::string>& account);

// The current versions' idle cost by node (asbb bill show --idle).
struct NodeIdleRow {
    NodeIdle idle;
    int64_t import_id = 0;
    std::string billing_period;
    std::string payer_account;
};
std::vector<NodeIdleRow> list_bill_idle_nodes(Session& session,
                                              const std::optional<std::string>& period);

// What the current versions of the AWS bill place on one budget: the billed
// cost of the holds that count against it (their shared part included) and
// its IdleCostAccount charges. Spent follows it once every run is charged.
Money billed_on_budget(Session& session, int64_t budget_id);

}  // namespace asbb::db
