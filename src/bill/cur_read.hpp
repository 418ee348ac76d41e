// Reading a delivery of Cost and Usage Report files into exact totals per
// billing period and payer account, line by line in bounded memory. Inputs
// are report files (.csv, .csv.gz) and manifests, whose listed files are read
// in their place. Every line is counted in exactly one total: a report's
// TOTAL is the sum of all its lines' unblended cost, so nothing in a file is
// dropped without it showing.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/bill_split.hpp"
#include "core/cur_line.hpp"
#include "core/exact_amount.hpp"
#include "core/expected.hpp"
#include "core/instance_node_map.hpp"

namespace asbb::bill {

inline constexpr size_t kCurLineKinds = 5;  // CurLineKind's values

struct CurPeriodTotal {
    std::string billing_period;  // "2026-11"
    std::string payer_account;
    int64_t lines = 0;
    std::array<ExactAmount, kCurLineKinds> cost_by_kind;  // indexed by CurLineKind
    ExactAmount instance_hours_cost;                      // the kUsage lines of instances
    int64_t instance_hours_lines = 0;
    ExactAmount total;
    // With a BillNodeTag or a bill map: the instance-hour lines whose node
    // was found, and the cost of those whose was not (placed on no job).
    std::vector<NodeLineCost> node_lines;
    ExactAmount untagged_instance_cost;
};

struct CurReading {
    std::vector<std::string> files;  // report files read, manifests expanded
    std::string manifest_version;    // assemblyId/executionId when a manifest was given
    // SHA-256 over the files' content digests, sorted: the same CSV text is
    // the same reading, whatever the file names, order or compression.
    std::string content_sha256;
    int64_t lines = 0;
    std::vector<CurPeriodTotal> periods;  // by period, then payer
};

struct CurReadOptions {
    std::string currency = "USD";                 // lines in any other currency are refused
    size_t max_line_bytes = 1 << 20;              // a longer record is refused (a 10 MB line)
    std::function<void(const CurLine&)> on_line;  // each line, as it is read (optional)
    std::string node_tag;  // BillNodeTag: "" reads totals only (bill/cur_tags.hpp)
    // asbb bill map's spans, for instance lines without the tag (optional).
    const InstanceNodeMap* node_map = nullptr;
};

// An error names the file, the line when there is one, and the reason:
// "cur-2.csv.gz: line 7: line_item_unblended_cost: 'abc' is not a number".
Expected<CurReading> read_cur(const std::vector<std::string>& inputs,
                              const CurReadOptions& options);

}  // namespace asbb::bill
