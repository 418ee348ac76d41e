// asbb alerts [ACCOUNT]: the threshold alerts the poller fired
// (AlertThresholds), with where each one went.
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/usage_math.hpp"
#include "db/alerts.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

// "sent", "pending (2 of 10 failed)", "failed: HTTP 503": the state and,
// once an attempt failed, why.
std::string delivery_text(db::DeliveryState state, int attempts, const std::string& detail) {
    std::string text = db::delivery_state_name(state);
    if (state == db::DeliveryState::kPending && attempts > 0) {
        text += " (" + std::to_string(attempts) + " failed: " + detail + ")";
    } else if (state == db::DeliveryState::kFailed) {
        text += ": " + detail;
    }
    return text;
}

Listing alert_listing(const std::vector<db::AlertRecord>& alerts) {
    Listing listing;
    listing.columns = {{"ID"},
                       {"Account", Align::kLeft},
                       {"Cluster", Align::kLeft},
                       {"Start", Align::kLeft},
                       {"End", Align::kLeft},
                       {"Threshold"},
                       {"Basis", Align::kLeft},
                       {"Used%"},
                       {"Allocated"},
                       {"Spent"},
                       {"Held"},
                       {"Fired", Align::kLeft},
                       {"Mail", Align::kLeft},
                       {"Webhook", Align::kLeft},
                       {"Rearmed", Align::kLeft}};
    for (const auto& a : alerts) {
        const AlertFacts& f = a.facts;
        listing.rows.push_back(
            {f.alert_id, f.account, f.cluster, format_local_date(f.period_start_s),
             format_local_date(f.period_end_s - 1), std::to_string(f.threshold_pct) + "%",
             std::string(alert_basis_name(f.basis)),
             percent_text(alert_used(f.basis, f.spent, f.held), f.allocated), f.allocated, f.spent,
             f.held, format_local_datetime(f.fired_at_s),
             delivery_text(a.mail, a.mail_attempts, a.mail_detail),
             delivery_text(a.webhook, a.webhook_attempts, a.webhook_detail),
             a.rearmed_at_s ? Cell{format_local_datetime(*a.rearmed_at_s)} : Cell{}});
    }
    return listing;
}

}  // namespace

int alerts_command(Context& context, const Args& args) {
    auto options = command_options("asbb alerts [ACCOUNT]",
                                   "List the budget threshold alerts the poller fired");
    options.add_options()("since", "only alerts fired on or after DATE", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    db::AlertFilter filter;
    if (!positional.empty()) filter.account = parse_account(positional[0]);
    if (auto since = optional_value(parsed, "since")) {
        filter.since_s = parse_instant("since", *since, context.now_s, DateEdge::kStartOfDay);
    }
    auto& session = context.session();
    if (filter.account && !db::slurm_account_exists(session, context.slurm_db(), *filter.account)) {
        user_error("SLURM has no account '" + *filter.account + "'");
    }
    if (filter.account) context.require(Access::kRead, *filter.account);
    auto alerts = db::list_alerts(session, filter);
    std::erase_if(alerts, [&](const auto& a) {
        return !context.may(Access::kRead, a.facts.account, a.facts.cluster);
    });
    print_listing(context, alert_listing(alerts));
    return kExitOk;
}

}  // namespace asbb::cli
