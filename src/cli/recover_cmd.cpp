// asbb recover [--dry-run]: expire the orphaned holds now (the poller does it
// on each pass), listing each. Like the poller it expires nothing unless it
// has both the database and slurmctld's list of jobs: a hold whose job only
// slurmctld knows is not an orphan.
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/live_jobs_source.hpp"
#include "cli/output.hpp"
#include "pass_options.hpp"
#include "reconcile.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

int recover_command(Context& context, const Args& args) {
    auto options =
        command_options("asbb recover [--dry-run]", "Expire holds that never became a job, now");
    options.add_options()("dry-run", "list the holds that would expire; change nothing");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    const bool dry_run = parsed.count("dry-run") > 0;

    auto pass_options = poller::pass_options_for(context.config());
    db::Session& session = context.session();  // exit 3 now if the database is down
    auto live = load_live_jobs_for_cli();
    if (!live) {
        throw CliError(kExitDbUnavailable, live.error() + "; no hold was expired");
    }
    auto orphans =
        poller::expire_orphan_holds(session, pass_options, *live, context.now_s, dry_run);

    Listing listing;
    listing.columns = {{"HoldID", Align::kLeft},    {"Account", Align::kLeft},
                       {"Partition", Align::kLeft}, {"User", Align::kLeft},
                       {"Created", Align::kLeft},   {"Held"},
                       {"Action", Align::kLeft}};
    for (const auto& orphan : orphans) {
        listing.rows.push_back({orphan.id, orphan.account, orphan.partition, orphan.user_name,
                                format_local_datetime(orphan.created_at), orphan.held,
                                std::string(orphan.expired ? "expired" : "would expire")});
    }
    print_listing(context, listing);
    return kExitOk;
}

}  // namespace asbb::cli
