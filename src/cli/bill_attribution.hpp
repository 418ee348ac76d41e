// asbb bill import's attribution (BillNodeTag): a billing period's
// instance-hours placed on the runs that held each node in slurmdbd's job
// table (core/bill_split.hpp), summed per hold, and compared with what asbb
// charged the same runs for their time in the period. The result is what
// the import journals as true-ups (db/bill_true_ups.hpp), or what a dry run
// prints.
#pragma once

#include <vector>

#include "bill/cur_read.hpp"
#include "cli/context.hpp"
#include "db/bill_true_ups.hpp"

namespace asbb::cli {

struct BillAttribution {
    db::BillTrueUps true_ups;  // the costs by hold, and IdleCostAccount's charge
    Money jobs;                // billed to charged runs (their shared part included)
    Money uncharged;           // billed to runs asbb has not charged
    Money idle;
    Money untagged;
    Money true_up;       // the sum of the costs' true-ups
    Money shared;        // of jobs: the non-instance lines shared onto them
    Money unattributed;  // the non-instance lines left on no job
    // SHA-256 of every figure above, by hold: two imports of one report
    // whose digests match would journal the same true-ups.
    std::string digest;
};

// Each figure the bill stores is its lines' exact sum rounded once, half
// away from zero, to the micro-dollar; what names the figure in the error
// when it leaves int64 (a user error).
Money rounded(const ExactAmount& amount, const std::string& what);

// Reads the cluster's runs from slurmdbd and the runs' charges from the
// ledger; writes nothing. Each figure is its exact sum rounded once.
// period.node_lines holds the lines whose node was found (by BillNodeTag or
// the bill map), period.untagged_instance_cost the rest.
BillAttribution attribute_bill(Context& context, const bill::CurPeriodTotal& period);

}  // namespace asbb::cli
