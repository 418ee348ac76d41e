#include "sacct_runs.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <cerrno>
#include <cstring>

#include "util/local_time.hpp"

extern char** environ;

namespace asbb::poller {

namespace {

// From slurm.h (enum job_states and the flag bits), as in core/job_run.cpp.
constexpr uint32_t kFlagRequeue = 1u << 10;
constexpr uint32_t kFlagResizing = 1u << 13;
constexpr uint32_t kFlagRequeueHold = 1u << 11;
constexpr uint32_t kFlagSpecialExit = 1u << 12;

struct StateName {
    const char* name;
    uint32_t state;
};

// job_state_string() of 22.05: the flag names are printed instead of the base
// state when set. The requeue names stand for a run that ended and was put
// back: the old row keeps that state (base PENDING) and an end time.
constexpr StateName kStates[] = {
    {"PENDING", 0},
    {"RUNNING", 1},
    {"SUSPENDED", 2},
    {"COMPLETED", 3},
    {"CANCELLED", 4},
    {"FAILED", 5},
    {"TIMEOUT", 6},
    {"NODE_FAIL", 7},
    {"PREEMPTED", 8},
    {"BOOT_FAIL", 9},
    {"DEADLINE", 10},
    {"OUT_OF_MEMORY", 11},
    {"REQUEUED", kFlagRequeue},
    {"REQUEUE_FED", kFlagRequeue},
    {"REQUEUE_HOLD", kFlagRequeue | kFlagRequeueHold},
    {"SPECIAL_EXIT", kFlagRequeue | kFlagSpecialExit},
    {"RESIZING", kFlagResizing},
};

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// An integer member (null or absent: fallback).
int64_t integer(const rapidjson::Value& object, const char* name, int64_t fallback = 0) {
    const auto* value = member(object, name);
    if (value == nullptr || !value->IsInt64()) return fallback;
    return value->GetInt64();
}

std::string text(const rapidjson::Value& object, const char* name) {
    const auto* value = member(object, name);
    if (value == nullptr || !value->IsString()) return "";
    return {value->GetString(), value->GetStringLength()};
}

}  // namespace

std::optional<uint32_t> state_from_sacct_name(const std::string& name) {
    for (const auto& entry : kStates) {
        if (name == entry.name) return entry.state;
    }
    return std::nullopt;
}

std::vector<std::string> sacct_arguments(const SacctQuery& query) {
    // -a every user, -X the allocation only (no steps), -D every run of a
    // requeued job (else only the last one is shown).
    std::vector<std::string> args = {"--json", "-a", "-X", "-D"};
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

Expected<std::vector<JobRun>> parse_sacct_json(const std::string& json,
                                               std::vector<std::string>& problems) {
    rapidjson::Document document;
    document.Parse(json.data(), json.size());
    if (document.HasParseError() || !document.IsObject()) {
        return make_error(std::string("sacct printed no JSON object"));
    }
    const auto* jobs = member(document, "jobs");
    if (jobs == nullptr || !jobs->IsArray()) {
        return make_error(std::string("sacct's JSON has no \"jobs\" array"));
    }
    std::vector<JobRun> runs;
    runs.reserve(jobs->Size());
    for (const auto& job : jobs->GetArray()) {
        const int64_t job_id = integer(job, "job_id");
        const auto* time = member(job, "time");
        const auto* state = member(job, "state");
        if (job_id <= 0 || time == nullptr || state == nullptr) {
            problems.push_back("sacct: a job record without job_id, time or state; left out");
            continue;
        }
        const std::string state_name = text(*state, "current");
        auto state_number = state_from_sacct_name(state_name);
        if (!state_number) {
            problems.push_back("job " + std::to_string(job_id) + ": unknown sacct state '" +
                               state_name + "'; left out");
            continue;
        }
        JobRun run;
        run.job_id = job_id;
        if (const auto* array = member(job, "array")) run.array_job_id = integer(*array, "job_id");
        run.state = *state_number;
        run.time_submit = integer(*time, "submission");
        run.time_start = integer(*time, "start");
        run.time_end = integer(*time, "end");
        run.nodes_alloc = integer(job, "allocation_nodes");
        if (const auto* comment = member(job, "comment")) {
            run.admin_comment = text(*comment, "administrator");
        }
        run.partition = text(job, "partition");
        if (const auto* association = member(job, "association")) {
            run.account = text(*association, "account");
        }
        run.job_db_inx = run_charge_key(run).value_or(0);
        runs.push_back(std::move(run));
    }
    return runs;
}

Expected<std::string> run_sacct(const SacctQuery& query) {
    std::vector<std::string> args = sacct_arguments(query);
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
        return make_error("sacct " + args[args.size() - 2] + " ... failed (status " +
                          std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    }
    return output;
}

}  // namespace asbb::poller
