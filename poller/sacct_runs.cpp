#include "sacct_runs.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

#include "util/local_time.hpp"

extern char** environ;

namespace asbb::poller {

namespace {

// From slurm.h (enum job_states and the JOB_* flag bits), as in
// core/job_run.cpp; the same values in every release from 22.05 to 26.05.
constexpr uint32_t kFlagLaunchFailed = 1u << 8;
constexpr uint32_t kFlagUpdateDb = 1u << 9;  // printed by v0.0.40 and v0.0.41 only
constexpr uint32_t kFlagRequeue = 1u << 10;
constexpr uint32_t kFlagRequeueHold = 1u << 11;
constexpr uint32_t kFlagSpecialExit = 1u << 12;
constexpr uint32_t kFlagResizing = 1u << 13;
constexpr uint32_t kFlagConfiguring = 1u << 14;
constexpr uint32_t kFlagCompleting = 1u << 15;
constexpr uint32_t kFlagStopped = 1u << 16;
constexpr uint32_t kFlagReconfigFail = 1u << 17;
constexpr uint32_t kFlagPowerUpNode = 1u << 18;
constexpr uint32_t kFlagRevoked = 1u << 19;
constexpr uint32_t kFlagResvDelHold = 1u << 21;
constexpr uint32_t kFlagSignaling = 1u << 22;
constexpr uint32_t kFlagStageOut = 1u << 23;

// sacct prints a start time of NO_VAL for a job cancelled before it ran
// (as_mysql_jobacct_process.c, SLURMDB_JOB_FLAG_START_R) where the job table
// holds 0.
constexpr int64_t kNoVal = 0xfffffffe;

struct StateName {
    const char* name;
    uint32_t state;
    bool base;  // a base state (enum job_states), else a flag
};

// SLURM's state names. 22.05's and 23.02's job_state_string() prints one
// name: a flag's instead of the base state when one is set; the requeue
// names stand for a run that ended and was put back (slurmdbd's row holds
// JOB_REQUEUE with base PENDING, or JOB_RESIZING or JOB_REVOKED alone, see
// as_mysql_job_complete). From v0.0.40 sacct prints the base state's name
// and each flag's (data_parser parsers.c PARSER_FLAG_ARRAY(JOB_STATE), the
// same names in v0.0.40 to v0.0.45); a flag name means here what it means
// alone, so both forms give slurmdbd's number.
constexpr StateName kStates[] = {
    {"PENDING", 0, true},
    {"RUNNING", 1, true},
    {"SUSPENDED", 2, true},
    {"COMPLETED", 3, true},
    {"CANCELLED", 4, true},
    {"FAILED", 5, true},
    {"TIMEOUT", 6, true},
    {"NODE_FAIL", 7, true},
    {"PREEMPTED", 8, true},
    {"BOOT_FAIL", 9, true},
    {"DEADLINE", 10, true},
    {"OUT_OF_MEMORY", 11, true},
    {"REQUEUED", kFlagRequeue, false},
    {"REQUEUE_FED", kFlagRequeue, false},
    {"REQUEUE_HOLD", kFlagRequeue | kFlagRequeueHold, false},
    {"SPECIAL_EXIT", kFlagRequeue | kFlagSpecialExit, false},
    {"RESIZING", kFlagResizing, false},
    {"REVOKED", kFlagRevoked, false},
    {"LAUNCH_FAILED", kFlagLaunchFailed, false},
    {"UPDATE_DB", kFlagUpdateDb, false},
    {"CONFIGURING", kFlagConfiguring, false},
    {"COMPLETING", kFlagCompleting, false},
    {"STOPPED", kFlagStopped, false},
    {"RECONFIG_FAIL", kFlagReconfigFail, false},
    {"POWER_UP_NODE", kFlagPowerUpNode, false},
    {"RESV_DEL_HOLD", kFlagResvDelHold, false},
    {"SIGNALING", kFlagSignaling, false},
    {"STAGE_OUT", kFlagStageOut, false},
};

const StateName* find_state(std::string_view name) {
    for (const auto& entry : kStates) {
        if (name == entry.name) return &entry;
    }
    return nullptr;
}

const rapidjson::Value* member(const rapidjson::Value& object, std::string_view name) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// A member found by a dotted path ("time.start"); nullptr when absent.
const rapidjson::Value* at_path(const rapidjson::Value& object, std::string_view path) {
    const rapidjson::Value* value = &object;
    while (value != nullptr) {
        const size_t dot = path.find('.');
        value = member(*value, path.substr(0, dot));
        if (dot == std::string_view::npos) break;
        path.remove_prefix(dot + 1);
    }
    return value;
}

std::string string_of(const rapidjson::Value* value) {
    if (value == nullptr || !value->IsString()) return "";
    return {value->GetString(), value->GetStringLength()};
}

// An integer as a number or as a numeric string (v0.0.40+'s meta prints
// the release's parts as strings: "24", "05", "5").
std::optional<int> small_number(const rapidjson::Value* value) {
    if (value == nullptr) return std::nullopt;
    if (value->IsInt()) return value->GetInt();
    if (!value->IsString() || value->GetStringLength() == 0) return std::nullopt;
    const char* begin = value->GetString();
    const char* end = begin + value->GetStringLength();
    int number = 0;
    auto [stop, failure] = std::from_chars(begin, end, number);
    if (failure != std::errc() || stop != end) return std::nullopt;
    return number;
}

// The versions an answer names in its meta: "SLURM 24.11.5" and
// "data_parser/v0.0.42" (22.05: meta.Slurm and meta.plugin.type
// "openapi/dbv0.0.38"; 23.02: meta.Slurm and meta.plugins.data_parser;
// 23.11 on: meta.slurm and meta.plugin.data_parser). Empty when not named.
struct AnswerVersions {
    std::string slurm;
    std::string data_parser;
};

AnswerVersions answer_versions(const rapidjson::Value& document) {
    AnswerVersions versions;
    const auto* meta = member(document, "meta");
    if (meta == nullptr) return versions;
    const auto* slurm = member(*meta, "slurm");
    if (slurm == nullptr) slurm = member(*meta, "Slurm");
    if (slurm != nullptr) {
        const auto* version = member(*slurm, "version");
        auto major = small_number(version ? member(*version, "major") : nullptr);
        auto minor = small_number(version ? member(*version, "minor") : nullptr);
        auto micro = small_number(version ? member(*version, "micro") : nullptr);
        versions.slurm = major && minor && micro
                             ? format_release(SlurmRelease{*major, *minor, *micro})
                             : string_of(member(*slurm, "release"));
    }
    const auto* plugin = member(*meta, "plugin");
    if (plugin == nullptr) plugin = member(*meta, "plugins");
    if (plugin != nullptr) {
        versions.data_parser = string_of(member(*plugin, "data_parser"));
        if (versions.data_parser.empty()) versions.data_parser = string_of(member(*plugin, "type"));
    }
    return versions;
}

// "sacct (SLURM 24.11.5, data_parser/v0.0.42)", the start of every error.
std::string answer_label(const AnswerVersions& answer, const SacctFormat& format) {
    const std::string asked_release = format_release(format.release);
    std::string slurm = answer.slurm.empty() ? asked_release : answer.slurm;
    if (!answer.slurm.empty() && answer.slurm != asked_release) {
        slurm += ", sacct --version " + asked_release;
    }
    const std::string parser =
        answer.data_parser.empty() ? "data_parser not named" : answer.data_parser;
    return "sacct (SLURM " + slurm + ", " + parser + ")";
}

// Why an answer's format is not the one asked for, or "" when it is: the
// pinned data_parser, or on 22.05 and 23.02 (plain --json) theirs.
std::string format_mismatch(const AnswerVersions& answer, const SacctFormat& format) {
    if (format.data_parser.empty()) {
        if (answer.data_parser == "openapi/dbv0.0.38" ||
            answer.data_parser == "data_parser/v0.0.39")
            return "";
        return "asked for plain --json, which 22.05 and 23.02 answer in openapi/dbv0.0.38 or "
               "data_parser/v0.0.39";
    }
    if (answer.data_parser == "data_parser/" + format.data_parser) return "";
    return "asked for --json=" + format.data_parser;
}

// One of sacct's errors or warnings, as one line.
std::string report_text(const rapidjson::Value& entry) {
    std::string text = string_of(member(entry, "description"));
    if (text.empty()) text = string_of(member(entry, "error"));
    if (text.empty()) text = string_of(member(entry, "warning"));
    if (text.empty()) text = "(no description)";
    if (const auto* source = member(entry, "source"); source && source->IsString()) {
        text += " (" + string_of(source) + ")";
    }
    for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return text;
}

// Reads the fields of one job record; the first one it cannot read is the
// record's error (the others then read as 0 or "").
class RecordReader {
  public:
    RecordReader(const rapidjson::Value& job, std::string name)
        : job_(job), name_(std::move(name)) {}

    void rename(std::string name) { name_ = std::move(name); }
    const std::optional<std::string>& error() const { return error_; }

    void fail(std::string_view path, const std::string& what) {
        if (!error_) error_ = name_ + ": " + std::string(path) + " " + what;
    }

    // A member that must be there (null allowed).
    const rapidjson::Value* present(std::string_view path) {
        const auto* value = at_path(job_, path);
        if (value == nullptr) fail(path, "is missing");
        return value;
    }

    // A number, null (0), or v0.0.39+'s {"set", "infinite", "number"} (0
    // when not set; no field read here may be infinite).
    int64_t integer(std::string_view path) {
        const auto* value = present(path);
        if (value == nullptr || value->IsNull()) return 0;
        if (value->IsInt64()) return value->GetInt64();
        const auto* set = member(*value, "set");
        const auto* infinite = member(*value, "infinite");
        const auto* number = member(*value, "number");
        if (set == nullptr || !set->IsBool() || infinite == nullptr || !infinite->IsBool() ||
            number == nullptr || !number->IsInt64()) {
            fail(path, "is neither an integer nor {set, infinite, number}");
            return 0;
        }
        if (!set->GetBool()) return 0;
        if (infinite->GetBool()) fail(path, "is infinite");
        return number->GetInt64();
    }

    // A string, or null ("").
    std::string text(std::string_view path) {
        const auto* value = present(path);
        if (value == nullptr || value->IsNull()) return "";
        if (!value->IsString()) fail(path, "is not a string");
        return string_of(value);
    }

    // The job_state number from state.current: one name (22.05, 23.02) or an
    // array of names (v0.0.40 on).
    uint32_t state() {
        const auto* value = present("state.current");
        if (value == nullptr) return 0;
        if (value->IsString()) {
            auto state = state_from_sacct_name(string_of(value));
            if (!state) fail("state.current", "'" + string_of(value) + "' is no SLURM job state");
            return state.value_or(0);
        }
        const char* not_names = "is neither a string nor an array of strings";
        if (!value->IsArray()) {
            fail("state.current", not_names);
            return 0;
        }
        std::vector<std::string> names;
        for (const auto& name : value->GetArray()) {
            if (!name.IsString()) {
                fail("state.current", not_names);
                return 0;
            }
            names.push_back(string_of(&name));
        }
        auto state = state_from_sacct_names(names);
        if (!state) fail("state.current", state.error());
        return state ? *state : 0;
    }

  private:
    const rapidjson::Value& job_;
    std::string name_;
    std::optional<std::string> error_;
};

// One record into a run, or the record's error ("job 12: time.end is
// missing"). index names a record without a readable job_id.
Expected<JobRun> read_record(const rapidjson::Value& job, size_t index) {
    RecordReader fields(job, "jobs[" + std::to_string(index) + "]");
    if (!job.IsObject()) return make_error("jobs[" + std::to_string(index) + "] is not an object");
    JobRun run;
    run.job_id = fields.integer("job_id");
    if (fields.error()) return make_error(*fields.error());
    if (run.job_id <= 0) return make_error("jobs[" + std::to_string(index) + "]: job_id is 0");
    fields.rename("job " + std::to_string(run.job_id));
    run.array_job_id = fields.integer("array.job_id");
    run.state = fields.state();
    run.time_submit = fields.integer("time.submission");
    run.time_start = fields.integer("time.start");
    if (run.time_start == kNoVal) run.time_start = 0;  // cancelled before it ran
    run.time_end = fields.integer("time.end");
    run.nodes_alloc = fields.integer("allocation_nodes");
    run.admin_comment = fields.text("comment.administrator");
    run.partition = fields.text("partition");
    // v0.0.40 to v0.0.42 print {} for an association slurmdbd no longer
    // knows (with a warning); the job table then gives no account either.
    const auto* association = fields.present("association");
    if (association != nullptr && !(association->IsObject() && association->ObjectEmpty())) {
        run.account = fields.text("association.account");
    }
    if (fields.error()) return make_error(*fields.error());
    run.job_db_inx = run_charge_key(run).value_or(0);
    return run;
}

}  // namespace

Expected<SacctFormat> sacct_format_for(const std::string& version_text) {
    auto release = parse_sacct_version(version_text);
    if (!release) return make_error(release.error());
    auto data_parser = sacct_data_parser_for(*release);
    if (!data_parser) return make_error(data_parser.error());
    return SacctFormat{*release, *data_parser};
}

std::optional<uint32_t> state_from_sacct_name(const std::string& name) {
    const StateName* entry = find_state(name);
    if (entry == nullptr) return std::nullopt;
    return entry->state;
}

Expected<uint32_t> state_from_sacct_names(const std::vector<std::string>& names) {
    uint32_t state = 0;
    int bases = 0;
    for (const auto& name : names) {
        const StateName* entry = find_state(name);
        if (entry == nullptr) return make_error("'" + name + "' is no SLURM job state");
        bases += entry->base ? 1 : 0;
        state |= entry->state;
    }
    if (bases != 1) {
        std::string list;
        for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
        return make_error("[" + list + "] has " + std::to_string(bases) + " base states, not one");
    }
    return state;
}

std::vector<std::string> sacct_arguments(const SacctQuery& query) {
    // -a every user, -X the allocation only (no steps), -D every run of a
    // requeued job (else only the last one is shown).
    std::vector<std::string> args = {
        query.format.data_parser.empty() ? "--json" : "--json=" + query.format.data_parser, "-a",
        "-X", "-D"};
    if (!query.cluster.empty()) {
        args.push_back("-M");
        args.push_back(query.cluster);
    }
    if (!query.job_ids.empty()) {
        // No -S: with -j sacct then looks at all time, and does not hide the
        // jobs that never became eligible.
        std::string list;
        for (int64_t id : query.job_ids) list += (list.empty() ? "" : ",") + std::to_string(id);
        args.push_back("-j");
        args.push_back(list);
    } else {
        args.push_back("-S");
        args.push_back(format_local_datetime(query.start_s));
        args.push_back("-E");
        args.push_back(format_local_datetime(query.end_s));
    }
    return args;
}

Expected<std::vector<JobRun>> parse_sacct_json(const std::string& json, const SacctFormat& format,
                                               std::vector<std::string>& problems) {
    rapidjson::Document document;
    document.Parse(json.data(), json.size());
    if (document.HasParseError() || !document.IsObject()) {
        return make_error("sacct (SLURM " + format_release(format.release) +
                          ") printed no JSON object");
    }
    const AnswerVersions versions = answer_versions(document);
    const std::string label = answer_label(versions, format);
    if (std::string mismatch = format_mismatch(versions, format); !mismatch.empty()) {
        return make_error(label + ": " + mismatch);
    }
    if (const auto* errors = member(document, "errors"); errors && errors->IsArray()) {
        if (!errors->Empty()) {
            return make_error(label + ": sacct reported an error: " + report_text((*errors)[0]));
        }
    }
    if (const auto* warnings = member(document, "warnings"); warnings && warnings->IsArray()) {
        for (const auto& warning : warnings->GetArray()) {
            problems.push_back(label + ": warning: " + report_text(warning));
        }
    }
    const auto* jobs = member(document, "jobs");
    if (jobs == nullptr || !jobs->IsArray()) return make_error(label + ": no \"jobs\" array");
    std::vector<JobRun> runs;
    runs.reserve(jobs->Size());
    for (rapidjson::SizeType i = 0; i < jobs->Size(); ++i) {
        auto run = read_record((*jobs)[i], i);
        if (!run) return make_error(label + ": " + run.error());
        runs.push_back(std::move(run).value());
    }
    return runs;
}

namespace {

// Runs sacct with args (after "sacct") and returns its standard output; its
// standard error goes where the poller's does (the journal).
Expected<std::string> run_sacct_with(std::vector<std::string> args, const std::string& what) {
    args.insert(args.begin(), "sacct");
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return make_error(std::string("sacct: pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, "sacct", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (spawned != 0) {
        ::close(pipe_fds[0]);
        return make_error(std::string("cannot run sacct: ") + std::strerror(spawned));
    }
    std::string output;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (got > 0) {
            output.append(buffer, static_cast<size_t>(got));
        } else if (got == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return make_error(what + " failed (status " +
                          std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    }
    return output;
}

}  // namespace

Expected<std::string> run_sacct(const SacctQuery& query) {
    std::vector<std::string> args = sacct_arguments(query);
    // "sacct (SLURM 24.11.5) --json=v0.0.42 -a -X -D -M lab -j ...": which
    // sacct refused what (a release that no longer serves the pinned
    // data_parser says so on standard error).
    const std::string what = "sacct (SLURM " + format_release(query.format.release) + ") " +
                             args[0] + " -a -X -D " + (query.job_ids.empty() ? "-S ..." : "-j ...");
    return run_sacct_with(std::move(args), what);
}

Expected<std::string> run_sacct_version() {
    return run_sacct_with({"--version"}, "sacct --version");
}

}  // namespace asbb::poller
