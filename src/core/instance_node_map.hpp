// Which SLURM node an EC2 instance was, and when: the AWS bill's second way
// from an instance-hour to a node, for fleets whose instances carry no tag
// naming their node (ParallelCluster names them "Compute"). The spans come
// from ParallelCluster's slurm_resume.log or a CSV the admin writes
// (bill/node_map_files.hpp) and are kept in the database (db/node_map.hpp).
// Pure.
//
// A span ends where it says, or where the same node next got another
// instance, whichever is first: a node is one instance at a time, so a
// resume log, which only records starts, still gives closed spans. An
// instance id is never reused by AWS, so a line is looked up by its
// instance and placed on the node whose span overlaps it most.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

struct NodeInstanceSpan {
    std::string node;
    std::string instance_id;       // "i-0123456789abcdef0"
    int64_t start_s = 0;           // when the node became this instance
    std::optional<int64_t> end_s;  // none: until the node's next instance
};

// An EC2 instance id: "i-" and 8 or 17 lowercase hex digits.
bool is_instance_id(std::string_view text);

// A SLURM node name as the map accepts it: 1 to 64 of letters, digits and
// "-_.", not starting with "-" (what NodeName= allows, without a host list).
bool is_node_name(std::string_view text);

class InstanceNodeMap {
  public:
    InstanceNodeMap() = default;
    explicit InstanceNodeMap(const std::vector<NodeInstanceSpan>& spans);

    bool empty() const { return by_instance_.empty(); }
    size_t span_count() const { return span_count_; }

    // The node that instance_id was during most of [start_s, end_s), or, when
    // no span of it overlaps that time, the one it became within the hour
    // after (launched, then assigned); "" when neither.
    std::string node_of(const std::string& instance_id, int64_t start_s, int64_t end_s) const;

  private:
    struct Span {
        std::string node;
        int64_t start_s = 0;
        int64_t end_s = 0;  // INT64_MAX: open
    };
    std::unordered_map<std::string, std::vector<Span>> by_instance_;
    size_t span_count_ = 0;
};

}  // namespace asbb
