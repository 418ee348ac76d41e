// asbb bill import FILE... [--dry-run] (and the dispatch of asbb bill show
// and asbb bill map): the AWS bill's Cost and Usage Reports, read exactly and
// recorded per billing period and payer account, one current version each;
// with BillNodeTag or a node map, each version's instance-hours are placed
// on the jobs and their charges trued up (cli/bill_attribution).
#include <ostream>

#include "bill/cur_read.hpp"
#include "cli/args.hpp"
#include "cli/bill_attribution.hpp"
#include "cli/bill_listing.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "db/bill_imports.hpp"
#include "db/bill_true_ups.hpp"
#include "db/node_map.hpp"

namespace asbb::cli {

namespace {

constexpr const char* kUsage =
    "usage: asbb bill import FILE... [--dry-run]\n"
    "       asbb bill show [ACCOUNT] [--month=YYYY-MM] [--all-versions] "
    "[--jobs|--accounts|--idle]\n"
    "       asbb bill map --resume-log=FILE|--csv=FILE [--dry-run] | asbb bill map show";

db::BillImport import_of(const bill::CurReading& reading, const bill::CurPeriodTotal& period,
                         Context& context) {
    db::BillImport b;
    b.billing_period = period.billing_period;
    b.payer_account = period.payer_account;
    b.content_sha256 = reading.content_sha256;
    b.manifest_version = reading.manifest_version;
    for (const auto& path : reading.files) b.files.push_back(path.substr(path.rfind('/') + 1));
    b.currency = context.config().bill_currency;
    b.line_count = period.lines;
    const std::string what = period.billing_period + " payer " + period.payer_account;
    Money* by_kind[] = {&b.usage, &b.discount, &b.fee, &b.tax, &b.other};
    for (size_t kind = 0; kind < bill::kCurLineKinds; ++kind) {
        *by_kind[kind] = rounded(period.cost_by_kind[kind], what);
    }
    b.instance_hours = rounded(period.instance_hours_cost, what);
    b.total = rounded(period.total, what);
    b.imported_at_s = context.now_s;
    b.imported_by = context.actor;
    return b;
}

// The attribution's figures on the import's row (all zero without a tag).
void add_attribution(db::BillImport& b, const BillAttribution& attribution,
                     const std::string& node_tag, const InstanceNodeMap& node_map) {
    b.node_tag = node_tag;
    b.node_map_spans = static_cast<int64_t>(node_map.span_count());
    b.attribution_sha256 = attribution.digest;
    b.jobs = attribution.jobs;
    b.uncharged = attribution.uncharged;
    b.idle = attribution.idle;
    b.untagged = attribution.untagged;
    b.true_up = attribution.true_up;
    b.shared = attribution.shared;
    b.unattributed = attribution.unattributed;
    if (attribution.true_ups.idle) {
        b.idle_account = attribution.true_ups.idle->account;
        b.idle_charged = attribution.true_ups.idle->amount;
    }
}

std::vector<NodeInstanceSpan> spans_of(const std::vector<db::NodeMapRow>& rows) {
    std::vector<NodeInstanceSpan> spans;
    spans.reserve(rows.size());
    for (const auto& row : rows) spans.push_back(row.span);
    return spans;
}

// What importing b does, without writing: the same rule record_bill_import applies.
std::string planned_action(Context& context, const db::BillImport& b) {
    auto current = db::current_bill_import(context.session(), b.billing_period, b.payer_account);
    if (!current) return "would import";
    if (db::same_version(*current, b)) {
        return "unchanged: the same as #" + std::to_string(current->id);
    }
    return "would replace #" + std::to_string(current->id);
}

std::string recorded_action(const db::BillImportResult& result) {
    switch (result.outcome) {
        case db::BillImportOutcome::kNew:
            return "imported";
        case db::BillImportOutcome::kReplaced:
            return "replaced #" + std::to_string(result.replaced->id);
        case db::BillImportOutcome::kUnchanged:
            break;
    }
    return "unchanged: the same as #" + std::to_string(result.id);
}

int import_command(Context& context, const Args& args) {
    auto options = command_options("asbb bill import FILE...",
                                   "Import AWS Cost and Usage Report files (.csv, .csv.gz) or "
                                   "the manifest of a delivery");
    options.add_options()("dry-run", "read and check everything, print the result, write nothing");
    std::vector<std::string> files;
    auto parsed = parse_options(options, args, files, 10000);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (files.empty()) usage_error(kUsage);
    bill::CurReadOptions read_options;
    read_options.currency = context.config().bill_currency;
    read_options.node_tag = context.config().bill_node_tag;
    const InstanceNodeMap node_map(
        spans_of(db::list_node_map(context.session(), context.config().cluster_name)));
    read_options.node_map = &node_map;
    const bool attributes = !read_options.node_tag.empty() || !node_map.empty();
    auto reading = bill::read_cur(files, read_options);
    if (!reading) user_error(reading.error());
    const bool dry_run = parsed.count("dry-run") > 0;
    Listing listing;
    listing.columns = bill_import_columns();
    listing.columns.push_back({"Action", Align::kLeft});
    for (const auto& period : reading->periods) {
        db::BillImport b = import_of(*reading, period, context);
        BillAttribution attribution;
        if (attributes) attribution = attribute_bill(context, period);
        add_attribution(b, attribution, read_options.node_tag, node_map);
        std::string action;
        if (dry_run) {
            action = planned_action(context, b);
        } else {
            // A new version reverses the true-ups of the one it replaces
            // even when it has none of its own (BillNodeTag since unset).
            auto true_ups = [&](int64_t id, const std::optional<db::BillImport>& replaced) {
                db::write_bill_true_ups(context.session(), b, id, replaced, attribution.true_ups,
                                        context.actor, context.now_s);
            };
            auto result = db::record_bill_import(context.session(), b, true_ups);
            b.id = result.id;
            action = recorded_action(result);
        }
        auto cells = bill_import_cells(b);
        cells.push_back(action);
        listing.rows.push_back(std::move(cells));
    }
    print_listing(context, listing);
    return kExitOk;
}

}  // namespace

int bill_command(Context& context, const Args& args) {
    if (args.empty()) usage_error(kUsage);
    const Args rest(args.begin() + 1, args.end());
    if (args[0] == "import") return import_command(context, rest);
    if (args[0] == "show") return bill_show_command(context, rest);
    if (args[0] == "map") return bill_map_command(context, rest);
    usage_error(kUsage);
}

}  // namespace asbb::cli
