// The verbs. Each takes the arguments after its own name and returns an exit
// status; failures are thrown as CliError or db::DbError and reported by the
// dispatcher in one place.
#pragma once

#include <string>
#include <vector>

#include "cli/context.hpp"

namespace asbb::cli {

using Args = std::vector<std::string>;

int account_command(Context& context, const Args& args);
int database_command(Context& context, const Args& args);
int config_command(Context& context, const Args& args);
int check_command(Context& context, const Args& args);
int rates_command(Context& context, const Args& args);
int job_context_command(Context& context, const Args& args);
int slurm_command(Context& context, const Args& args);
int transactions_command(Context& context, const Args& args);
int forecast_command(Context& context, const Args& args);
int usage_command(Context& context, const Args& args);
int holds_command(Context& context, const Args& args);
int reconcile_command(Context& context, const Args& args);
int recover_command(Context& context, const Args& args);
int service_command(Context& context, const Args& args);
int estimate_command(Context& context, const Args& args);
int token_command(Context& context, const Args& args);
int statement_command(Context& context, const Args& args);
int alerts_command(Context& context, const Args& args);
int shadow_command(Context& context, const Args& args);
int explain_command(Context& context, const Args& args);
int bill_command(Context& context, const Args& args);
int bill_map_command(Context& context, const Args& args);   // bill map ...
int bill_show_command(Context& context, const Args& args);  // bill show ...

}  // namespace asbb::cli
