// asbb rates set|list|delete (and import, in rates_import_cmd.cpp): the rate card (what a node-hour
// of a budgeted partition costs).
#include <algorithm>
#include <charconv>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/names.hpp"
#include "core/time_parse.hpp"
#include "db/rates.hpp"
#include "db/slurm_tree.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

int rates_import(Context& context, const Args& args);  // rates_import_cmd.cpp

namespace {

constexpr const char* kRatesUsage = "usage: asbb rates set|list|delete|import ...";

CommandOptions rates_verb_options(const std::string& verb, const std::string& help) {
    return command_options("asbb rates " + verb, help);
}

// --cluster=NAME or all (''); absent means all clusters.
std::string cluster_option(const ParsedOptions& parsed) {
    auto value = optional_value(parsed, "cluster");
    if (!value || *value == "all") return "";
    return parse_cluster(*value);
}

std::string cluster_text(const std::string& cluster) {
    return cluster.empty() ? "all clusters" : "cluster " + cluster;
}

// An EC2 instance type ("p3.2xlarge"): 1-64 chars of [A-Za-z0-9._-], not
// starting with '-' (no instance type does; "-5" is a slip).
std::string parse_instance_type(const std::string& text) {
    bool valid = !text.empty() && text.size() <= 64 && text[0] != '-';
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) valid = false;
    }
    if (!valid) {
        usage_error("--instance-type: invalid instance type " + quote_input(text) +
                    ": use 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-', not starting with '-'");
    }
    return text;
}

// What a job without --time is held for: finite, and at most the shorter of
// SLURM's longest finite limit and MaxDefaultTime. Every such job's hold is
// priced on it, so 99999999999:00:00 would ask a fortune of each of them.
int64_t parse_default_time(const std::string& text, int64_t max_default_time_s) {
    auto parsed = parse_slurm_time_limit(text);
    if (!parsed) usage_error("--default-time: " + parsed.error());
    if (parsed->unlimited) {
        usage_error("--default-time: " + quote_input(text) +
                    " means no limit; a default time limit must be finite");
    }
    const int64_t max_s = std::min(kMaxSlurmTimeLimitS, max_default_time_s);
    if (parsed->seconds > max_s) {
        usage_error("--default-time: " + quote_input(text) + " is longer than " +
                    format_slurm_time_limit(max_s) +
                    (max_s == max_default_time_s ? " (MaxDefaultTime in asbb.conf)"
                                                 : " (SLURM's longest time limit)"));
    }
    return parsed->seconds;
}

// A per-node count from 1 to max: 0 would divide by nothing.
int64_t parse_per_node(const std::string& option, const std::string& text, int64_t max) {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > max) {
        usage_error("--" + option + ": " + quote_input(text) + " is not a whole number from 1 to " +
                    std::to_string(max));
    }
    return value;
}

Listing rate_listing(const std::vector<db::Rate>& rates) {
    Listing listing;
    listing.columns = {{"Cluster", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"InstanceType", Align::kLeft},
                       {"Market", Align::kLeft},
                       {"NodeHour"},
                       {"DefaultTime"},
                       {"CPUsPerNode"},
                       {"GPUsPerNode"},
                       {"Updated", Align::kLeft}};
    for (const auto& r : rates) {
        listing.rows.push_back(
            // A price is shown exactly even in tables: $0.0416 is not $0.04.
            {r.cluster.empty() ? "all" : r.cluster, r.partition, r.instance_type,
             db::market_name(r.market), format_money_exact(r.node_hour_price),
             r.default_time_limit_s ? Cell{format_slurm_time_limit(*r.default_time_limit_s)}
                                    : Cell{},
             r.cpus_per_node ? Cell{*r.cpus_per_node} : Cell{},
             r.gpus_per_node ? Cell{*r.gpus_per_node} : Cell{}, format_local_date(r.updated_at)});
    }
    return listing;
}

int set(Context& context, const Args& args) {
    auto options = rates_verb_options("set", "Set (or replace) the node-hour price of a partition");
    options.add_options()("partition", "SLURM partition", OptionArg::kValue)(
        "instance-type", "EC2 instance type of its nodes", OptionArg::kValue)(
        "node-hour", "price of one node for one hour, in dollars", OptionArg::kValue)(
        "default-time", "time limit for jobs that give none (SLURM format)", OptionArg::kValue)(
        "cluster", "cluster, or all (default: all)", OptionArg::kValue)(
        "market", "on-demand (the default) or spot: how its instances are bought",
        OptionArg::kValue)("cpus-per-node", "CPUs of one node (sizes jobs that give -n but not -N)",
                           OptionArg::kValue)(
        "gpus-per-node", "GPUs of one node (sizes jobs that give --gpus but not -N)",
        OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;

    // Every missing option is a usage error, before any value is judged.
    const std::string partition = required_value(parsed, "partition");
    const std::string instance_type = required_value(parsed, "instance-type");
    const std::string node_hour = required_value(parsed, "node-hour");
    db::Rate rate;
    rate.partition = parse_partition(partition);
    rate.instance_type = parse_instance_type(instance_type);
    rate.node_hour_price = parse_amount("node-hour", node_hour, AllowZero::kYes);
    if (auto v = optional_value(parsed, "default-time")) {
        rate.default_time_limit_s = parse_default_time(*v, context.config().max_default_time_s);
    }
    if (auto v = optional_value(parsed, "cpus-per-node")) {
        // No instance type has more CPUs or GPUs than these.
        rate.cpus_per_node = parse_per_node("cpus-per-node", *v, 100'000);
    }
    if (auto v = optional_value(parsed, "gpus-per-node")) {
        rate.gpus_per_node = parse_per_node("gpus-per-node", *v, 1'000);
    }
    if (auto v = optional_value(parsed, "market")) {
        if (*v == "spot") {
            rate.market = db::RateMarket::kSpot;
        } else if (*v != "on-demand") {
            usage_error("--market: " + quote_input(*v) + " is not on-demand or spot");
        }
    }
    rate.cluster = cluster_option(parsed);
    if (!rate.cluster.empty() &&
        !db::slurm_cluster_exists(context.session(), context.slurm_db(), rate.cluster)) {
        user_error("SLURM has no cluster '" + rate.cluster + "'");
    }
    db::set_rate(context.session(), rate, context.actor, context.now_s);
    context.out << "partition " << rate.partition << " on " << cluster_text(rate.cluster)
                << " costs $" << format_money_exact(rate.node_hour_price) << " per node-hour ("
                << rate.instance_type << (rate.market == db::RateMarket::kSpot ? ", Spot" : "")
                << ")\n";
    return kExitOk;
}

int list_rates(Context& context, const Args& args) {
    auto options = rates_verb_options("list", "List the rate card");
    options.add_options()("cluster", "only this cluster's rates (all: the all-clusters ones)",
                          OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    auto rates = db::list_rates(context.session());
    if (optional_value(parsed, "cluster")) {
        const std::string wanted = cluster_option(parsed);
        std::erase_if(rates, [&](const db::Rate& r) { return r.cluster != wanted; });
    }
    print_listing(context, rate_listing(rates));
    return kExitOk;
}

int remove_rate(Context& context, const Args& args) {
    auto options =
        rates_verb_options("delete", "Delete a partition's rate: it is no longer budgeted");
    options.add_options()("partition", "SLURM partition", OptionArg::kValue)(
        "cluster", "cluster, or all (default: all)", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    const std::string partition = parse_partition(required_value(parsed, "partition"));
    const std::string cluster = cluster_option(parsed);
    if (!db::delete_rate(context.session(), cluster, partition)) {
        user_error("partition " + partition + " has no rate on " + cluster_text(cluster));
    }
    context.out << "deleted the rate of partition " << partition << " on " << cluster_text(cluster)
                << "\n";
    return kExitOk;
}

}  // namespace

int rates_command(Context& context, const Args& args) {
    if (args.empty()) usage_error(kRatesUsage);
    const std::string& verb = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (verb == "set") return set(context, rest);
    if (verb == "list") return list_rates(context, rest);
    if (verb == "delete") return remove_rate(context, rest);
    if (verb == "import") return rates_import(context, rest);
    usage_error("unknown rates verb '" + verb + "' (" + kRatesUsage + ")");
}

}  // namespace asbb::cli
