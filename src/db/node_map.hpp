// The node-to-instance map of `asbb bill map` (sql/018_bill_node_map.sql),
// per cluster: what bill import uses to place an untagged instance's hours
// on its SLURM node (core/instance_node_map.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/instance_node_map.hpp"
#include "db/session.hpp"

namespace asbb::db {

struct NodeMapLoad {
    int64_t added = 0;
    int64_t ended = 0;      // a stored open span given its end
    int64_t unchanged = 0;  // already there as given
};

// Stores spans for cluster in one transaction. A span already stored (the
// same instance, node and start) is left as it is, except that an open one
// takes the end a later file gives it; an end already stored is kept.
NodeMapLoad store_node_map(Session& session, const std::string& cluster,
                           const std::vector<NodeInstanceSpan>& spans, const std::string& source,
                           const std::string& actor, int64_t now_s);

// What store_node_map would do, writing nothing.
NodeMapLoad plan_node_map(Session& session, const std::string& cluster,
                          const std::vector<NodeInstanceSpan>& spans);

struct NodeMapRow {
    NodeInstanceSpan span;
    std::string source;
    int64_t loaded_at_s = 0;
    std::string loaded_by;
};

// The cluster's spans by node, then start.
std::vector<NodeMapRow> list_node_map(Session& session, const std::string& cluster);

}  // namespace asbb::db
