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
    std::vector<db::BillJobCost> costs;  // by hold
    Money jobs;                          // billed to charged runs
    Money uncharged;                     // billed to runs asbb has not charged
    Money idle;
    Money untagged;
    Money true_up;  // the sum of the costs' true-ups
};

// Reads the cluster's runs from slurmdbd and the runs' charges from the
// ledger; writes nothing. Each figure is its exact sum rounded once.
BillAttribution attribute_bill(Context& context, const bill::CurPeriodTotal& period);

}  // namespace asbb::cli
