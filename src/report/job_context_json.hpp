// One job's budget context as JSON (schema asbb.job-context/1, documented in
// asbb(1), etc/job-context.schema.json): what aws-slurm-burst and the burst
// advisor need to know about the job's money. Shared by `asbb job-context`
// and the service's GET /api/v1/integration/budget-context/{job_id}.
#pragma once

#include <cstdint>
#include <string>

#include "core/expected.hpp"
#include "db/job_context.hpp"
#include "db/session.hpp"

namespace asbb::report {

struct JobHold {
    std::string id;
    bool unsecured = false;  // spooled by the plugin under FailPolicy=open
};

// The hold that stands for the job now: on local_cluster, the one named in
// the admin_comment of the job slurmctld runs under this id (the job's own
// tag wins); otherwise the one the poller linked to the job id. The error is
// the sentence a user reads.
Expected<JobHold> find_job_hold(db::Session& session, const std::string& cluster,
                                const std::string& local_cluster, int64_t job_id);

// The hold's view, or the sentence saying why there is none.
Expected<db::HoldView> load_job_hold_view(db::Session& session, const JobHold& hold,
                                          int64_t job_id);

// The JSON document, ending in a newline.
std::string render_job_context(const db::HoldView& hold, int64_t job_id, int64_t now_s);

}  // namespace asbb::report
