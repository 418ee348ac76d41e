// The node-to-instance spans of `asbb bill map`, from the two files a site
// has (core/instance_node_map.hpp for how they are used):
//
// - ParallelCluster's /var/log/parallelcluster/slurm_resume.log. After each
//   resume, instance_manager logs "Nodes are now configured with instances
//   (xN) [...]" with one "('<node>', EC2Instance(id='i-…', …))" per node
//   (print_with_count over zip(nodes, instances), aws-parallelcluster-node
//   src/slurm_plugin). The line's time (logging's asctime, "2026-11-05
//   03:58:01,234") is the head node's local time, read here in this
//   process's local time (TZ). Every other line is skipped.
// - A CSV the admin writes: a header naming node, instance_id, start and
//   optionally end (any order, more columns ignored), then one span per
//   record; times in UTC as the bill writes them ("2026-11-05T04:00:00Z");
//   a blank end is open.
//
// Both are read plain or gzip (a rotated log), and both throw BillFileError
// naming the file, the line and the reason; a file with no span at all is
// an error too, never "0 read".
#pragma once

#include <string>
#include <vector>

#include "core/instance_node_map.hpp"

namespace asbb::bill {

std::vector<NodeInstanceSpan> read_resume_log(const std::string& path);

std::vector<NodeInstanceSpan> read_node_map_csv(const std::string& path);

}  // namespace asbb::bill
