// asbb explain JOBID [--cluster=NAME] | --hold=ID: everything asbb did with
// a job's money, from stored data only (db/hold_story): the shape and where
// its figures came from, the price lock and the hold's arithmetic, each
// level with what it had available when the hold was placed, then every
// journal row (resizes, moves, each run's charge with slurmdbd's record of
// the run, releases, expiry) and what the hold comes to now.
#include <cstdlib>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "core/hold_id.hpp"
#include "core/hold_sizing.hpp"
#include "core/job_id.hpp"
#include "db/hold_story.hpp"
#include "db/slurm_jobs.hpp"
#include "db/slurm_tree.hpp"
#include "report/job_context_json.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

std::string dollars(Money amount) {
    return (amount.micro < 0 ? "-$" : "$") + format_money_exact(Money{std::abs(amount.micro)});
}

std::string signed_dollars(int64_t micro) {
    return (micro >= 0 ? "+" : "") + dollars(Money{micro});
}

void print_arithmetic(std::ostream& out, const db::HoldStory& story) {
    const db::HoldView& h = story.hold;
    const std::string& origin = story.shape_origin;
    const bool resized = story.resized;
    out << "  Shape      " << h.nodes << " node(s) x " << h.time_limit_s << " s x " << h.array_tasks
        << " task(s)" << (resized ? " (as resized; placed as the journal's first row says)" : "")
        << "\n"
        << "             "
        << (origin.empty() ? "(where these came from was not recorded with this hold)" : origin)
        << "\n"
        << "  Price      " << dollars(h.node_hour_price) << " per node-hour, locked at placement\n";
    const JobShape shape{h.nodes, h.time_limit_s, h.array_tasks};
    const auto sized = size_hold(shape, h.node_hour_price, h.hold_factor_ppm);
    out << "  Estimate   " << h.nodes << " x " << h.time_limit_s << " s x " << h.array_tasks
        << " x " << dollars(h.node_hour_price) << " / 3600 s = " << dollars(h.estimate);
    if (sized && sized->estimate != h.estimate) out << " (given, not from the rate)";
    out << "\n  Hold       " << dollars(h.estimate) << " x HoldFactor "
        << format_hold_factor(h.hold_factor_ppm) << " = " << dollars(h.amount) << "\n";
}

std::string level_name(const db::StoryLevel& level) {
    switch (level.kind) {
        case LevelKind::kAccount:
            return "account " + level.account;
        case LevelKind::kAncestor:
            return "ancestor " + level.account;
        case LevelKind::kPartitionLimit:
            return "limit " + level.account + "/" + level.partition;
    }
    return level.account;
}

void print_levels(std::ostream& out, const db::HoldStory& story) {
    out << "  Levels     (what each had available just before the hold)\n";
    if (story.levels.empty()) out << "             none: the hold counts against no budget\n";
    for (const auto& level : story.levels) {
        out << "    " << level.level_no + 1 << " " << level_name(level) << ": ";
        if (level.attached_later) {
            out << "its budget was created after the hold and took it on\n";
            continue;
        }
        out << dollars(level.available_before) << " of " << dollars(level.allocated_before);
        if (level.kind == LevelKind::kPartitionLimit) {
            out << " (the limit as set now)";
        } else {
            out << ", period " << format_period(level.period_start, level.period_end);
        }
        out << "\n";
    }
}

// A charge row with slurmdbd's record of its run and the arithmetic.
std::string run_text(const db::HoldStory& story, const db::StoryEntry& e) {
    if (!e.charge_key) return "";
    auto it = story.runs.find(*e.charge_key);
    if (it == story.runs.end()) return "slurmdbd no longer has this run";
    const JobRun& run = it->second;
    const int64_t elapsed_s = run_elapsed_s(run);
    std::string text = "run of job " + std::to_string(run.job_id);
    if (run.array_job_id != 0 && run.array_job_id != run.job_id) {
        text += " (array " + std::to_string(run.array_job_id) + ")";
    }
    text += std::string(run_was_requeued(run) ? ", requeued," : "") + " submitted " +
            format_local_datetime(run.time_submit) + ": " + std::to_string(elapsed_s) + " s x " +
            std::to_string(run.nodes_alloc) + " node(s) x " + dollars(story.hold.node_hour_price) +
            " / 3600 s";
    if (auto cost = actual_cost(elapsed_s, run.nodes_alloc, story.hold.node_hour_price)) {
        text += " = " + dollars(*cost);
        if (*cost != e.amount) text += "; charged " + dollars(e.amount) + " as the reason says";
    }
    return text;
}

void print_entries(std::ostream& out, const db::HoldStory& story) {
    out << "  Journal\n";
    for (const auto& e : story.entries) {
        out << "    #" << e.id << " " << format_local_datetime(e.created_at) << " " << e.kind << " "
            << dollars(e.amount) << " (held " << signed_dollars(e.held_delta_micro);
        if (e.spent_delta_micro != 0) out << ", spent " << signed_dollars(e.spent_delta_micro);
        out << ") by " << (e.actor.empty() ? "?" : e.actor) << ": " << e.reason << "\n";
        if (const std::string run = run_text(story, e); !run.empty()) {
            out << "        " << run << "\n";
        }
    }
}

void print_story(std::ostream& out, const db::HoldStory& story) {
    const db::HoldView& h = story.hold;
    out << "Hold " << h.id << " (" << h.state << ")\n"
        << "  Placed     " << format_local_datetime(h.created_at) << " for "
        << (h.user_name.empty() ? "?" : h.user_name) << ", account " << h.account << ", partition "
        << h.partition << ", cluster " << h.cluster << "\n"
        << "  Job        " << (h.job_id ? std::to_string(*h.job_id) : "none linked") << "\n";
    print_arithmetic(out, story);
    print_levels(out, story);
    print_entries(out, story);
    int64_t released_micro = 0;
    int64_t expired_micro = 0;
    for (const auto& e : story.entries) {
        if (e.kind == "release") released_micro -= e.held_delta_micro;
        if (e.kind == "expire") expired_micro -= e.held_delta_micro;
    }
    out << "  Now        held " << dollars(h.held) << ", charged " << dollars(h.charged)
        << ", given back " << dollars(Money{released_micro + expired_micro});
    if (expired_micro != 0) out << " (" << dollars(Money{expired_micro}) << " by expiry)";
    if (story.superseded_by) out << "; replaced by hold " << *story.superseded_by;
    out << "\n";
}

// The holds of a job; for an array task's id, its array's (one hold covers
// the whole array), and subject says so.
std::vector<std::string> holds_for_job(Context& context, const std::string& cluster, int64_t job_id,
                                       std::string& subject) {
    auto ids = db::holds_of_job(context.session(), cluster, job_id);
    if (!ids.empty() || !db::slurm_cluster_exists(context.session(), context.slurm_db(), cluster)) {
        return ids;
    }
    for (const JobRun& run :
         db::runs_of_job(context.session(), context.slurm_db(), cluster, job_id)) {
        if (run.job_id == job_id && run.array_job_id != 0 && run.array_job_id != job_id) {
            subject += " (a task of array " + std::to_string(run.array_job_id) + ")";
            return db::holds_of_job(context.session(), cluster, run.array_job_id);
        }
    }
    return ids;
}

}  // namespace

int explain_command(Context& context, const Args& args) {
    auto options = command_options("asbb explain JOBID | --hold=ID",
                                   "Everything asbb did with a job's money, from stored data");
    options.add_options()("hold", "a hold id (32 hex digits), for holds that never became a job",
                          OptionArg::kValue)("cluster", "the job's cluster (default: ClusterName)",
                                             OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    const auto hold_arg = optional_value(parsed, "hold");
    if (hold_arg.has_value() == !positional.empty()) {
        usage_error("give a JOBID or --hold=ID (one of them)");
    }
    auto& session = context.session();
    std::vector<std::string> ids;
    std::string subject;
    if (hold_arg) {
        auto id = parse_hold_id(*hold_arg);
        if (!id) usage_error("--hold: " + id.error());
        ids.push_back(id->hex());
        subject = "hold " + id->hex();
    } else {
        const auto job_id = parse_slurm_job_id(positional[0], ArrayTask::kAccepted);
        if (!job_id) usage_error("JOBID: " + job_id.error());
        const std::string cluster = job_cluster(context, optional_value(parsed, "cluster"));
        subject = "job " + std::to_string(*job_id) + " on cluster " + cluster;
        ids = holds_for_job(context, cluster, *job_id, subject);
    }
    std::vector<db::HoldStory> stories;
    for (const auto& id : ids) {
        auto story = db::load_hold_story(session, context.slurm_db(), id);
        if (!story) continue;
        context.require(Access::kRead, story->hold.account, story->hold.cluster);
        stories.push_back(std::move(*story));
    }
    if (stories.empty()) {
        user_error("asbb has no hold of " + subject +
                   " (not budgeted, not linked by the poller yet, or placed before asbb)");
    }
    context.out << "Explaining " << subject << ": " << stories.size() << " hold(s)\n";
    for (const auto& story : stories) {
        context.out << "\n";
        print_story(context.out, story);
    }
    return kExitOk;
}

}  // namespace asbb::cli
