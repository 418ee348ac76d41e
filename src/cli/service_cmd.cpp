// asbb service start: the REST API in the foreground (systemd runs it as
// SlurmUser, etc/asbb-service.service). See asbb(1) and asbb.conf(5).
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/remote.hpp"
#include "service/service.hpp"

namespace asbb::cli {

int service_command(Context& context, const Args& args) {
    if (args.empty() || args[0] != "start") usage_error("usage: asbb service start");
    auto options =
        command_options("asbb service start", "Run the REST API in the foreground until SIGTERM");
    std::vector<std::string> positional;
    const Args rest(args.begin() + 1, args.end());
    auto parsed = parse_options(options, rest, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    const Config& config = context.config();
    if (config.cluster_name.empty()) user_error("asbb.conf: ClusterName is not set");
    return service::run_until_signal(config, run_for_caller) == 0 ? kExitOk : kExitUserError;
}

}  // namespace asbb::cli
