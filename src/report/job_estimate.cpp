#include "report/job_estimate.hpp"

#include "core/job_shape.hpp"
#include "core/names.hpp"
#include "core/rejection.hpp"
#include "core/time_parse.hpp"
#include "db/rates.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::report {

namespace {

ShortLevel short_level(db::LevelKind kind) {
    switch (kind) {
        case db::LevelKind::kAncestor:
            return ShortLevel::kAncestor;
        case db::LevelKind::kPartitionLimit:
            return ShortLevel::kPartitionLimit;
        case db::LevelKind::kAccount:
            break;
    }
    return ShortLevel::kAccount;
}

std::string verdict_message(const JobEstimate& e) {
    if (!e.budgeted) return "partition " + e.partition + " is not budgeted: nothing is held";
    switch (e.verdict.outcome) {
        case db::HoldOutcome::kPlaced:
        case db::HoldOutcome::kAlreadyPlaced:
            return (e.hold_id.empty() ? "fits: a hold of " : "held: ") +
                   format_money_dollars(e.hold) + " on account " + e.account;
        case db::HoldOutcome::kNotBudgeted:
            return "account " + e.account + " has no budget: nothing is held";
        case db::HoldOutcome::kUnknownAccount:
            return "SLURM has no account " + e.account + " on cluster " + e.cluster;
        case db::HoldOutcome::kNoActivePeriod:
            return no_active_period_message(
                e.verdict.shortfall->account,
                format_period(e.verdict.shortfall->period_start, e.verdict.shortfall->period_end));
        case db::HoldOutcome::kInsufficient: {
            const auto& s = *e.verdict.shortfall;
            ShortfallText text{short_level(s.kind), s.account, e.partition,
                               format_period(s.period_start, s.period_end), s.available};
            return insufficient_funds_message(e.hold, e.estimate, e.hold_factor_ppm, text);
        }
        case db::HoldOutcome::kIdConflict:
            break;
    }
    return "the hold could not be placed; try again";
}

}  // namespace

Expected<JobEstimate> estimate_job(db::Session& session, const Config& config,
                                   net::AdvisorClient* advisor, const EstimateInput& input) {
    JobEstimate e;
    auto account = normalize_account_name(input.account);
    if (!account) return make_error("account: " + account.error());
    auto partition = validate_partition_name(input.partition);
    if (!partition) return make_error("partition: " + partition.error());
    e.account = *account;
    e.partition = *partition;
    e.cluster = input.cluster.empty() ? config.cluster_name : input.cluster;
    if (e.cluster.empty()) return make_error("cluster: none given and ClusterName is not set");
    if (input.nodes < 1 || input.nodes > 1'000'000)
        return make_error("nodes: must be 1 to 1000000");
    if (input.cpus < 1 || input.cpus > 100'000'000)
        return make_error("cpus: must be 1 to 100000000");
    if (input.gpus < 0 || input.gpus > 1'000'000) return make_error("gpus: must be 0 to 1000000");
    e.hold_factor_ppm = config.hold_factor_ppm;

    SubmitShape submit;
    submit.min_nodes = input.nodes;
    submit.min_cpus = input.cpus;
    if (!input.wall_time.empty()) {
        auto limit = parse_slurm_time_limit(input.wall_time);
        if (!limit) return make_error("wall_time: " + limit.error());
        if (limit->unlimited) {
            submit.time_unlimited = true;
        } else {
            submit.time_limit_min = (limit->seconds + 59) / 60;
        }
    }

    auto rate = db::find_rate(session, e.cluster, e.partition);
    if (!rate) {
        e.budgeted = false;
        e.source = "rate_card";
        e.verdict.outcome = db::HoldOutcome::kNotBudgeted;
        e.message = verdict_message(e);
        return e;
    }
    e.node_hour_price = rate->node_hour_price;
    auto shape = resolve_job_shape(
        submit, {rate->cpus_per_node, rate->default_time_limit_s, rate->gpus_per_node},
        e.partition);
    if (!shape) return make_error(shape.error());
    e.shape = *shape;
    auto size = size_hold(e.shape, rate->node_hour_price, config.hold_factor_ppm);
    if (!size) return make_error(size.error());
    e.estimate = size->estimate;
    e.hold = size->hold;
    e.source = "rate_card";

    if (advisor != nullptr && !config.advisor_url.empty()) {
        net::AdvisorRequest ask;
        ask.account = e.account;
        ask.partition = e.partition;
        ask.nodes = input.nodes;
        ask.cpus = input.cpus;
        ask.gpus = input.gpus;
        ask.wall_time = input.wall_time.empty() ? format_slurm_time_limit(e.shape.time_limit_s)
                                                : input.wall_time;
        ask.memory = input.memory;
        ask.job_script = input.job_script;
        ask.metadata = input.metadata;
        ask.timestamp_s = input.now_s;
        auto answer = advisor->estimate(ask);
        auto held = answer ? mul_div_round_half_up(answer->estimated_cost.micro,
                                                   config.hold_factor_ppm, 1, kPpm)
                           : std::nullopt;
        if (answer && held) {
            e.estimate = answer->estimated_cost;
            e.hold = Money{*held};
            e.source = "advisor";
            e.advisor_confidence_ppm = answer->confidence_ppm;
            e.recommendation = answer->recommendation;
        } else {
            e.advisor_error = answer ? "advisor estimate too large" : answer.error();
        }
    }

    db::HoldRequest request;
    request.id = new_hold_id();
    request.cluster = e.cluster;
    request.account = e.account;
    request.partition = e.partition;
    request.user_name = input.user_name;
    request.uid = input.uid;
    request.shape = e.shape;
    request.node_hour_price = rate->node_hour_price;
    request.hold_factor_ppm = config.hold_factor_ppm;
    request.size = {e.estimate, e.hold};
    request.now_s = input.now_s;
    request.actor = input.actor;
    const db::SlurmDbName slurm{config.slurm_db_name};
    if (input.place_hold) {
        e.verdict = db::place_hold(session, slurm, request);
        if (e.verdict.outcome == db::HoldOutcome::kPlaced) e.hold_id = request.id.hex();
    } else {
        e.verdict = db::check_hold(session, slurm, request);
    }
    e.message = verdict_message(e);
    return e;
}

}  // namespace asbb::report
