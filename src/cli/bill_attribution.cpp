#include "cli/bill_attribution.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/bill_split.hpp"
#include "core/cur_line.hpp"
#include "core/hold_plan.hpp"
#include "core/job_run.hpp"
#include "core/sha256.hpp"
#include "core/slurm_hostlist.hpp"
#include "db/ledger_view.hpp"
#include "db/slurm_jobs.hpp"

namespace asbb::cli {

namespace {

struct Window {
    int64_t start_s = 0;
    int64_t end_s = 0;
};

// The billing period "YYYY-MM" as [its first second, the next month's).
Window period_window(const std::string& period) {
    const int year = std::stoi(period.substr(0, 4));
    const int month = std::stoi(period.substr(5, 2));
    const int next_year = month == 12 ? year + 1 : year;
    const int next_month = month == 12 ? 1 : month + 1;
    const std::string next = std::to_string(next_year) + (next_month < 10 ? "-0" : "-") +
                             std::to_string(next_month) + "-01";
    auto start = parse_cur_timestamp(period + "-01");
    auto end = parse_cur_timestamp(next);
    if (!start || !end) user_error("billing period " + period + ": not a month");
    return {*start, *end};
}

// Where runs must be looked for: the period, and any line reaching beyond it.
Window search_window(const bill::CurPeriodTotal& period, const Window& month) {
    Window w = month;
    for (const auto& line : period.node_lines) {
        w.start_s = std::min(w.start_s, line.start_s);
        w.end_s = std::max(w.end_s, line_end_s(line.start_s, line.end_s));
    }
    return w;
}

OccupancyByNode occupancy_of(const std::vector<PlacedRun>& runs) {
    OccupancyByNode on_node;
    for (size_t i = 0; i < runs.size(); ++i) {
        const auto& placed = runs[i];
        const std::string job = "slurmdbd's job " + std::to_string(placed.run.job_id) + ": ";
        auto nodes = expand_hostlist(placed.node_list);
        if (!nodes) user_error(job + nodes.error());
        auto cpus = tres_alloc_cpus(placed.tres_alloc);
        if (!cpus) user_error(job + cpus.error());
        const int64_t node_count = std::max<int64_t>(1, static_cast<int64_t>(nodes->size()));
        const int64_t per_node = std::max<int64_t>(1, *cpus / node_count);
        for (const auto& node : *nodes) {
            on_node[node].push_back({i, placed.run.time_start, placed.run.time_end, per_node});
        }
    }
    return on_node;
}

ExactAmount sum(const ExactAmount& a, const ExactAmount& b) {
    auto total = a.plus(b);
    if (!total) user_error("the bill's attribution: " + total.error());
    return *total;
}

// A hold's billed runs, summed exactly.
struct HoldSum {
    db::BillJobCost cost;
    ExactAmount billed;
    ExactAmount charged_in_period;  // the runs' charges, for their time in the month
};

// A run's charge for the part of its time inside the month.
ExactAmount charge_in_month(const JobRun& run, Money charge, const Window& month) {
    const int64_t elapsed_s = run_elapsed_s(run);
    const auto whole = ExactAmount::from_money(charge);
    if (elapsed_s == 0) return whole;
    const int64_t inside_s = std::max<int64_t>(
        0, std::min(run.time_end, month.end_s) - std::max(run.time_start, month.start_s));
    auto part = whole.share(inside_s, elapsed_s);
    if (!part) user_error("the bill's attribution: " + part.error());
    return *part;
}

// The figures as text, in the order of the holds (a std::map's: sorted).
std::string digest_of(const BillAttribution& a) {
    std::string text;
    for (const Money m :
         {a.jobs, a.uncharged, a.idle, a.untagged, a.true_up, a.shared, a.unattributed}) {
        text += std::to_string(m.micro) + " ";
    }
    if (a.true_ups.idle) {
        text += a.true_ups.idle->account + " " + std::to_string(a.true_ups.idle->amount.micro);
        for (int64_t id : a.true_ups.idle->budget_ids) text += " " + std::to_string(id);
    }
    for (const auto& n : a.true_ups.idle_nodes) {
        text += "\nidle " + n.node + " " + n.partitions + " " + std::to_string(n.idle.micro);
    }
    for (const auto& c : a.true_ups.costs) {
        text += "\n" + c.hold_id + " " + c.cluster + " " + std::to_string(c.job_id) + " " +
                std::to_string(c.runs) + " " + std::to_string(c.billed.micro) + " " +
                std::to_string(c.charged.micro) + " " + std::to_string(c.shared.micro);
    }
    return sha256_hex(text);
}

// Where the period's instance cost went, exactly, before any rounding.
struct Buckets {
    std::map<std::string, HoldSum> holds;  // runs asbb charged, by hold
    ExactAmount uncharged;
    ExactAmount idle;
    ExactAmount untagged;
    std::map<std::string, ExactAmount> idle_by_node;  // of idle, before any shared part
    std::map<std::string, std::set<std::string>> partitions_by_node;
};

// The node's partitions as bill_idle_node keeps them: sorted, comma
// separated, at most 255 characters (cut at a name, with "..." after).
std::string partition_list(const std::set<std::string>& partitions) {
    constexpr size_t kMaxChars = 255;
    std::string text;
    for (const auto& p : partitions) {
        const std::string next = text.empty() ? p : text + "," + p;
        if (next.size() > kMaxChars - 4) return text + ",...";
        text = next;
    }
    return text;
}

Buckets place_runs(Context& context, const bill::CurPeriodTotal& period, const Window& month,
                   const std::string& what) {
    Buckets buckets;
    buckets.untagged = period.untagged_instance_cost;
    const std::string& cluster = context.config().cluster_name;
    const Window search = search_window(period, month);
    const auto runs = db::runs_on_nodes_between(context.session(), context.slurm_db(), cluster,
                                                search.start_s, search.end_s);
    const OccupancyByNode on_node = occupancy_of(runs);
    auto split = split_node_costs(period.node_lines, on_node, runs.size());
    if (!split) user_error(what + ": " + split.error());
    buckets.idle = split->idle;
    buckets.idle_by_node = split->idle_by_node;
    for (const auto& [node, occupancies] : on_node) {
        for (const auto& o : occupancies) {
            buckets.partitions_by_node[node].insert(runs[o.run].run.partition);
        }
    }
    std::vector<int64_t> keys;
    for (size_t i = 0; i < runs.size(); ++i) {
        auto key = run_charge_key(runs[i].run);
        if (key && !split->by_run[i].is_zero()) keys.push_back(*key);
    }
    const auto charges = db::charges_of_runs(context.session(), cluster, keys);
    for (size_t i = 0; i < runs.size(); ++i) {
        if (split->by_run[i].is_zero()) continue;
        auto key = run_charge_key(runs[i].run);
        auto charge = key ? charges.find(*key) : charges.end();
        if (charge == charges.end()) {
            buckets.uncharged = sum(buckets.uncharged, split->by_run[i]);
            continue;
        }
        HoldSum& hold = buckets.holds[charge->second.hold_id];
        hold.cost.hold_id = charge->second.hold_id;
        hold.cost.cluster = cluster;
        hold.cost.job_id = charge->second.job_id;
        ++hold.cost.runs;
        hold.billed = sum(hold.billed, split->by_run[i]);
        hold.charged_in_period =
            sum(hold.charged_in_period, charge_in_month(runs[i].run, charge->second.amount, month));
    }
    return buckets;
}

// BillSharedCosts=proportional: other (the lines that are not instance-hours)
// shared by every bucket's instance cost, rounded to the micro-dollar as its
// weight; each share is cut toward zero and the last bucket takes the rest,
// so the shares sum to other exactly. Each hold's share lands in
// shared_by_hold too. False (nothing shared) when there is no instance cost
// to weigh by.
bool share_other_costs(Buckets& buckets, const ExactAmount& other, const std::string& what,
                       std::map<std::string, ExactAmount>& shared_by_hold) {
    std::vector<std::pair<ExactAmount*, const std::string*>> parts;  // hold id or none
    for (auto& [id, hold] : buckets.holds) parts.emplace_back(&hold.billed, &id);
    for (ExactAmount* bucket : {&buckets.uncharged, &buckets.idle, &buckets.untagged}) {
        parts.emplace_back(bucket, nullptr);
    }
    std::vector<int64_t> weights;
    int64_t whole = 0;
    for (const auto& part : parts) {
        weights.push_back(std::max<int64_t>(0, rounded(*part.first, what).micro));
        whole += weights.back();
    }
    if (whole <= 0) return false;
    ExactAmount left = other;
    for (size_t i = 0; i < parts.size(); ++i) {
        ExactAmount share = left;
        if (i + 1 < parts.size()) {
            auto cut = other.share(weights[i], whole);
            if (!cut) user_error(what + ": " + cut.error());
            share = *cut;
        }
        auto rest = left.minus(share);
        if (!rest) user_error(what + ": " + rest.error());
        left = *rest;
        *parts[i].first = sum(*parts[i].first, share);
        if (parts[i].second) shared_by_hold[*parts[i].second] = share;
    }
    return true;
}

}  // namespace

Money rounded(const ExactAmount& amount, const std::string& what) {
    auto money = amount.to_money();
    if (!money) user_error(what + ": " + money.error());
    return *money;
}

// IdleCostAccount's levels for the billed month, as a job's hold would have
// them at the month's last second: the account's budget then and its
// budgeted ancestors' (or only those, when the account has none itself).
std::vector<int64_t> idle_levels(Context& context, const std::string& account, const Window& month,
                                 const std::string& billing_period) {
    db::DbLedgerView view(context.session(), context.slurm_db(), context.config().cluster_name);
    const HoldPlan plan = plan_levels(account, "", month.end_s - 1, view);
    const std::string key = "IdleCostAccount=" + account + ": ";
    switch (plan.outcome) {
        case PlanOutcome::kHold:
            break;
        case PlanOutcome::kUnknownAccount:
            user_error(key + "SLURM has no such account");
        case PlanOutcome::kNoActivePeriod:
            user_error(key + (plan.shortfall ? plan.shortfall->account : account) +
                       " has no active budget covering " + billing_period +
                       ": create one (asbb account create) or unset IdleCostAccount");
        default:
            user_error(key + "neither it nor an account above it has a budget");
    }
    std::vector<int64_t> ids;
    for (const auto& level : plan.levels) ids.push_back(level.budget_id);
    return ids;
}

BillAttribution attribute_bill(Context& context, const bill::CurPeriodTotal& period) {
    const std::string what = period.billing_period + " payer " + period.payer_account;
    const Window month = period_window(period.billing_period);
    Buckets buckets = place_runs(context, period, month, what);
    auto other = period.total.minus(period.instance_hours_cost);
    if (!other) user_error(what + ": " + other.error());
    BillAttribution result;
    std::map<std::string, ExactAmount> shared_by_hold;
    ExactAmount unattributed = *other;
    if (context.config().bill_shared_costs == SharedCosts::kProportional &&
        share_other_costs(buckets, *other, what, shared_by_hold)) {
        unattributed = ExactAmount{};
    }
    std::vector<std::string> ids;
    for (const auto& [id, hold] : buckets.holds) ids.push_back(id);
    const auto before = db::charged_before_true_ups(context.session(), ids);
    ExactAmount shared;
    for (auto& [id, hold] : buckets.holds) {
        // A cost-file adjustment corrected the hold's charges as a whole: the
        // period's part of the charges carries its part of the adjustment.
        ExactAmount charged = hold.charged_in_period;
        if (auto b = before.find(id); b != before.end() && b->second.charges.micro > 0) {
            auto adjusted = charged.share(b->second.charges.micro + b->second.adjustments.micro,
                                          b->second.charges.micro);
            if (!adjusted) user_error(what + ": " + adjusted.error());
            charged = *adjusted;
        }
        hold.cost.billed = rounded(hold.billed, what);
        hold.cost.charged = rounded(charged, what);
        if (auto s = shared_by_hold.find(id); s != shared_by_hold.end()) {
            hold.cost.shared = rounded(s->second, what);
            shared = sum(shared, s->second);
        }
        result.jobs.micro += hold.cost.billed.micro;
        result.true_up.micro += hold.cost.true_up().micro;
        result.true_ups.costs.push_back(hold.cost);
    }
    result.uncharged = rounded(buckets.uncharged, what);
    result.idle = rounded(buckets.idle, what);
    result.untagged = rounded(buckets.untagged, what);
    result.shared = rounded(shared, what);
    result.unattributed = rounded(unattributed, what);
    const std::string& idle_account = context.config().idle_cost_account;
    const Money idle_cost = rounded(sum(sum(buckets.idle, buckets.untagged), unattributed), what);
    if (!idle_account.empty() && idle_cost.micro != 0) {
        result.true_ups.idle = db::IdleCharge{
            idle_account, context.config().cluster_name,
            idle_levels(context, idle_account, month, period.billing_period), idle_cost};
    }
    for (const auto& [node, idle] : buckets.idle_by_node) {
        result.true_ups.idle_nodes.push_back(
            {node, partition_list(buckets.partitions_by_node[node]), rounded(idle, what)});
    }
    result.digest = digest_of(result);
    return result;
}

}  // namespace asbb::cli
