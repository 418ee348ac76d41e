// asbb rates import --price-list=FILE --region=REGION | --spot-history=FILE:
// the rate card's node-hour prices from AWS's own files instead of typed in.
// On-Demand rates take the Price List's hour; Spot rates the highest Spot
// price of their instance type over SpotPriceWindow, from the price changes
// recorded so far. Only a rate's price changes; its default time and
// per-node counts stay. Holds keep the price they locked.
#include <algorithm>
#include <functional>
#include <ostream>

#include "bill/cur_file.hpp"
#include "bill/price_list.hpp"
#include "bill/spot_history.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/ascii.hpp"
#include "core/names.hpp"
#include "db/rates.hpp"
#include "db/spot_prices.hpp"

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

// A rate found a price: update it, or say why not.
void decide(PlannedRate& planned, Money price, const std::string& price_text) {
    if (price.micro <= 0) {
        // Below half a micro-dollar an hour: pricing a node at $0 would
        // turn budgeting off for the partition.
        planned.action = "kept: the file's " + price_text + " rounds to 0.00";
        return;
    }
    planned.new_price = price;
    planned.action = price == planned.rate.node_hour_price ? "unchanged" : "update";
}

// What a Price List import would do to one rate.
PlannedRate plan(const db::Rate& rate, const bill::PriceListReading& reading,
                 const std::string& region) {
    PlannedRate planned{rate, std::nullopt, ""};
    if (rate.market == db::RateMarket::kSpot) {
        planned.action = "kept: a Spot rate (see --spot-history)";
        return planned;
    }
    auto found = reading.by_instance_type.find(rate.instance_type);
    if (found == reading.by_instance_type.end()) {
        planned.action = "kept: no price for " + rate.instance_type + " in " + region;
        return planned;
    }
    auto price = found->second.hourly.to_money();
    if (!price) user_error(rate.instance_type + ": " + price.error());
    decide(planned, *price, found->second.hourly.text());
    return planned;
}

Listing import_listing(const std::vector<PlannedRate>& plans) {
    Listing listing;
    listing.columns = {{"Cluster", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"InstanceType", Align::kLeft},
                       {"Market", Align::kLeft},
                       {"NodeHour"},
                       {"Imported"},
                       {"Action", Align::kLeft}};
    for (const auto& p : plans) {
        listing.rows.push_back({p.rate.cluster.empty() ? "all" : p.rate.cluster, p.rate.partition,
                                p.rate.instance_type, db::market_name(p.rate.market),
                                format_money_exact(p.rate.node_hour_price),
                                p.new_price ? Cell{format_money_exact(*p.new_price)} : Cell{},
                                p.action});
    }
    return listing;
}

// Writes the updates of plans; the caller's transaction makes them all or none.
void apply(Context& context, std::vector<PlannedRate>& plans) {
    for (auto& p : plans) {
        if (p.action != "update") continue;
        if (!db::set_rate_price(context.session(), p.rate.cluster, p.rate.partition,
                                p.rate.instance_type, *p.new_price, context.actor, context.now_s)) {
            user_error("the rate of partition " + p.rate.partition +
                       " changed during the import; nothing was changed, try again");
        }
        p.action = "updated";
    }
}

// Runs work in a transaction: committed, or with --dry-run rolled back, so
// that a dry run computes exactly what the import would and keeps nothing.
void in_import_transaction(Context& context, bool dry_run, const std::function<void()>& work) {
    if (!dry_run) {
        db::in_transaction(context.session(), work);
        return;
    }
    context.session().run("START TRANSACTION");
    try {
        work();
    } catch (...) {
        db::try_rollback(context.session());
        throw;
    }
    context.session().run("ROLLBACK");
}

// Refused unless at least one rate got a price: an import that prices
// nothing is a wrong file or region, not a success.
void require_a_price(const std::vector<PlannedRate>& plans, const std::string& message) {
    const bool priced = std::any_of(plans.begin(), plans.end(),
                                    [](const PlannedRate& p) { return p.new_price.has_value(); });
    if (!priced) user_error(message);
}

std::vector<PlannedRate> price_list_plans(Context& context, const std::string& path,
                                          const std::string& region,
                                          const std::vector<db::Rate>& rates) {
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
    require_a_price(plans, path + ": no usable price in region " + region + " for " + missing);
    return plans;
}

std::vector<db::SpotPrice> spot_changes(const std::string& path) {
    bill::SpotHistory history;
    try {
        history = bill::read_spot_history(path);
    } catch (const bill::BillFileError& e) {
        user_error(e.what());
    }
    std::vector<db::SpotPrice> changes;
    for (const auto& c : history.changes) {
        auto price = c.price.to_money();
        if (!price) user_error(path + ": " + c.instance_type + ": " + price.error());
        changes.push_back({c.instance_type, c.availability_zone, c.changed_at_s, *price});
    }
    return changes;
}

// Records the file's price changes, then prices each Spot rate at the
// highest price of its type over SpotPriceWindow (the history asbb has,
// this file's included).
std::vector<PlannedRate> spot_plans(Context& context, const std::vector<db::SpotPrice>& changes,
                                    const std::vector<db::Rate>& rates) {
    auto recorded = db::record_spot_prices(context.session(), changes, context.now_s);
    if (!recorded) user_error(recorded.error() + "; nothing was changed");
    const int64_t from_s = context.now_s - context.config().spot_price_window_s;
    std::vector<PlannedRate> plans;
    for (const auto& rate : rates) {
        PlannedRate planned{rate, std::nullopt, ""};
        if (rate.market != db::RateMarket::kSpot) {
            planned.action = "kept: an On-Demand rate (see --price-list)";
        } else if (auto highest = db::highest_spot_price(context.session(), rate.instance_type,
                                                         from_s, context.now_s)) {
            decide(planned, *highest, format_money_exact(*highest));
        } else {
            planned.action = "kept: no Spot price for " + rate.instance_type;
        }
        plans.push_back(std::move(planned));
    }
    require_a_price(plans,
                    "no Spot rate of the rate card has a Spot price: mark partitions"
                    " with `asbb rates set --market=spot`, and import their types' history");
    return plans;
}

}  // namespace

int rates_import(Context& context, const Args& args) {
    auto options = command_options("asbb rates import",
                                   "Set node-hour prices from AWS's Price List or Spot history");
    options.add_options()(
        "price-list", "EC2 offer file (index.json) or `aws pricing get-products` output",
        OptionArg::kValue)("region", "region code, such as us-east-1", OptionArg::kValue)(
        "spot-history", "`aws ec2 describe-spot-price-history` output", OptionArg::kValue)(
        "cluster", "only this cluster's rates (all: the all-clusters ones)", OptionArg::kValue)(
        "dry-run", "print what would change, write nothing");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    const auto price_list = optional_value(parsed, "price-list");
    const auto spot_history = optional_value(parsed, "spot-history");
    if (price_list.has_value() == spot_history.has_value()) {
        usage_error("give one of --price-list (with --region) and --spot-history");
    }
    std::string region;
    if (price_list) region = parse_region(required_value(parsed, "region"));
    if (spot_history && parsed.count("region") > 0) {
        usage_error("--region goes with --price-list: a Spot history names its zones");
    }
    auto rates = db::list_rates(context.session());
    if (auto cluster = optional_value(parsed, "cluster")) {
        const std::string wanted = *cluster == "all" ? "" : parse_cluster(*cluster);
        std::erase_if(rates, [&](const db::Rate& r) { return r.cluster != wanted; });
    }
    if (rates.empty()) user_error("no rate to price: add partitions with `asbb rates set` first");

    const bool dry_run = parsed.count("dry-run") > 0;
    // Files are read before the transaction; a retried transaction starts
    // again from these plans.
    const auto price_plans = price_list ? price_list_plans(context, *price_list, region, rates)
                                        : std::vector<PlannedRate>{};
    const auto changes = spot_history ? spot_changes(*spot_history) : std::vector<db::SpotPrice>{};
    std::vector<PlannedRate> plans;
    in_import_transaction(context, dry_run, [&] {
        plans = spot_history ? spot_plans(context, changes, rates) : price_plans;
        if (!dry_run) apply(context, plans);
    });
    for (auto& p : plans) {
        if (p.action == "update") p.action = "would update";
    }
    print_listing(context, import_listing(plans));
    return kExitOk;
}

}  // namespace asbb::cli
