// asbb estimate: what would this job cost, and would it fit? The same answer
// the service's /budget/check gives (report::estimate_job): the burst
// advisor's estimate when AdvisorURL is set and it answers, else the rate
// card's; the verdict of every level the plugin would hold against. Nothing
// is held.
#include <charconv>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/names.hpp"
#include "core/time_parse.hpp"
#include "report/job_estimate.hpp"

namespace asbb::cli {

namespace {

// Plain digits: from_chars would take "-0" for 0, a sign no count has.
int64_t parse_count(const std::string& option, const std::string& text, int64_t lo, int64_t hi) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.starts_with("-") || ec != std::errc() || ptr != text.data() + text.size() ||
        value < lo || value > hi) {
        usage_error("--" + option + ": " + quote_input(text) + " is not a whole number from " +
                    std::to_string(lo) + " to " + std::to_string(hi));
    }
    return value;
}

}  // namespace

int estimate_command(Context& context, const Args& args) {
    auto options = command_options("asbb estimate",
                                   "What a job would cost and whether its budget would hold it");
    options.add_options()("account", "SLURM account", OptionArg::kValue)(
        "partition", "partition", OptionArg::kValue)("nodes", "nodes (-N), default 1",
                                                     OptionArg::kValue)(
        "cpus", "CPUs in all, default 1", OptionArg::kValue)("gpus", "GPUs in all, default 0",
                                                             OptionArg::kValue)(
        "time", "time limit (sbatch --time forms), default: the rate's", OptionArg::kValue)(
        "cluster", "cluster (default: ClusterName)", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;

    report::EstimateInput input;
    input.account = parse_account(required_value(parsed, "account"));
    input.partition = parse_partition(required_value(parsed, "partition"));
    if (auto v = optional_value(parsed, "nodes"))
        input.nodes = parse_count("nodes", *v, 1, 1'000'000);
    if (auto v = optional_value(parsed, "cpus"))
        input.cpus = parse_count("cpus", *v, 1, 100'000'000);
    if (auto v = optional_value(parsed, "gpus")) input.gpus = parse_count("gpus", *v, 0, 1'000'000);
    if (auto v = optional_value(parsed, "time")) {
        auto limit = parse_slurm_time_limit(*v);
        if (!limit) usage_error("--time: " + limit.error());
        if (!limit->unlimited && limit->seconds > kMaxSlurmTimeLimitS) {
            usage_error("--time: " + quote_input(*v) +
                        " is longer than SLURM's longest time limit " +
                        format_slurm_time_limit(kMaxSlurmTimeLimitS));
        }
        input.wall_time = *v;
    }
    if (auto v = optional_value(parsed, "cluster")) input.cluster = parse_cluster(*v);
    context.require(Access::kRead, input.account, input.cluster);
    input.user_name = context.actor;
    input.actor = context.actor;
    input.now_s = context.now_s;

    const Config& config = context.config();
    std::unique_ptr<net::AdvisorClient> advisor;
    if (!config.advisor_url.empty()) {
        advisor = std::make_unique<net::AdvisorClient>(
            net::AdvisorSettings{config.advisor_url, config.advisor_key, config.advisor_timeout_ms,
                                 config.advisor_health_interval_s});
    }
    auto estimate = report::estimate_job(context.session(), config, advisor.get(), input);
    if (!estimate) user_error(estimate.error());

    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"Nodes"},
                       {"TimeLimit"},
                       {"Estimate"},
                       {"Hold"},
                       {"Source", Align::kLeft},
                       {"Fits", Align::kLeft}};
    listing.rows.push_back({estimate->account, estimate->partition, estimate->shape.nodes,
                            estimate->budgeted
                                ? format_slurm_time_limit(estimate->shape.time_limit_s)
                                : std::string("-"),
                            estimate->estimate, estimate->hold, estimate->source,
                            std::string(estimate->fits() ? "yes" : "no")});
    print_listing(context, listing);
    // The sentence (why it does not fit, or why the advisor was not used) is
    // for people: only under a table.
    if (context.output.mode == TableMode::kTable && !context.output.json) {
        context.out << estimate->message << "\n";
        if (!estimate->advisor_error.empty()) {
            context.out << "advisor not used: " << estimate->advisor_error << "\n";
        }
    }
    return kExitOk;
}

}  // namespace asbb::cli
