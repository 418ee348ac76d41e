// asbb bill show [ACCOUNT] [--month=YYYY-MM] [--all-versions] [--jobs]: the
// imported versions of the AWS bill, one row per billing period and payer,
// or one row per hold they trued up.
#include <map>
#include <ostream>

#include "cli/args.hpp"
#include "cli/bill_listing.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/cur_line.hpp"
#include "core/names.hpp"
#include "db/bill_imports.hpp"
#include "db/bill_true_ups.hpp"
#include "db/slurm_tree.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

// The holds the current versions trued up that this user may read.
std::vector<db::BillJobCostRow> readable_job_costs(Context& context,
                                                   const std::optional<std::string>& period,
                                                   const std::optional<std::string>& account) {
    auto rows = db::list_bill_job_costs(context.session(), period, account);
    std::erase_if(rows, [&](const db::BillJobCostRow& row) {
        return !context.may(Access::kRead, row.account, row.cost.cluster);
    });
    return rows;
}

// One row per hold: asbb bill show --jobs (or ACCOUNT).
void list_job_costs(Context& context, const std::vector<db::BillJobCostRow>& rows) {
    Listing listing;
    listing.columns = {{"Period", Align::kLeft},
                       {"Import"},
                       {"Cluster", Align::kLeft},
                       {"JobID"},
                       {"Account", Align::kLeft},
                       {"Runs"},
                       {"Estimate"},
                       {"HoldAmount"},
                       {"Charged"},
                       {"Billed"},
                       {"Shared"},
                       {"TrueUp"},
                       {"Hold", Align::kLeft}};
    for (const auto& row : rows) {
        const auto& c = row.cost;
        listing.rows.push_back({row.billing_period, row.import_id, c.cluster, c.job_id, row.account,
                                c.runs, row.estimate, row.hold_amount, c.charged, c.billed,
                                c.shared, c.true_up(), c.hold_id});
    }
    print_listing(context, listing);
}

// One row per billing period and account: asbb bill show --accounts.
void list_account_costs(Context& context, const std::vector<db::BillJobCostRow>& rows) {
    struct Sums {
        int64_t jobs = 0;
        Money estimate, hold_amount, charged, billed, shared, true_up;
    };
    std::map<std::pair<std::string, std::string>, Sums> by_account;
    for (const auto& row : rows) {
        Sums& s = by_account[{row.billing_period, row.account}];
        ++s.jobs;
        for (auto [sum, add] : {std::pair{&s.estimate, row.estimate},
                                {&s.hold_amount, row.hold_amount},
                                {&s.charged, row.cost.charged},
                                {&s.billed, row.cost.billed},
                                {&s.shared, row.cost.shared},
                                {&s.true_up, row.cost.true_up()}}) {
            sum->micro += add.micro;
        }
    }
    Listing listing;
    listing.columns = {{"Period", Align::kLeft},
                       {"Account", Align::kLeft},
                       {"Jobs"},
                       {"Estimate"},
                       {"HoldAmount"},
                       {"Charged"},
                       {"Billed"},
                       {"Shared"},
                       {"TrueUp"}};
    for (const auto& [key, s] : by_account) {
        listing.rows.push_back({key.first, key.second, s.jobs, s.estimate, s.hold_amount, s.charged,
                                s.billed, s.shared, s.true_up});
    }
    print_listing(context, listing);
}

// One row per node with idle time: asbb bill show --idle.
void list_idle_nodes(Context& context, const std::optional<std::string>& period) {
    Listing listing;
    listing.columns = {{"Period", Align::kLeft}, {"Payer", Align::kLeft},      {"Import"},
                       {"Node", Align::kLeft},   {"Partitions", Align::kLeft}, {"Idle"}};
    for (const auto& row : db::list_bill_idle_nodes(context.session(), period)) {
        listing.rows.push_back({row.billing_period, row.payer_account, row.import_id, row.idle.node,
                                row.idle.partitions, row.idle.idle});
    }
    print_listing(context, listing);
}

}  // namespace

int bill_show_command(Context& context, const Args& args) {
    auto options = command_options("asbb bill show [ACCOUNT]",
                                   "The imported AWS bill: one row per billing period and payer, "
                                   "or with ACCOUNT or --jobs one row per job trued up");
    options.add_options()("month", "only the billing period YYYY-MM", OptionArg::kValue)(
        "all-versions", "also the versions a newer import replaced")(
        "jobs", "one row per job the current versions trued up")(
        "accounts", "one row per account and month: its trued-up jobs summed")(
        "idle", "one row per node with idle time, with the partitions its runs used");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    db::BillImportFilter filter;
    if (auto month = optional_value(parsed, "month")) {
        auto start = parse_cur_timestamp(*month + "-01");
        if (month->size() != 7 || !start)
            usage_error("--month: give YYYY-MM, got " + quote_input(*month));
        filter.period = *month;
    }
    filter.with_replaced = parsed.count("all-versions") > 0;
    if (parsed.count("idle") > 0) {
        if (!positional.empty() || filter.with_replaced || parsed.count("jobs") ||
            parsed.count("accounts")) {
            usage_error("--idle takes only --month");
        }
        list_idle_nodes(context, filter.period);
        return kExitOk;
    }
    const bool by_account = parsed.count("accounts") > 0;
    if (!positional.empty() || parsed.count("jobs") > 0 || by_account) {
        std::optional<std::string> account;
        if (!positional.empty()) {
            account = parse_account(positional[0]);
            if (!db::slurm_account_exists(context.session(), context.slurm_db(), *account)) {
                user_error("SLURM has no account '" + *account + "'");
            }
            context.require(Access::kRead, *account);
        }
        if (filter.with_replaced) usage_error("--all-versions lists imports, not jobs");
        if (by_account && parsed.count("jobs") > 0)
            usage_error("give one of --jobs and --accounts");
        const auto rows = readable_job_costs(context, filter.period, account);
        by_account ? list_account_costs(context, rows) : list_job_costs(context, rows);
        return kExitOk;
    }
    Listing listing;
    listing.columns = bill_import_columns();
    for (const char* name : {"Imported", "By", "Replaced", "Tag", "Map", "IdleAccount", "Files"}) {
        listing.columns.push_back({name, Align::kLeft});
    }
    for (const auto& b : db::list_bill_imports(context.session(), filter)) {
        auto cells = bill_import_cells(b);
        std::string files;
        for (const auto& file : b.files) files += (files.empty() ? "" : " ") + file;
        cells.insert(
            cells.end(),
            {format_local_datetime(b.imported_at_s), b.imported_by,
             b.replaced_by ? "by #" + std::to_string(*b.replaced_by) : std::string(), b.node_tag,
             b.node_map_spans == 0 ? Cell{} : Cell{b.node_map_spans}, b.idle_account, files});
        listing.rows.push_back(std::move(cells));
    }
    print_listing(context, listing);
    return kExitOk;
}

}  // namespace asbb::cli
