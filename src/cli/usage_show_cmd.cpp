// asbb usage show ACCOUNT: one budget, its partition limits, and what every
// account of its SLURM subtree counted against it (the roll-up).
#include <map>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/usage_scope.hpp"
#include "core/usage_math.hpp"
#include "db/bill_true_ups.hpp"
#include "db/usage.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

int usage_summary(Context& context, const Args& args);  // usage_summary_cmd.cpp

namespace {

constexpr const char* kUsageUsage = "usage: asbb usage show ACCOUNT | asbb usage summary";

Cell optional_money(const std::optional<db::Budget>& budget) {
    if (!budget) return std::monostate{};
    return budget->allocated;
}

Listing budget_listing(const db::Budget& b, const std::vector<db::AccountUsage>& usage,
                       Money billed, int64_t now_s) {
    Money overrun;
    for (const auto& u : usage) overrun.micro += u.overrun.micro;
    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
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
                       {"Holds"},
                       {"Overrun"},
                       {"Billed"},
                       {"ID"}};
    listing.rows.push_back({b.account, cluster_label(b.cluster), format_local_date(b.period_start),
                            last_day(b.period_end), days_left(b.period_start, b.period_end, now_s),
                            b.allocated, b.spent, b.held, b.available(),
                            percent_text(b.spent, b.allocated),
                            daily_burn(b.spent, b.period_start, b.period_end, now_s), b.open_holds,
                            overrun, billed, b.id});
    return listing;
}

Listing partition_listing(const std::vector<db::PartitionLimit>& limits) {
    Listing listing;
    listing.columns = {
        {"Partition", Align::kLeft}, {"Limit"}, {"Spent"}, {"Held"}, {"Left"}, {"Used"}};
    for (const auto& l : limits) {
        listing.rows.push_back(
            {l.partition, l.limit, l.spent, l.held, l.available(), percent_text(l.spent, l.limit)});
    }
    return listing;
}

struct SubRow {
    db::TreeAccount node;
    std::optional<db::Budget> own_budget;
};

// The account's subtree in tree order, depths counted from the account;
// then accounts whose holds counted against the budget but that are no
// longer under it in SLURM's tree (moved since), each at the top level.
std::vector<SubRow> subtree_rows(const std::vector<db::TreeAccount>& tree,
                                 const std::string& account,
                                 const std::vector<db::AccountUsage>& usage) {
    std::vector<SubRow> rows;
    size_t at = 0;
    while (at < tree.size() && tree[at].account != account) ++at;
    if (at == tree.size()) {
        rows.push_back({{account, "", 0}, std::nullopt});
    } else {
        const int base = tree[at].depth;
        rows.push_back({{account, "", 0}, std::nullopt});
        for (size_t i = at + 1; i < tree.size() && tree[i].depth > base; ++i) {
            rows.push_back({{tree[i].account, tree[i].parent, tree[i].depth - base}, std::nullopt});
        }
    }
    for (const auto& u : usage) {
        bool listed = false;
        for (const auto& r : rows) listed = listed || r.node.account == u.account;
        if (!listed) rows.push_back({{u.account, "", 0}, std::nullopt});
    }
    return rows;
}

Listing account_listing(Context& context, std::vector<SubRow> rows,
                        const std::vector<db::AccountUsage>& usage) {
    std::map<std::string, UsageFigures> own_by_account;
    for (const auto& u : usage) own_by_account[u.account] = {u.spent, u.held, u.open_holds};
    std::vector<int> depths;
    std::vector<UsageFigures> own;
    for (const auto& r : rows) {
        depths.push_back(r.node.depth);
        own.push_back(own_by_account[r.node.account]);
    }
    const std::vector<UsageFigures> tree = subtree_sums(depths, own);

    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
                       {"Parent", Align::kLeft},
                       {"OwnBudget"},
                       {"Spent"},
                       {"Held"},
                       {"Holds"},
                       {"TreeSpent"},
                       {"TreeHeld"},
                       {"TreeHolds"}};
    for (size_t i = 0; i < rows.size(); ++i) {
        // Indented like `sacctmgr show assoc tree`; JSON has parent instead.
        const std::string name =
            context.output.json
                ? rows[i].node.account
                : std::string(static_cast<size_t>(rows[i].node.depth), ' ') + rows[i].node.account;
        listing.rows.push_back({name, rows[i].node.parent, optional_money(rows[i].own_budget),
                                own[i].spent, own[i].held, own[i].open_holds, tree[i].spent,
                                tree[i].held, tree[i].open_holds});
    }
    return listing;
}

[[noreturn]] void no_budget(Context& context, const std::string& account,
                            const std::string& cluster, int64_t instant_s,
                            const std::vector<db::Budget>& all) {
    std::string periods;
    for (const auto& b : all) {
        if (b.account != account || (!b.cluster.empty() && b.cluster != cluster)) continue;
        periods += (periods.empty() ? "" : ", ") + format_local_date(b.period_start) + ".." +
                   last_day(b.period_end);
    }
    if (periods.empty()) user_error("account " + account + " has no budget on cluster " + cluster);
    user_error(
        "account " + account + " has no budget period containing " +
        (instant_s == context.now_s ? std::string("now") : format_local_datetime(instant_s)) +
        " (its periods: " + periods + "; pick one with --period=DATE)");
}

void print_section(Context& context, const std::string& title, const Listing& listing, bool first) {
    const bool table = context.output.mode == TableMode::kTable;
    if (table && !first) context.out << "\n";
    if (table && context.output.header) context.out << title << "\n";
    if (first) {
        print_listing(context, listing);
        return;
    }
    // Only the first section takes format= (as `account show` does).
    Context rest(context.out, context.err);
    rest.output = context.output;
    rest.output.format.reset();
    print_listing(rest, listing);
}

int show_usage(Context& context, const Args& args) {
    auto options =
        command_options("asbb usage show ACCOUNT", "Budget, partitions and sub-account roll-up");
    options.add_options()("cluster", "cluster whose SLURM tree to use (default: ClusterName)",
                          OptionArg::kValue)(
        "period", "current (default), or a date inside the period to show", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb usage show ACCOUNT: ACCOUNT is missing");
    const std::string account = parse_account(positional[0]);
    const int64_t instant_s = period_instant(context, optional_value(parsed, "period"));
    const std::string cluster = tree_cluster(context, optional_value(parsed, "cluster"));
    // Through the service: a user reads the accounts they belong to (and
    // coordinators their subtrees), so the roll-up below is theirs too.
    context.require(Access::kRead, account, cluster);

    auto& session = context.session();
    const auto all_budgets = db::list_budgets(session, std::nullopt);
    auto budget = budget_at(all_budgets, account, cluster, instant_s);
    if (!budget) no_budget(context, account, cluster, instant_s, all_budgets);
    const auto limits = db::list_limits(session, budget->id);
    const auto usage = db::usage_by_account(session, budget->id, account);

    auto rows =
        subtree_rows(db::account_tree(session, context.slurm_db(), cluster), account, usage);
    for (auto& r : rows) r.own_budget = budget_at(all_budgets, r.node.account, cluster, instant_s);
    const Listing accounts = account_listing(context, std::move(rows), usage);

    const Listing summary =
        budget_listing(*budget, usage, db::billed_on_budget(session, budget->id), context.now_s);
    if (context.output.format) {
        // Checked before anything is printed: a bad format= prints nothing.
        auto valid = parse_format_spec(*context.output.format, summary.columns);
        if (!valid) usage_error(valid.error());
    }
    if (context.output.json) {
        print_json_object(context, {{"budget", summary},
                                    {"partitions", partition_listing(limits)},
                                    {"accounts", accounts}});
        return kExitOk;
    }
    print_section(context,
                  "Budget of " + account +
                      " (its own budget; Spent, Held and Holds include the jobs of every "
                      "account below it)",
                  summary, true);
    if (!limits.empty()) {
        print_section(context, "Partition limits of this budget", partition_listing(limits), false);
    }
    print_section(context,
                  "Roll-up: what each account's own jobs counted against this budget "
                  "(Tree*: with every account below it; OwnBudget: the account's own budget)",
                  accounts, false);
    return kExitOk;
}

}  // namespace

int usage_command(Context& context, const Args& args) {
    if (args.empty()) usage_error(kUsageUsage);
    const std::string& verb = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (verb == "show") return show_usage(context, rest);
    if (verb == "summary") return usage_summary(context, rest);
    usage_error("unknown usage verb '" + verb + "' (" + kUsageUsage + ")");
}

}  // namespace asbb::cli
