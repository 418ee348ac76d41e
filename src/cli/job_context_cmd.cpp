// asbb job-context --job-id=ID: what aws-slurm-burst and the burst advisor
// need to know about one job's money, as JSON with stable field names
// (documented in asbb(1); schema in etc/job-context.schema.json). The lookup
// and the JSON live in src/report, shared with the service's
// /api/v1/integration/budget-context/{job_id}.
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "core/job_id.hpp"
#include "report/job_context_json.hpp"

namespace asbb::cli {

int job_context_command(Context& context, const Args& args) {
    auto options = command_options("asbb job-context",
                                   "Print one job's budget context as JSON (for aws-slurm-burst)");
    options.add_options()("job-id", "SLURM job id (an array task's id names its array)",
                          OptionArg::kValue)("cluster", "the job's cluster (default: ClusterName)",
                                             OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    const auto job_id = parse_slurm_job_id(required_value(parsed, "job-id"), ArrayTask::kAccepted);
    if (!job_id) usage_error("--job-id: " + job_id.error());
    const std::string cluster = job_cluster(context, optional_value(parsed, "cluster"));

    const auto found =
        report::find_job_hold(context.session(), cluster, context.config().cluster_name, *job_id);
    if (!found) user_error(found.error());
    auto hold = report::load_job_hold_view(context.session(), *found, *job_id);
    if (!hold) user_error(hold.error());
    context.require(Access::kRead, hold->account, hold->cluster);
    context.out << report::render_job_context(*hold, *job_id, context.now_s);
    return kExitOk;
}

}  // namespace asbb::cli
