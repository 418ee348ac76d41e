// Splitting the AWS bill's instance-hours among the SLURM job runs on each
// node: the pure part of `asbb bill import`'s attribution (the lines come
// from the report, the runs from slurmdbd's job table; both are read
// elsewhere).
//
// The rule. A line costs its node for its interval (usually one hour). The
// interval is cut wherever a run on that node starts or ends; each piece
// costs its share of the line by length, and is split among the runs that
// hold the node for all of it by their CPUs on the node. A piece that no
// run holds is idle cost. So two jobs side by side share by CPUs × seconds,
// and a job alone on a node pays for all of the node while it runs, as the
// instance was bought for it. Cuts are made to 10^-24 dollars with the rest
// given to the last part, so the parts of a line always sum to the line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/exact_amount.hpp"
#include "core/expected.hpp"

namespace asbb {

// What a report line charged one SLURM node for [start_s, end_s).
struct NodeLineCost {
    std::string node;
    int64_t start_s = 0;
    int64_t end_s = 0;  // a line without an end covers the hour from its start
    ExactAmount cost;
};

// Where a report line's time ends: its end, or, for a line without one
// (a report with no usage end column), the hour from its start.
inline int64_t line_end_s(int64_t start_s, int64_t end_s) {
    return end_s > start_s ? end_s : start_s + 3600;
}

// One run's time on one node: run is the caller's index of the run.
struct NodeOccupancy {
    size_t run = 0;
    int64_t start_s = 0;
    int64_t end_s = 0;  // 0 while it runs: it holds the node to the line's end
    int64_t cpus = 1;   // CPUs allocated on this node, at least 1
};

using OccupancyByNode = std::map<std::string, std::vector<NodeOccupancy>>;

struct BillSplit {
    std::vector<ExactAmount> by_run;                  // indexed by NodeOccupancy::run
    ExactAmount idle;                                 // the pieces of lines no run held
    std::map<std::string, ExactAmount> idle_by_node;  // the same, by node (its sum)
    int64_t lines_with_runs = 0;
};

// lines over the runs of on_node (run indices below run_count). An error only
// when a sum or product leaves the exact range.
Expected<BillSplit> split_node_costs(const std::vector<NodeLineCost>& lines,
                                     const OccupancyByNode& on_node, size_t run_count);

}  // namespace asbb
