// asbb shadow report [ACCOUNT] [--since=DATE] [--until=DATE] [--summary]:
// what the plugin accepted under EnforcePolicy=shadow but would have
// refused under enforce, by account and by the level that would have
// refused it.
#include <map>
#include <ostream>
#include <tuple>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "db/shadow_refusals.hpp"
#include "db/slurm_tree.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

// "physics", "physics/aws-cpu" for a partition limit, "" when no level was
// reached (no rate, a shape that cannot be sized).
std::string level_text(const db::ShadowRefusal& r) {
    if (!r.level) return "";
    return r.level->partition.empty() ? r.level->account
                                      : r.level->account + "/" + r.level->partition;
}

std::string kind_text(const db::ShadowRefusal& r) {
    return r.level ? level_kind_name(r.level->kind) : "none";
}

// A partition without a rate prices nothing: no figure rather than 0.00.
Cell needed_cell(const db::ShadowRefusal& r) {
    if (!r.level && r.needed.micro == 0) return Cell{};
    return Cell{r.needed};
}

Cell available_cell(const db::ShadowRefusal& r) {
    if (!r.level || !r.level_had_period) return Cell{};
    return Cell{r.level->available};
}

Listing refusal_listing(const std::vector<db::ShadowRefusal>& refusals) {
    Listing listing;
    listing.columns = {{"ID"},
                       {"Time", Align::kLeft},
                       {"Cluster", Align::kLeft},
                       {"Account", Align::kLeft},
                       {"User", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"JobID"},
                       {"Level", Align::kLeft},
                       {"Kind", Align::kLeft},
                       {"Needed"},
                       {"Available"},
                       {"Reason", Align::kLeft}};
    for (const auto& r : refusals) {
        listing.rows.push_back({r.id, format_local_datetime(r.created_at_s), r.cluster, r.account,
                                r.user_name, r.partition, r.job_id ? Cell{*r.job_id} : Cell{},
                                level_text(r), kind_text(r), needed_cell(r), available_cell(r),
                                r.message});
    }
    return listing;
}

// One row per account and refusing level: how often, how much, when.
Listing summary_listing(const std::vector<db::ShadowRefusal>& refusals) {
    struct Group {
        int64_t count = 0;
        Money needed;
        int64_t first_s = 0;
        int64_t last_s = 0;
    };
    // Keyed as the refusals are ordered (account, then level), so the
    // summary keeps that order.
    std::map<std::tuple<std::string, std::string, std::string>, Group> groups;
    for (const auto& r : refusals) {
        Group& g = groups[{r.account, level_text(r), kind_text(r)}];
        g.first_s = g.count == 0 ? r.created_at_s : std::min(g.first_s, r.created_at_s);
        g.last_s = std::max(g.last_s, r.created_at_s);
        g.needed = Money{g.needed.micro + r.needed.micro};
        ++g.count;
    }
    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
                       {"Level", Align::kLeft},
                       {"Kind", Align::kLeft},
                       {"Refusals"},
                       {"Needed"},
                       {"First", Align::kLeft},
                       {"Last", Align::kLeft}};
    for (const auto& [key, g] : groups) {
        listing.rows.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), g.count,
                                g.needed, format_local_datetime(g.first_s),
                                format_local_datetime(g.last_s)});
    }
    return listing;
}

}  // namespace

int shadow_command(Context& context, const Args& args) {
    if (args.empty() || args[0] != "report") {
        usage_error(
            "usage: asbb shadow report [ACCOUNT] [--since=DATE] [--until=DATE] [--summary]");
    }
    auto options =
        command_options("asbb shadow report [ACCOUNT]",
                        "List the jobs EnforcePolicy=shadow accepted that enforce would refuse");
    options.add_options()("since", "only refusals on or after DATE", OptionArg::kValue)(
        "until", "only refusals before the end of DATE", OptionArg::kValue)(
        "summary", "one line per account and refusing level");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, Args(args.begin() + 1, args.end()), positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    db::ShadowFilter filter;
    if (!positional.empty()) filter.account = parse_account(positional[0]);
    if (auto since = optional_value(parsed, "since")) {
        filter.since_s = parse_instant("since", *since, context.now_s, DateEdge::kStartOfDay);
    }
    if (auto until = optional_value(parsed, "until")) {
        filter.until_s = parse_instant("until", *until, context.now_s, DateEdge::kEndOfDay);
    }
    if (filter.since_s && filter.until_s && *filter.until_s <= *filter.since_s) {
        usage_error("--until must be after --since");
    }
    auto& session = context.session();
    if (filter.account && !db::slurm_account_exists(session, context.slurm_db(), *filter.account)) {
        user_error("SLURM has no account '" + *filter.account + "'");
    }
    if (filter.account) context.require(Access::kRead, *filter.account);
    auto refusals = db::list_shadow_refusals(session, filter);
    std::erase_if(refusals,
                  [&](const auto& r) { return !context.may(Access::kRead, r.account, r.cluster); });
    print_listing(context, parsed.count("summary") > 0 ? summary_listing(refusals)
                                                       : refusal_listing(refusals));
    return kExitOk;
}

}  // namespace asbb::cli
