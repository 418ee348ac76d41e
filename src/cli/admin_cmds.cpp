// asbb database migrate, asbb config init|validate, asbb check
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "db/check.hpp"
#include "db/migrate.hpp"
#include "util/file_mode.hpp"

namespace asbb::cli {

int database_command(Context& context, const Args& args) {
    if (args.empty() || args[0] != "migrate") usage_error("usage: asbb database migrate");
    auto options = command_options("asbb database migrate", "Create or upgrade asbb's tables");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, Args(args.begin() + 1, args.end()), positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    auto session = context.admin_session();
    auto report = db::migrate(*session, context.config().db_name);
    for (const auto& file : report.applied) context.out << "applied " << file << "\n";
    context.out << "database " << context.config().db_name << " is at schema version "
                << report.version_after << (report.applied.empty() ? " (nothing to do)" : "")
                << "\n";
    return kExitOk;
}

namespace {

int config_init(Context& context, const Args& args) {
    auto options = command_options("asbb config init", "Write a commented asbb.conf");
    options.add_options()("output", "where to write (default: $ASBB_CONF or /etc/asbb/asbb.conf)",
                          OptionArg::kValue)("force", "replace an existing file");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    std::string path =
        optional_value(parsed, "output")
            .value_or(context.config_path.empty() ? default_config_path() : context.config_path);
    if (path == "-") {
        context.out << config_template();
        return kExitOk;
    }
    // 0600 from the start: the file will hold a database password.
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (parsed.count("force") > 0 ? O_TRUNC : O_EXCL);
    int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
        if (errno == EEXIST) user_error(path + " exists; pass --force to replace it");
        user_error("cannot write " + path + ": " + std::strerror(errno));
    }
    const std::string text = config_template();
    bool ok = ::fchmod(fd, 0600) == 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    int saved = errno;
    ::close(fd);
    if (!ok) user_error("cannot write " + path + ": " + std::strerror(saved));
    context.out << "wrote " << path << " (mode 600); set DbPass and ClusterName, then run "
                << "asbb config validate\n";
    return kExitOk;
}

int config_validate(Context& context, const Args& args) {
    auto options = command_options("asbb config validate", "Check an asbb.conf");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    std::string path = !positional.empty()           ? positional[0]
                       : context.config_path.empty() ? default_config_path()
                                                     : context.config_path;
    // Every problem of the text, each with its line, then the file's mode.
    auto snapshot = read_regular_file(path, 64 * 1024 + 1);
    if (!snapshot) user_error(snapshot.error());
    auto result = parse_config_text(snapshot->content);
    for (const auto& problem : result.problems) {
        context.err << path << ":" << problem.line << ": " << problem.message << "\n";
    }
    if (!result.ok()) {
        user_error(path + ": " + std::to_string(result.problems.size()) + " problem(s)");
    }
    auto loaded = load_config_file(path);
    if (!loaded) user_error(loaded.error());
    context.out << path << ": ok\n";
    return kExitOk;
}

}  // namespace

int config_command(Context& context, const Args& args) {
    if (args.empty()) usage_error("usage: asbb config init|validate");
    const Args rest(args.begin() + 1, args.end());
    if (args[0] == "init") return config_init(context, rest);
    if (args[0] == "validate") return config_validate(context, rest);
    usage_error("unknown config verb '" + args[0] + "' (usage: asbb config init|validate)");
}

int check_command(Context& context, const Args& args) {
    auto options = command_options("asbb check", "Recompute every balance from the journal");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    auto mismatches = db::check_ledger(context.session());
    if (mismatches.empty()) {
        if (!context.output.json) {
            context.out << "ledger ok: every balance equals its journal\n";
            return kExitOk;
        }
    }
    Listing listing;
    listing.columns = {{"Table", Align::kLeft},
                       {"ID", Align::kLeft},
                       {"Field", Align::kLeft},
                       {"Stored"},
                       {"Journal"}};
    for (const auto& m : mismatches) {
        listing.rows.push_back(
            {m.table, m.id, m.field, Money{m.stored_micro}, Money{m.journal_micro}});
    }
    print_listing(context, listing);
    if (!mismatches.empty()) {
        context.err << "asbb: error: " << mismatches.size()
                    << " balance(s) differ from the journal\n";
        return kExitUserError;
    }
    return kExitOk;
}

}  // namespace asbb::cli
