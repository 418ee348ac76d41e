// The per-job cost files aws-slurm-burst writes
// (job-<id>-asbb-reconciliation.json: job_id, account, partition,
// actual_cost, ...). A job's actual AWS cost from such a file replaces the
// cost computed from the rate card.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/money.hpp"

namespace asbb::poller {

struct CostReport {
    int64_t job_id = 0;
    Money actual;
    std::string file_name;
};

// Parses one file's text. actual_cost is a JSON number (or a string) in
// dollars; it is rounded half-up to the micro-dollar once (the writer's
// floating point may print more digits than that), and must not be negative.
Expected<CostReport> parse_cost_file(std::string_view text, const std::string& file_name);

// Every job-*-asbb-reconciliation.json in dir; files that cannot be read or
// parsed are described in problems (one line each) and skipped.
std::vector<CostReport> read_cost_files(const std::string& dir, std::vector<std::string>& problems);

}  // namespace asbb::poller
