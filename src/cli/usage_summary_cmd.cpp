// asbb usage summary: every budgeted account of one cluster's SLURM tree at
// one instant, in tree order or sorted, with a totals row that counts each
// dollar once.
#include <algorithm>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/usage_scope.hpp"
#include "core/names.hpp"
#include "core/usage_math.hpp"
#include "db/usage.hpp"

namespace asbb::cli {

namespace {

struct SummaryRow {
    db::Budget budget;
    int depth = 0;       // the account's depth in SLURM's tree
    int rule_depth = 0;  // for the totals rule (see entries())
    std::string parent;  // the nearest budgeted ancestor's account, '' if none
    Money burn;
};

// The budgeted accounts in tree order. For the totals rule every tree node
// takes part (budgeted or not) at twice its depth; an account with both an
// all-clusters and a cluster budget has the cluster one one step below, as a
// hold counts against both. Cluster budgets of accounts missing from the
// tree (deleted in SLURM) follow at the top level.
std::vector<SummaryRow> summary_rows(const std::vector<db::TreeAccount>& tree,
                                     const std::vector<db::Budget>& budgets,
                                     const std::string& cluster, int64_t instant_s, int64_t now_s) {
    std::vector<SummaryRow> entries;
    std::vector<bool> budgeted;
    std::vector<std::string> in_tree;
    for (const auto& node : tree) {
        in_tree.push_back(node.account);
        auto found = budgets_at(budgets, node.account, cluster, instant_s);
        if (found.empty()) {
            entries.push_back({db::Budget{}, node.depth, 2 * node.depth, "", Money{}});
            budgeted.push_back(false);
        }
        for (size_t k = 0; k < found.size(); ++k) {
            entries.push_back(
                {found[k], node.depth, 2 * node.depth + static_cast<int>(k), "", Money{}});
            budgeted.push_back(true);
        }
    }
    for (const auto& b : budgets) {
        if (b.cluster != cluster || !b.covers(instant_s)) continue;
        if (std::find(in_tree.begin(), in_tree.end(), b.account) != in_tree.end()) continue;
        entries.push_back({b, 0, 0, "", Money{}});
        budgeted.push_back(true);
    }
    std::vector<int> depths;
    for (const auto& e : entries) depths.push_back(e.rule_depth);
    const std::vector<int> nearest = nearest_marked_ancestor(depths, budgeted);

    std::vector<SummaryRow> rows;
    for (size_t i = 0; i < entries.size(); ++i) {
        if (!budgeted[i]) continue;
        SummaryRow row = entries[i];
        if (nearest[i] >= 0) row.parent = entries[static_cast<size_t>(nearest[i])].budget.account;
        row.burn =
            daily_burn(row.budget.spent, row.budget.period_start, row.budget.period_end, now_s);
        rows.push_back(std::move(row));
    }
    return rows;
}

void sort_rows(std::vector<SummaryRow>& rows, const std::string& sort) {
    if (sort == "tree") return;
    // stable: ties keep tree order
    if (sort == "used") {
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            return compare_ratio(a.budget.spent, a.budget.allocated, b.budget.spent,
                                 b.budget.allocated) > 0;
        });
    } else if (sort == "available") {
        std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            return a.budget.available() < b.budget.available();
        });
    } else if (sort == "burn") {
        std::stable_sort(rows.begin(), rows.end(),
                         [](const auto& a, const auto& b) { return a.burn > b.burn; });
    } else {
        usage_error("--sort: " + quote_input(sort) + " is not one of tree, used, available, burn");
    }
}

std::vector<ColumnSpec> summary_columns() {
    return {{"Account", Align::kLeft},
            {"Parent", Align::kLeft},
            {"Cluster", Align::kLeft},
            {"Start", Align::kLeft},
            {"End", Align::kLeft},
            {"DaysLeft"},
            {"Budget"},
            {"Spent"},
            {"Held"},
            {"Available"},
            {"Used"},
            {"Burn"},
            {"Holds"}};
}

}  // namespace

int usage_summary(Context& context, const Args& args) {
    auto options = command_options("asbb usage summary", "Every budgeted account of a cluster");
    options.add_options()("cluster", "cluster whose SLURM tree to use (default: ClusterName)",
                          OptionArg::kValue)(
        "period", "current (default), or a date: the periods containing it", OptionArg::kValue)(
        "sort", "tree (default), used, available or burn", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    const std::string sort = optional_value(parsed, "sort").value_or("tree");
    if (sort != "tree" && sort != "used" && sort != "available" && sort != "burn") {
        usage_error("--sort: " + quote_input(sort) + " is not one of tree, used, available, burn");
    }
    const int64_t instant_s = period_instant(context, optional_value(parsed, "period"));
    const std::string cluster = tree_cluster(context, optional_value(parsed, "cluster"));

    auto& session = context.session();
    auto rows =
        summary_rows(db::account_tree(session, context.slurm_db(), cluster),
                     db::list_budgets(session, std::nullopt), cluster, instant_s, context.now_s);
    sort_rows(rows, sort);

    Listing listing;
    listing.columns = summary_columns();
    Money total_budget, total_spent, total_held, total_burn;
    int64_t total_holds = 0;
    for (const auto& r : rows) {
        const db::Budget& b = r.budget;
        // Indented like `sacctmgr show assoc tree` in tree order only: in a
        // sorted list the indentation would suggest a parent that is not there.
        const size_t indent = context.output.json || sort != "tree" ? 0 : size_t(r.depth);
        listing.rows.push_back(
            {std::string(indent, ' ') + b.account, r.parent, cluster_label(b.cluster),
             format_local_date(b.period_start), last_day(b.period_end),
             days_left(b.period_start, b.period_end, context.now_s), b.allocated, b.spent, b.held,
             b.available(), percent_text(b.spent, b.allocated), r.burn, b.open_holds});
        if (!r.parent.empty()) continue;  // already inside its budgeted ancestor's figures
        total_budget.micro += b.allocated.micro;
        total_spent.micro += b.spent.micro;
        total_held.micro += b.held.micro;
        total_burn.micro += r.burn.micro;
        total_holds += b.open_holds;
    }
    Listing totals;
    totals.columns = summary_columns();
    totals.rows.push_back({std::string("TOTAL"), std::monostate{}, cluster, std::monostate{},
                           std::monostate{}, std::monostate{}, total_budget, total_spent,
                           total_held,
                           Money{total_budget.micro - total_spent.micro - total_held.micro},
                           percent_text(total_spent, total_budget), total_burn, total_holds});
    if (context.output.json) {
        print_json_object(context, {{"accounts", listing}, {"totals", totals}});
        return kExitOk;
    }
    listing.rows.push_back(totals.rows.front());
    print_listing(context, listing);
    return kExitOk;
}

}  // namespace asbb::cli
