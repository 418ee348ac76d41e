#include "cli/bill_attribution.hpp"

#include <algorithm>
#include <map>

#include "core/bill_split.hpp"
#include "core/cur_line.hpp"
#include "core/job_run.hpp"
#include "core/sha256.hpp"
#include "core/slurm_hostlist.hpp"
#include "db/slurm_jobs.hpp"

namespace asbb::cli {

namespace {

constexpr int64_t kHour_s = 3600;

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
        w.end_s =
            std::max(w.end_s, line.end_s > line.start_s ? line.end_s : line.start_s + kHour_s);
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
    for (const Money m : {a.jobs, a.uncharged, a.idle, a.untagged, a.true_up}) {
        text += std::to_string(m.micro) + " ";
    }
    for (const auto& c : a.costs) {
        text += "\n" + c.hold_id + " " + c.cluster + " " + std::to_string(c.job_id) + " " +
                std::to_string(c.runs) + " " + std::to_string(c.billed.micro) + " " +
                std::to_string(c.charged.micro);
    }
    return sha256_hex(text);
}

}  // namespace

Money rounded(const ExactAmount& amount, const std::string& what) {
    auto money = amount.to_money();
    if (!money) user_error(what + ": " + money.error());
    return *money;
}

BillAttribution attribute_bill(Context& context, const bill::CurPeriodTotal& period) {
    BillAttribution result;
    const std::string what = period.billing_period + " payer " + period.payer_account;
    result.untagged = rounded(period.untagged_instance_cost, what);
    const Window month = period_window(period.billing_period);
    const Window search = search_window(period, month);
    const std::string& cluster = context.config().cluster_name;
    const auto runs = db::runs_on_nodes_between(context.session(), context.slurm_db(), cluster,
                                                search.start_s, search.end_s);
    auto split = split_node_costs(period.node_lines, occupancy_of(runs), runs.size());
    if (!split) user_error(what + ": " + split.error());
    result.idle = rounded(split->idle, what);

    std::vector<int64_t> keys;
    for (size_t i = 0; i < runs.size(); ++i) {
        auto key = run_charge_key(runs[i].run);
        if (key && !split->by_run[i].is_zero()) keys.push_back(*key);
    }
    const auto charges = db::charges_of_runs(context.session(), cluster, keys);
    std::map<std::string, HoldSum> holds;
    ExactAmount uncharged;
    for (size_t i = 0; i < runs.size(); ++i) {
        if (split->by_run[i].is_zero()) continue;
        auto key = run_charge_key(runs[i].run);
        auto charge = key ? charges.find(*key) : charges.end();
        if (charge == charges.end()) {
            uncharged = sum(uncharged, split->by_run[i]);
            continue;
        }
        HoldSum& hold = holds[charge->second.hold_id];
        hold.cost.hold_id = charge->second.hold_id;
        hold.cost.cluster = cluster;
        hold.cost.job_id = charge->second.job_id;
        ++hold.cost.runs;
        hold.billed = sum(hold.billed, split->by_run[i]);
        hold.charged_in_period =
            sum(hold.charged_in_period, charge_in_month(runs[i].run, charge->second.amount, month));
    }
    result.uncharged = rounded(uncharged, what);

    std::vector<std::string> ids;
    for (const auto& [id, hold] : holds) ids.push_back(id);
    const auto before = db::charged_before_true_ups(context.session(), ids);
    for (auto& [id, hold] : holds) {
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
        result.jobs.micro += hold.cost.billed.micro;
        result.true_up.micro += hold.cost.true_up().micro;
        result.costs.push_back(hold.cost);
    }
    result.digest = digest_of(result);
    return result;
}

}  // namespace asbb::cli
