// The SLURM node an AWS bill line was for, from the cost allocation tag that
// BillNodeTag names (aws-slurm-burst tags each instance Name=<node>, and so
// can a ParallelCluster site): a legacy report's resourceTags/user:KEY
// column, or the resource_tags map of a CUR 2.0 report, which a CSV export
// writes as JSON text ({"user_name":"cpu1"}). AWS spells a map key as
// "user_" and the key with its punctuation made underscores; both sides are
// normalized alike, so "Name", "user_Name" and "user_name" match.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/cur_columns.hpp"
#include "core/expected.hpp"

namespace asbb::bill {

class CurNodeTag {
  public:
    // An error when the report has neither a column for the tag nor a
    // resource_tags map: the tag was not activated for it, and no line
    // could be placed on a node.
    static Expected<CurNodeTag> for_report(const CurColumns& columns, const std::string& key);

    // The node, "" when the line carries no such tag; an error when the map
    // is not a JSON object of strings.
    Expected<std::string> node_of(const std::vector<std::string>& fields) const;

  private:
    std::optional<size_t> legacy_column_;
    std::optional<size_t> map_column_;
    std::string map_key_;  // normalized: "user_name"
};

}  // namespace asbb::bill
