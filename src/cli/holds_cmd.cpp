// asbb holds [ACCOUNT]: the holds of the ledger, by default the open ones.
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/names.hpp"
#include "core/split.hpp"
#include "core/usage_math.hpp"
#include "db/usage.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

constexpr const char* kStates[] = {"pending", "linked", "charged", "released", "expired"};

// --state=open (default; pending and linked), all, or a comma-separated list
// of states, "open" and "overrun". overrun is a mark, not a state: alone it
// takes holds in every state with an overrun, beside states only theirs.
void parse_states(const std::string& text, db::HoldFilter& filter) {
    if (text == "all") return;
    std::vector<std::string> states;
    for (std::string_view item : split_on(text)) {
        const std::string state(item);
        bool known = false;
        if (state == "open") {
            states.insert(states.end(), {"pending", "linked"});
            known = true;
        }
        if (state == "overrun") {
            filter.overrun_only = true;
            known = true;
        }
        for (const char* valid : kStates) {
            if (state == valid) {
                states.push_back(state);
                known = true;
            }
        }
        if (!known) {
            usage_error("--state: " + quote_input(state) +
                        " is not one of open, pending, linked, charged, released, expired, "
                        "overrun, all");
        }
    }
    filter.states = std::move(states);
}

Listing hold_listing(const std::vector<db::HoldListRow>& holds, int64_t now_s) {
    Listing listing;
    listing.columns = {{"HoldID", Align::kLeft},
                       {"JobID"},
                       {"Cluster", Align::kLeft},
                       {"Account", Align::kLeft},
                       {"User", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"Held"},
                       {"Amount"},
                       {"Estimate"},
                       {"Charged"},
                       {"Overrun"},
                       {"State", Align::kLeft},
                       {"Created", Align::kLeft},
                       {"Age"}};
    for (const auto& h : holds) {
        listing.rows.push_back(
            {h.id, h.job_id ? Cell{*h.job_id} : Cell{std::monostate{}}, h.cluster, h.account,
             h.user_name, h.partition, h.held, h.amount, h.estimate, h.charged, h.overrun, h.state,
             format_local_datetime(h.created_at), format_elapsed(now_s - h.created_at)});
    }
    return listing;
}

}  // namespace

int holds_command(Context& context, const Args& args) {
    auto options = command_options("asbb holds [ACCOUNT]", "List holds (default: open ones)");
    options.add_options()("state",
                          "open (default), pending, linked, charged, released, expired, "
                          "overrun (charged beyond the hold), all, or a comma-separated list",
                          OptionArg::kValue)(
        "cluster", "only this cluster's holds (default: every cluster)", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;

    db::HoldFilter filter;
    parse_states(optional_value(parsed, "state").value_or("open"), filter);
    if (!positional.empty()) filter.account = parse_account(positional[0]);
    if (auto cluster = optional_value(parsed, "cluster"); cluster && *cluster != "all") {
        filter.cluster = parse_cluster(*cluster);
        if (filter.cluster->empty()) usage_error("--cluster: name a cluster (or all)");
    }
    auto& session = context.session();
    if (filter.account && !db::slurm_account_exists(session, context.slurm_db(), *filter.account)) {
        user_error("SLURM has no account '" + *filter.account + "'");
    }
    if (filter.cluster && !db::slurm_cluster_exists(session, context.slurm_db(), *filter.cluster)) {
        user_error("SLURM has no cluster '" + *filter.cluster + "'");
    }
    if (filter.account) context.require(Access::kRead, *filter.account);
    auto holds = db::list_holds(session, filter);
    // Through the service, a user sees the holds of accounts they may read.
    std::erase_if(holds,
                  [&](const auto& h) { return !context.may(Access::kRead, h.account, h.cluster); });
    print_listing(context, hold_listing(holds, context.now_s));
    return kExitOk;
}

}  // namespace asbb::cli
