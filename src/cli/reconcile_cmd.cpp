// asbb reconcile JOBID: the poller's steps for one job, now (link its hold,
// charge each finished run once, apply a late cost file, close the hold once
// the job has ended). The steps are the poller's own (poller/reconcile.hpp),
// so a second call, or the poller's next pass, changes nothing.
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/live_jobs_source.hpp"
#include "cli/output.hpp"
#include "core/job_id.hpp"
#include "pass_options.hpp"
#include "reconcile.hpp"

namespace asbb::cli {

int reconcile_command(Context& context, const Args& args) {
    auto options = command_options("asbb reconcile JOBID",
                                   "Charge a job's finished runs and close its hold now");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("usage: asbb reconcile JOBID");
    const auto job_id_read = parse_slurm_job_id(positional[0]);
    if (!job_id_read) usage_error("JOBID: " + job_id_read.error());
    const int64_t job_id = *job_id_read;

    std::optional<std::vector<poller::LiveJob>> live;
    auto loaded = load_live_jobs_for_cli();
    if (loaded) {
        live = std::move(loaded).value();
    } else {
        // Charging needs only slurmdbd's rows; closing the hold needs to
        // know the job has ended, which only slurmctld can say.
        context.err << "asbb: warning: " << loaded.error()
                    << "; runs charged, the hold left open\n";
    }
    auto pass_options = poller::pass_options_for(context.config());
    auto job = poller::reconcile_job(context.session(), pass_options, live, job_id, context.now_s);
    if (!job.known) {
        user_error("job " + std::to_string(job_id) + " is unknown on cluster " +
                   pass_options.cluster + " (not in slurmdbd, slurmctld or the ledger)");
    }
    Listing listing;
    listing.columns = {
        {"JobID"},    {"HoldID", Align::kLeft},    {"Runs"}, {"Charged"},     {"Amount"},
        {"Released"}, {"HoldState", Align::kLeft}, {"Held"}, {"TotalCharged"}};
    const auto& r = job.pass;
    std::vector<Cell> row{job_id};
    if (job.hold_id.empty()) {
        row.emplace_back();
    } else {
        row.emplace_back(job.hold_id);
    }
    row.insert(row.end(),
               {Cell{r.runs_read}, Cell{r.runs_charged}, Cell{r.charged}, Cell{r.released}});
    if (job.hold_id.empty()) {
        row.resize(row.size() + 3);  // no hold: no state, nothing held or charged
    } else {
        row.insert(row.end(), {Cell{job.hold_state}, Cell{job.held}, Cell{job.hold_charged}});
    }
    listing.rows.push_back(std::move(row));
    print_listing(context, listing);
    for (const auto& problem : r.problems) context.err << "asbb: warning: " << problem << "\n";
    return kExitOk;
}

}  // namespace asbb::cli
