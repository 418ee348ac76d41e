// asbb rates import --price-list=FILE --region=REGION: the rate card's
// node-hour prices from AWS's own Price List instead of typed in. Only the
// price of a partition whose instance type the file prices changes; its
// default time and per-node counts stay. Holds keep the price they locked.
#include <algorithm>
#include <ostream>

#include "bill/cur_file.hpp"
#include "bill/price_list.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/ascii.hpp"
#include "core/names.hpp"
#include "db/rates.hpp"

namespace asbb::cli {

namespace {

// A region code as the Price List writes it: "us-east-1", "eu-central-2",
// "us-gov-west-1".
std::string parse_region(const std::string& text) {
    bool valid = !text.empty() && text.size() <= 32 && is_ascii_lower(text[0]) &&
                 is_ascii_digit(text.back());
    for (char c : text) valid = valid && (is_ascii_lower(c) || is_ascii_digit(c) || c == '-');
    if (!valid) {
        usage_error("--region: " + quote_input(text) +
                    " is not an AWS region code (such as us-east-1)");
    }
    return text;
}

struct PlannedRate {
    db::Rate rate;
    std::optional<Money> new_price;  // set: the file prices its instance type
    std::string action;
};

// What the import would do to one rate.
PlannedRate plan(const db::Rate& rate, const bill::PriceListReading& reading,
                 const std::string& region) {
    PlannedRate planned{rate, std::nullopt, ""};
    auto found = reading.by_instance_type.find(rate.instance_type);
    if (found == reading.by_instance_type.end()) {
        planned.action = "kept: no price for " + rate.instance_type + " in " + region;
        return planned;
    }
    auto price = found->second.hourly.to_money();
    if (!price) user_error(rate.instance_type + ": " + price.error());
    planned.new_price = *price;
    if (price->micro <= 0) {
        // Below half a micro-dollar an hour: pricing a node at $0 would
        // turn budgeting off for the partition.
        planned.action =
            "kept: the price list's " + found->second.hourly.text() + " rounds to 0.00";
        planned.new_price.reset();
    } else if (*price == rate.node_hour_price) {
        planned.action = "unchanged";
    } else {
        planned.action = "update";
    }
    return planned;
}

Listing import_listing(const std::vector<PlannedRate>& plans) {
    Listing listing;
    listing.columns = {{"Cluster", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"InstanceType", Align::kLeft},
                       {"NodeHour"},
                       {"Imported"},
                       {"Action", Align::kLeft}};
    for (const auto& p : plans) {
        listing.rows.push_back({p.rate.cluster.empty() ? "all" : p.rate.cluster, p.rate.partition,
                                p.rate.instance_type, format_money_exact(p.rate.node_hour_price),
                                p.new_price ? Cell{format_money_exact(*p.new_price)} : Cell{},
                                p.action});
    }
    return listing;
}

// Writes every update in one transaction: all of them or none.
void apply(Context& context, std::vector<PlannedRate>& plans) {
    db::in_transaction(context.session(), [&] {
        for (auto& p : plans) {
            if (p.action != "update") continue;
            if (!db::set_rate_price(context.session(), p.rate.cluster, p.rate.partition,
                                    p.rate.instance_type, *p.new_price, context.actor,
                                    context.now_s)) {
                user_error("the rate of partition " + p.rate.partition +
                           " changed during the import; nothing was changed, try again");
            }
        }
    });
    for (auto& p : plans) {
        if (p.action == "update") p.action = "updated";
    }
}

}  // namespace

int rates_import(Context& context, const Args& args) {
    auto options =
        command_options("asbb rates import", "Set node-hour prices from an AWS Price List file");
    options.add_options()(
        "price-list", "EC2 offer file (index.json) or `aws pricing get-products` output",
        OptionArg::kValue)("region", "region code, such as us-east-1", OptionArg::kValue)(
        "cluster", "only this cluster's rates (all: the all-clusters ones)", OptionArg::kValue)(
        "dry-run", "print what would change, write nothing");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    const std::string path = required_value(parsed, "price-list");
    const std::string region = parse_region(required_value(parsed, "region"));
    auto rates = db::list_rates(context.session());
    if (auto cluster = optional_value(parsed, "cluster")) {
        const std::string wanted = *cluster == "all" ? "" : parse_cluster(*cluster);
        std::erase_if(rates, [&](const db::Rate& r) { return r.cluster != wanted; });
    }
    if (rates.empty()) user_error("no rate to price: add partitions with `asbb rates set` first");

    bill::PriceListReading reading;
    try {
        reading = bill::read_price_list(path, region, context.config().bill_currency);
    } catch (const bill::BillFileError& e) {
        user_error(e.what());
    }
    std::vector<PlannedRate> plans;
    std::string missing;
    for (const auto& rate : rates) {
        plans.push_back(plan(rate, reading, region));
        if (!plans.back().new_price) missing += (missing.empty() ? "" : ", ") + rate.instance_type;
    }
    if (missing.size() > 0 && std::none_of(plans.begin(), plans.end(), [](const PlannedRate& p) {
            return p.new_price.has_value();
        })) {
        user_error(path + ": no usable price in region " + region + " for " + missing);
    }
    if (parsed.count("dry-run") > 0) {
        for (auto& p : plans) {
            if (p.action == "update") p.action = "would update";
        }
    } else {
        apply(context, plans);
    }
    print_listing(context, import_listing(plans));
    return kExitOk;
}

}  // namespace asbb::cli
