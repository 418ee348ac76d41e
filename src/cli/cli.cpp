#include "cli/cli.hpp"

#include <algorithm>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/remote.hpp"
#include "db/session.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

constexpr const char* kHelp = R"(usage: asbb [OPTIONS] VERB [ARGS]

Budgets for SLURM jobs that burst to AWS.

Verbs:
  account create --name=ACCOUNT --budget=AMOUNT --start=DATE --end=DATE
                 [--cluster=NAME] [--description=TEXT]
  account list [--cluster=NAME]
  account show NAME
  account update NAME [--budget=AMOUNT] [--start=DATE] [--end=DATE] [--description=TEXT]
  account rollover NAME --start=DATE --end=DATE --budget=AMOUNT
                   [--carry=none|all|N%|max=AMOUNT]
  account delete NAME [--force]
  account set-limit NAME --partition=PARTITION --limit=AMOUNT
  account deposit NAME AMOUNT --reason=TEXT
  account withdraw NAME AMOUNT --reason=TEXT
  rates set --partition=PARTITION --instance-type=TYPE --node-hour=AMOUNT
            [--market=on-demand|spot] [--default-time=TIMELIMIT] [--cpus-per-node=N] [--gpus-per-node=N]
            [--cluster=NAME|all]
  rates list [--cluster=NAME|all]
  rates delete --partition=PARTITION [--cluster=NAME|all]
  rates import --price-list=FILE --region=REGION | --spot-history=FILE
               [--cluster=NAME|all] [--dry-run]

  usage show ACCOUNT [--cluster=NAME] [--period=current|DATE]
  usage summary [--cluster=NAME] [--period=current|DATE] [--sort=tree|used|available|burn]
  transactions ACCOUNT [--last=DURATION | --start=DATE --end=DATE]
               [--type=TYPE,...] [--job=ID] [--user=NAME] [--cluster=NAME|all]
  forecast ACCOUNT [--cluster=NAME|all] [--no-chart]
  holds [ACCOUNT] [--state=open|pending|linked|charged|released|expired|all[,...]]
        [--cluster=NAME|all]
  statement ACCOUNT|--all --period=YYYY-MM|DATE..DATE
  alerts [ACCOUNT] [--since=DATE]
  shadow report [ACCOUNT] [--since=DATE] [--until=DATE] [--summary]
  bill import FILE... [--dry-run]
  bill show [ACCOUNT] [--month=YYYY-MM] [--all-versions] [--jobs|--accounts|--idle]
  bill map --resume-log=FILE|--csv=FILE [--dry-run] | bill map show

  estimate --account=ACCOUNT --partition=PARTITION [--nodes=N] [--cpus=N]
           [--gpus=N] [--time=TIMELIMIT] [--cluster=NAME]
  job-context --job-id=ID [--cluster=NAME]
  explain JOBID [--cluster=NAME] | --hold=ID
  reconcile JOBID
  recover [--dry-run]

  check
  config init [--output=PATH] [--force]
  config validate [PATH]
  database migrate
  service start
  token create NAME --role=reader|coordinator --accounts=ACCOUNT,...|all
  token list
  token revoke NAME
  slurm configure [--slurm-conf=PATH] [--apply]

Options (anywhere on the line):
  -n, --noheader     no header in listings
  -p, --parsable     '|'-separated output with a trailing '|', exact amounts
  -P, --parsable2    '|'-separated output without a trailing '|', exact amounts
  --json             JSON output, exact amounts as strings
  --csv              RFC 4180 CSV (for spreadsheets), exact amounts
  format=F1[%W],...  choose columns and widths of a listing
  --config=PATH      config file (default: $ASBB_CONF or /etc/asbb/asbb.conf)
  --service=URL      run a read verb through the asbb service (automatic when
                     the config file cannot be read)
  -h, --help         this help;  -V, --version  the version

Exit status: 0 ok, 1 refused (user error), 2 usage error or malformed value,
3 database unavailable.
See asbb(1).
)";

bool starts_with_ci(const std::string& text, const std::string& prefix) {
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

// Takes the options every verb shares out of the argument list, wherever
// they stand (sacctmgr accepts them anywhere too).
Args take_global_options(Context& context, const Args& args) {
    Args rest;
    for (const auto& arg : args) {
        if (arg == "-n" || arg == "--noheader") {
            context.output.header = false;
        } else if (arg == "-p" || arg == "--parsable") {
            context.output.mode = TableMode::kParsable;
        } else if (arg == "-P" || arg == "--parsable2") {
            context.output.mode = TableMode::kParsable2;
        } else if (arg == "--json") {
            context.output.json = true;
        } else if (arg == "--csv") {
            context.output.mode = TableMode::kCsv;
        } else if (starts_with_ci(arg, "format=")) {
            context.output.format = arg.substr(7);
        } else if (arg.starts_with("--config=")) {
            context.config_path = arg.substr(9);
        } else {
            rest.push_back(arg);
        }
    }
    return rest;
}

int dispatch(Context& context, const Args& args) {
    if (args.empty()) usage_error("no verb given (see asbb --help)");
    const std::string& verb = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (verb == "-h" || verb == "--help" || verb == "help") {
        context.out << kHelp;
        return kExitOk;
    }
    if (verb == "-V" || verb == "--version" || verb == "version") {
        context.out << "asbb " << ASBB_VERSION << "\n";
        return kExitOk;
    }
    if (verb == "account") return account_command(context, rest);
    if (verb == "database") return database_command(context, rest);
    if (verb == "config") return config_command(context, rest);
    if (verb == "check") return check_command(context, rest);
    if (verb == "rates") return rates_command(context, rest);
    if (verb == "job-context") return job_context_command(context, rest);
    if (verb == "slurm") return slurm_command(context, rest);
    if (verb == "transactions") return transactions_command(context, rest);
    if (verb == "forecast") return forecast_command(context, rest);
    if (verb == "usage") return usage_command(context, rest);
    if (verb == "holds") return holds_command(context, rest);
    if (verb == "reconcile") return reconcile_command(context, rest);
    if (verb == "recover") return recover_command(context, rest);
    if (verb == "service") return service_command(context, rest);
    if (verb == "estimate") return estimate_command(context, rest);
    if (verb == "token") return token_command(context, rest);
    if (verb == "statement") return statement_command(context, rest);
    if (verb == "alerts") return alerts_command(context, rest);
    if (verb == "shadow") return shadow_command(context, rest);
    if (verb == "explain") return explain_command(context, rest);
    if (verb == "bill") return bill_command(context, rest);
    usage_error("unknown verb '" + verb + "' (see asbb --help)");
}

// One line, whatever the message holds.
std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

}  // namespace

namespace {

// Runs body, reporting what it throws as "asbb: error: ..." with its exit status.
template <class Body>
int guarded(Context& context, Body&& body) {
    try {
        return body();
    } catch (const CliError& e) {
        context.err << "asbb: error: " << one_line(e.what()) << "\n";
        return e.exit_code();
    } catch (const db::DbError& e) {
        context.err << "asbb: error: " << one_line(e.what()) << "\n";
        // Only an outage is "try again later" (3). A refused login, a missing
        // table or grant (kMisconfigured) needs an admin, like a bad config
        // file, so it is 1.
        return e.kind() == db::DbErrorKind::kConnection ? kExitDbUnavailable : kExitUserError;
    } catch (const std::exception& e) {
        context.err << "asbb: error: " << one_line(e.what()) << "\n";
        return kExitUserError;
    }
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Context context(out, err);
    // --service=URL sends read verbs to the asbb service (cli/remote.hpp).
    std::string service_option;
    Args local_args;
    for (const auto& arg : args) {
        if (arg.starts_with("--service=")) {
            service_option = arg.substr(10);
        } else {
            local_args.push_back(arg);
        }
    }
    return guarded(context, [&] {
        context.now_s = now_epoch_s();
        context.actor = current_user_name();
        const Args rest = take_global_options(context, local_args);
        if (auto url = remote_service_url(rest, context.config_path, service_option)) {
            Args forwarded;
            for (const auto& arg : local_args) {
                if (!arg.starts_with("--config=")) forwarded.push_back(arg);
            }
            return run_remote(*url, forwarded, out, err);
        }
        return dispatch(context, rest);
    });
}

int run_for_caller(const Principal& caller, const Config& config, db::Session& session,
                   const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Context context(out, err);
    return guarded(context, [&] {
        for (const auto& arg : args) {
            if (arg.starts_with("--config") || arg.starts_with("--service")) {
                usage_error("--config and --service are not accepted through the asbb service");
            }
        }
        context.serve_caller(caller, config, session);
        context.now_s = now_epoch_s();
        const Args rest = take_global_options(context, args);
        if (!remote_capable(rest)) {
            usage_error("this verb is not available through the asbb service (read verbs only)");
        }
        return dispatch(context, rest);
    });
}

}  // namespace asbb::cli
