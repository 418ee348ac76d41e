#include "report/job_estimate.hpp"

#include "core/hold_plan.hpp"
#include "core/job_shape.hpp"
#include "core/names.hpp"
#include "core/time_parse.hpp"
#include "db/ledger_view.hpp"
#include "submit/refusal.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::report {

namespace {

std::string verdict_message(const JobEstimate& e) {
    if (!e.refused.empty()) return e.refused;
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
        case db::HoldOutcome::kInsufficient:
            return submit::refusal_message(e.verdict, {e.estimate, e.hold}, e.hold_factor_ppm,
                                           e.partition);
        case db::HoldOutcome::kIdConflict:
        case db::HoldOutcome::kStale:
            break;
    }
    return "the hold could not be placed; try again";
}

// The burst advisor's estimate, when it answers with one; else the rate
// card stays, and why is kept.
void ask_advisor(net::AdvisorClient& advisor, const EstimateInput& input, const HoldPlan& plan,
                 JobEstimate& e) {
    net::AdvisorRequest ask;
    ask.account = e.account;
    ask.partition = e.partition;
    ask.nodes = input.nodes;
    ask.cpus = input.cpus;
    ask.gpus = input.gpus;
    ask.wall_time = input.wall_time.empty() ? format_slurm_time_limit(plan.shape.time_limit_s)
                                            : input.wall_time;
    ask.memory = input.memory;
    ask.job_script = input.job_script;
    ask.metadata = input.metadata;
    ask.timestamp_s = input.now_s;
    auto answer = advisor.estimate(ask);
    if (!answer) {
        e.advisor_error = answer.error();
        return;
    }
    if (!mul_div_round_half_up(answer->estimated_cost.micro, e.hold_factor_ppm, 1, kPpm)) {
        e.advisor_error = "advisor estimate too large";
        return;
    }
    e.estimate = answer->estimated_cost;
    e.source = "advisor";
    e.advisor_confidence_ppm = answer->confidence_ppm;
    e.recommendation = answer->recommendation;
}

// Places the hold for real, on the planned levels (stale levels: planned
// again by db::place_hold).
db::HoldResult place(db::Session& session, const Config& config, const EstimateInput& input,
                     const HoldPlan& plan, const JobEstimate& e, const HoldId& hold_id) {
    const db::HoldRequest request = db::hold_request_for(
        plan, hold_id, {e.cluster, e.account, input.user_name, input.uid, input.actor},
        config.hold_factor_ppm, input.now_s);
    return db::place_hold(session, {config.slurm_db_name}, request);
}

// The request checked, and the shape sbatch would have sent for it; e gets
// the names (normalised) and the cluster.
Expected<SubmitShape> checked_request(const Config& config, const EstimateInput& input,
                                      JobEstimate& e) {
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
    return submit;
}

}  // namespace

Expected<JobEstimate> estimate_job(db::Session& session, const Config& config,
                                   net::AdvisorClient* advisor, const EstimateInput& input) {
    JobEstimate e;
    auto checked = checked_request(config, input, e);
    if (!checked) return make_error(checked.error());
    const SubmitShape submit = *checked;

    db::DbLedgerView view(session, {config.slurm_db_name}, e.cluster);
    HoldAsk ask{e.account, e.partition, submit, config.hold_factor_ppm, input.now_s, {}};
    HoldPlan plan = plan_hold(ask, config.budgeted_partitions, view);
    e.source = "rate_card";
    if (plan.outcome == PlanOutcome::kPartitionNotBudgeted) {
        e.budgeted = false;
        e.verdict.outcome = db::HoldOutcome::kNotBudgeted;
        e.message = verdict_message(e);
        return e;
    }
    if (plan.outcome == PlanOutcome::kNoRate) {
        e.refused = submit::no_rate_message(plan.detail);
        e.message = verdict_message(e);
        return e;
    }
    if (plan.outcome == PlanOutcome::kBadShape) return make_error(plan.detail);
    if (advisor != nullptr && !config.advisor_url.empty()) {
        ask_advisor(*advisor, input, plan, e);
        if (e.source == "advisor") {
            ask.estimate_override = e.estimate;
            plan = plan_hold(ask, config.budgeted_partitions, view);
            if (plan.outcome == PlanOutcome::kBadShape) return make_error(plan.detail);
        }
    }
    e.node_hour_price = plan.rate.node_hour_price;
    e.shape = plan.shape;
    e.estimate = plan.size.estimate;
    e.hold = plan.size.hold;
    if (plan.outcome != PlanOutcome::kHold) {
        e.verdict = db::plan_verdict(plan);
    } else if (input.place_hold) {
        const HoldId hold_id = new_hold_id();
        e.verdict = place(session, config, input, plan, e, hold_id);
        if (e.verdict.outcome == db::HoldOutcome::kPlaced) e.hold_id = hold_id.hex();
    } else {
        e.verdict =
            db::check_levels(session, plan.levels, plan.size.hold, plan.partition, input.now_s);
    }
    e.message = verdict_message(e);
    return e;
}

}  // namespace asbb::report
