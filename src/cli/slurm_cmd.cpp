// asbb slurm configure: checks that SLURM and asbb fit together (the plugin
// built for the SLURM that runs, JobSubmitPlugins, the database and its
// SLURM tables, the cluster name) and prints, or with --apply writes, the
// slurm.conf line job_submit/budget needs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "core/names.hpp"
#include "core/slurm_conf_text.hpp"
#include "db/migrate.hpp"
#include "db/slurm_tree.hpp"
#include "slurm/installation.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

constexpr const char* kPluginFile = "job_submit_budget.so";
// Where Debian's slurm-wlm keeps its plugins when slurm.conf names no PluginDir.
constexpr const char* kDefaultPluginDir = "/usr/lib/x86_64-linux-gnu/slurm-wlm";

class Report {
  public:
    explicit Report(std::ostream& out) : out_(out) {}
    void ok(const std::string& what) { out_ << "ok    " << what << "\n"; }
    void fail(const std::string& what) {
        out_ << "FAIL  " << what << "\n";
        ++failed_;
    }
    void note(const std::string& what) { out_ << "note  " << what << "\n"; }
    int failed() const { return failed_; }

  private:
    std::ostream& out_;
    int failed_ = 0;
};

std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) user_error("cannot read slurm.conf at " + path + ": " + std::strerror(errno));
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// Writes text next to path and renames it over path, keeping the file's
// owner and mode: slurm.conf is never seen half written.
void replace_file(const std::string& path, const std::string& text) {
    struct stat original {};
    if (stat(path.c_str(), &original) != 0) user_error("cannot stat " + path);
    const std::string temp = path + ".asbb-new";
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) user_error("cannot write " + temp + ": " + std::strerror(errno));
    bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                   fchmod(fd, original.st_mode & 07777) == 0 &&
                   fchown(fd, original.st_uid, original.st_gid) == 0 && fsync(fd) == 0;
    written = close(fd) == 0 && written;
    if (!written || rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        unlink(temp.c_str());
        user_error("cannot write " + path + ": " + why);
    }
}

// A copy of the file as it was, named after the time, never over another.
std::string back_up(const std::string& path, const std::string& text, int64_t now_s) {
    std::string stamp = format_local_datetime(now_s);
    std::erase(stamp, ':');
    std::string backup = path + ".asbb-backup." + stamp;
    for (int n = 1; access(backup.c_str(), F_OK) == 0; ++n) {
        backup = path + ".asbb-backup." + stamp + "." + std::to_string(n);
    }
    std::ofstream file(backup, std::ios::binary);
    file << text;
    file.close();
    if (!file) user_error("cannot write the backup " + backup);
    struct stat original {};
    if (stat(path.c_str(), &original) == 0) chmod(backup.c_str(), original.st_mode & 07777);
    return backup;
}

// The first job_submit_budget.so along PluginDir (SLURM searches in order).
std::string find_plugin(const std::string& plugin_dirs) {
    std::stringstream dirs(plugin_dirs);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) continue;
        const std::string path = dir + "/" + kPluginFile;
        if (access(path.c_str(), F_OK) == 0) return path;
    }
    return "";
}

void check_plugin(Report& report, const std::string& plugin_dirs,
                  const Expected<slurm::RunningSlurm>& running) {
    const std::string path = find_plugin(plugin_dirs);
    if (path.empty()) {
        report.fail(std::string(kPluginFile) + " is not in PluginDir (" + plugin_dirs +
                    "): install it with `cmake --install` from asbb's build directory");
        return;
    }
    auto identity = slurm::identify_plugin(path);
    if (!identity) {
        report.fail(identity.error());
        return;
    }
    if (identity->type != "job_submit/budget") {
        report.fail(path + " is " + identity->type + ", not job_submit/budget");
        return;
    }
    const std::string built_for = slurm::format_slurm_version(identity->version);
    if (!running) {
        report.fail("cannot tell which SLURM runs: " + running.error());
    } else if (built_for != running->version) {
        report.fail(path + " was built for SLURM " + built_for + " but SLURM " + running->version +
                    " runs (" + running->source +
                    "): rebuild asbb against this SLURM's headers and install it again");
    } else {
        report.ok(path + " is job_submit/budget for SLURM " + built_for + ", the one that runs (" +
                  running->source + ")");
    }
}

void check_database(Context& context, Report& report, const std::string& cluster) {
    try {
        const Config& config = context.config();
        const int version = db::schema_version(context.session(), config.db_name);
        const int bundled = static_cast<int>(db::bundled_migrations().size());
        if (version < bundled) {
            report.fail("database " + config.db_name + " is at schema version " +
                        std::to_string(version) + " of " + std::to_string(bundled) +
                        ": run `asbb database migrate`");
        } else {
            report.ok("database " + config.db_name + " reachable as " + config.db_user +
                      ", schema version " + std::to_string(version));
        }
        if (db::slurm_cluster_exists(context.session(), context.slurm_db(), cluster)) {
            report.ok("slurmdbd's database " + config.slurm_db_name + " readable; cluster " +
                      cluster + " is registered there");
        } else {
            report.fail("slurmdbd's database " + config.slurm_db_name + " has no cluster " +
                        cluster + " (is ClusterName right, and has slurmctld registered?)");
        }
    } catch (const db::DbError& e) {
        report.fail(std::string("database: ") + e.what());
    }
}

// The mode the plugin runs in once slurmctld (re)starts: a trial that
// refuses nothing must not be mistaken for enforcement.
void report_enforcement(Report& report, const Config& config) {
    if (config.enforce_policy == EnforcePolicy::kShadow) {
        report.note(
            "EnforcePolicy=shadow: jobs their budgets cannot hold are accepted without a hold "
            "and listed by `asbb shadow report`; set EnforcePolicy=enforce and restart "
            "slurmctld to refuse them");
    } else {
        report.ok("EnforcePolicy=enforce: jobs their budgets cannot hold are refused");
    }
    report.ok(std::string("FailPolicy=") + std::string(to_string(config.fail_policy)) +
              (config.fail_policy == FailPolicy::kOpen
                   ? ": while the database is down, jobs are accepted and their holds spooled"
                   : ": while the database is down, budgeted jobs are refused"));
}

int configure(Context& context, const Args& args) {
    auto options = command_options(
        "asbb slurm configure",
        "Check that SLURM and asbb fit together; print (or --apply) the slurm.conf lines");
    options.add_options()("slurm-conf",
                          "slurm.conf to check (default: $SLURM_CONF or "
                          "/etc/slurm/slurm.conf)",
                          OptionArg::kValue)(
        "apply", "write the lines into slurm.conf, keeping a dated backup");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;

    std::string conf_path;
    if (auto given = optional_value(parsed, "slurm-conf")) {
        conf_path = parse_text("slurm-conf", *given);
        if (conf_path.empty() || conf_path[0] != '/') {
            usage_error("--slurm-conf: give an absolute path, got " + quote_input(conf_path));
        }
        // libslurm then talks to the slurmctld of that file.
        setenv("SLURM_CONF", conf_path.c_str(), 1);
    } else {
        const char* env = std::getenv("SLURM_CONF");
        conf_path = env != nullptr && *env != '\0' ? env : "/etc/slurm/slurm.conf";
    }
    const bool apply = parsed.count("apply") > 0;
    const std::string text = read_file(conf_path);
    const Config& config = context.config();

    Report report(context.out);
    report.ok("slurm.conf: " + conf_path);
    const std::string slurm_cluster = slurm_conf_value(text, "ClusterName").value_or("");
    if (slurm_cluster == config.cluster_name) {
        report.ok("ClusterName " + slurm_cluster + " in slurm.conf and asbb.conf");
    } else {
        report.fail("ClusterName is " + quote_input(slurm_cluster) + " in slurm.conf but " +
                    quote_input(config.cluster_name) + " in " + "asbb.conf");
    }
    const auto running = slurm::running_slurm();
    check_plugin(report, slurm_conf_value(text, "PluginDir").value_or(kDefaultPluginDir), running);
    check_database(context, report, config.cluster_name);
    report_enforcement(report, config);

    SlurmConfEdit edit = enable_budget_plugin(text);
    if (!edit.changed) {
        report.ok("slurm.conf has " + edit.line);
    } else if (apply) {
        const std::string backup = back_up(conf_path, text, context.now_s);
        replace_file(conf_path, edit.text);
        report.ok("wrote " + edit.line + " into " + conf_path + " (the old file is " + backup +
                  ")");
    } else {
        report.fail("slurm.conf lacks budget in JobSubmitPlugins; it needs:");
        context.out << "\n    " << edit.line << "\n\n"
                    << "(run again with --apply to write it, keeping a backup)\n";
    }
    if (running && running->controller_answered) {
        bool loaded = false;
        for (const auto& plugin : running->job_submit_plugins) {
            loaded = loaded || plugin == "budget" || plugin == "job_submit/budget";
        }
        if (loaded) {
            report.ok("the running slurmctld has job_submit/budget loaded");
        } else {
            report.note(
                "the running slurmctld does not run job_submit/budget yet: restart slurmctld "
                "(systemctl restart slurmctld) once the checks above pass");
        }
    }
    return report.failed() == 0 ? kExitOk : kExitUserError;
}

}  // namespace

int slurm_command(Context& context, const Args& args) {
    if (args.empty() || args[0] != "configure") {
        usage_error("usage: asbb slurm configure [--slurm-conf=PATH] [--apply]");
    }
    return configure(context, Args(args.begin() + 1, args.end()));
}

}  // namespace asbb::cli
