#include "spool_replay.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/hold_id.hpp"
#include "core/hold_plan.hpp"
#include "core/hold_sizing.hpp"
#include "core/split.hpp"
#include "db/ledger.hpp"
#include "db/ledger_view.hpp"
#include "submit/spool.hpp"

namespace asbb::poller {

namespace {

namespace fs = std::filesystem;

// How long a pass waits for the spool's lock. Appenders hold it for one
// write; the bound only keeps a wedged process from stalling the poller.
constexpr std::chrono::seconds kTakeTimeout{5};

struct SpoolPaths {
    std::string live;      // the plugin appends here
    std::string taken;     // a pass replays this; left by a pass that died
    std::string rejected;  // lines that cannot be placed, for an admin
};

SpoolPaths paths_in(const std::string& spool_dir) {
    const std::string live = submit::spool_file(spool_dir);
    return {live, live + ".processing", live + ".rejected"};
}

std::string text_of(const rapidjson::Document& doc, const char* key) {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int64_t number_of(const rapidjson::Document& doc, const char* key) {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

std::optional<int64_t> optional_number(const rapidjson::Value& object, const char* key) {
    auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
}

std::string optional_text(const rapidjson::Value& object, const char* key) {
    auto it = object.FindMember(key);
    return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

SubmitShape kept_submit_shape(const rapidjson::Value& j) {
    SubmitShape job;
    job.min_nodes = optional_number(j, "min_nodes");
    job.num_tasks = optional_number(j, "num_tasks");
    job.ntasks_per_node = optional_number(j, "ntasks_per_node");
    job.cpus_per_task = optional_number(j, "cpus_per_task");
    job.min_cpus = optional_number(j, "min_cpus");
    job.time_limit_min = optional_number(j, "time_limit_min");
    auto unlimited = j.FindMember("time_unlimited");
    job.time_unlimited =
        unlimited != j.MemberEnd() && unlimited->value.IsBool() && unlimited->value.GetBool();
    job.array_inx = optional_text(j, "array_inx");
    job.tres_per_node = optional_text(j, "tres_per_node");
    job.tres_per_job = optional_text(j, "tres_per_job");
    job.tres_per_task = optional_text(j, "tres_per_task");
    return job;
}

// The job as the plugin saw it. A line written before the plugin kept the
// whole job has only its node count, time limit and array size.
SubmitShape submit_shape_of(const rapidjson::Document& doc) {
    auto kept = doc.FindMember("job");
    if (kept != doc.MemberEnd() && kept->value.IsObject()) return kept_submit_shape(kept->value);
    SubmitShape job;
    job.min_nodes = number_of(doc, "nodes");
    const int64_t time_limit_s = number_of(doc, "time_limit_s");
    if (time_limit_s > 0) job.time_limit_min = (time_limit_s + 59) / 60;
    const int64_t tasks = number_of(doc, "array_tasks");
    if (tasks > 1) job.array_inx = "0-" + std::to_string(tasks - 1);
    return job;
}

// The spooled "partitions", the budgeted ones the plugin found.
std::vector<std::string> partition_list(const std::string& text) {
    std::vector<std::string> items;
    for (std::string_view item : split_on(text)) {
        if (!item.empty()) items.emplace_back(item);
    }
    return items;
}

struct Replayed {
    HoldPlan plan;
    db::HoldRequest request;
    uint64_t generation = 0;
};

// Decides a spooled job's hold as the plugin would have with the database:
// core::plan_hold, on the partitions the plugin found budgeted. An error
// says why it cannot be sized: the line is then rejected, never placed as a
// hold of zero (that would let the job run unbudgeted with nothing said).
Expected<Replayed> plan_of(db::Session& session, const PassOptions& options,
                           const rapidjson::Document& doc, const HoldId& id,
                           int64_t hold_factor_ppm, int64_t now_s) {
    Replayed r;
    r.generation = db::read_ledger_generation(session);
    std::string partitions = text_of(doc, "partitions");
    if (partitions.empty()) partitions = text_of(doc, "partition");
    HoldAsk ask{text_of(doc, "account"), partitions, submit_shape_of(doc),
                hold_factor_ppm,         now_s,      {}};
    db::DbLedgerView view(session, options.slurm, options.cluster);
    r.plan = plan_hold(ask, partition_list(partitions), view);
    if (r.plan.outcome == PlanOutcome::kNoRate) {
        return make_error("partition '" + r.plan.detail + "' has no rate (asbb rates set)");
    }
    if (r.plan.outcome == PlanOutcome::kBadShape) return make_error(r.plan.detail);
    r.request = db::hold_request_for(r.plan, id,
                                     {options.cluster, ask.account, text_of(doc, "user"),
                                      static_cast<uint32_t>(number_of(doc, "uid")), "poller"},
                                     hold_factor_ppm, now_s);
    return r;
}

// Places one line's hold. Returns why the line was rejected (for the log),
// nothing when it was handled. A database error throws: the taken file
// stays, and the next pass replays it (placing is idempotent by hold id).
std::optional<std::string> replay_line(db::Session& session, const PassOptions& options,
                                       const std::string& line, int64_t line_number,
                                       int64_t hold_factor_ppm, int64_t now_s,
                                       ReplayReport& replay) {
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    auto id = doc.HasParseError() || !doc.IsObject() ? Expected<HoldId>(make_error("not JSON"))
                                                     : parse_hold_id(text_of(doc, "hold_id"));
    if (!id) {
        return "unsecured hold spool: line " + std::to_string(line_number) +
               " not placed: unreadable (" + id.error() + ")";
    }
    auto planned = plan_of(session, options, doc, *id, hold_factor_ppm, now_s);
    if (!planned) return "unsecured hold " + id->hex() + " not placed: " + planned.error();
    Replayed r = std::move(planned).value();
    if (r.plan.outcome != PlanOutcome::kHold) {
        // Not budgeted after all, an unknown account, or no period covering
        // now (no level to record a hold on).
        if (r.plan.outcome != PlanOutcome::kNoActivePeriod) ++replay.not_budgeted;
        return std::nullopt;
    }
    auto placed = db::place_planned_hold(session, r.request, r.plan.levels, r.generation);
    if (placed.outcome == db::HoldOutcome::kStale) {
        placed = db::place_hold(session, options.slurm, r.request);
    }
    if (placed.outcome == db::HoldOutcome::kInsufficient ||
        placed.outcome == db::HoldOutcome::kNoActivePeriod) {
        // The job runs anyway: record the hold with nothing held so its
        // runs are charged to the right levels.
        r.request.size.hold = Money{0};
        placed = db::place_hold(session, options.slurm, r.request);
        if (placed.outcome == db::HoldOutcome::kPlaced) ++replay.recorded_empty;
        return std::nullopt;
    }
    if (placed.outcome == db::HoldOutcome::kPlaced) ++replay.placed;
    if (placed.outcome == db::HoldOutcome::kNotBudgeted ||
        placed.outcome == db::HoldOutcome::kUnknownAccount) {
        ++replay.not_budgeted;
    }
    return std::nullopt;
}

// Appends the rejected lines, as they were, where an admin finds them.
bool keep_rejected(const std::string& path, const std::vector<std::string>& lines,
                   PassReport& report) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    bool ok = fd >= 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fdatasync(fd) == 0;
    const int saved = errno;
    if (fd >= 0) ::close(fd);
    if (!ok) report.problems.push_back("cannot write " + path + ": " + std::strerror(saved));
    return ok;
}

// Moves the replayed file to .done.<now_s> (.done.<now_s>.<n> when a pass
// in the same second kept one already), never over an older one.
bool archive(const std::string& taken, int64_t now_s, PassReport& report) {
    const std::string base = taken.substr(0, taken.rfind('.')) + ".done." + std::to_string(now_s);
    for (int n = 0; n < 1000; ++n) {
        const std::string name = n == 0 ? base : base + "." + std::to_string(n);
        if (::link(taken.c_str(), name.c_str()) == 0) {
            if (::unlink(taken.c_str()) == 0) return true;
            break;
        }
        if (errno != EEXIST) break;
    }
    report.problems.push_back("cannot keep " + taken + " as " + base + ": " + std::strerror(errno));
    return false;
}

// Replays the taken file; true when it is done with (archived).
bool replay_taken(db::Session& session, const PassOptions& options, const SpoolPaths& paths,
                  int64_t hold_factor_ppm, int64_t now_s, ReplayReport& replay,
                  PassReport& report) {
    std::ifstream file(paths.taken);
    if (!file) {
        report.problems.push_back("cannot read " + paths.taken + ": " + std::strerror(errno));
        return false;
    }
    std::vector<std::string> rejected;
    std::string line;
    for (int64_t number = 1; std::getline(file, line); ++number) {
        if (line.empty()) continue;
        auto why = replay_line(session, options, line, number, hold_factor_ppm, now_s, replay);
        if (!why) continue;
        report.problems.push_back(*why + "; line kept in " + paths.rejected);
        rejected.push_back(line);
    }
    replay.rejected += static_cast<int64_t>(rejected.size());
    // Archived even when .rejected cannot be written: the lines stay in the
    // .done file and in the log, and a stuck .processing file would stop
    // every later replay.
    if (!rejected.empty()) keep_rejected(paths.rejected, rejected, report);
    return archive(paths.taken, now_s, report);
}

// Takes the live file for replay, under its lock: no append is half done
// in it, and an appender that locks it afterwards finds it gone from the
// path and writes to a fresh file. link() then unlink() rather than
// rename(): it never replaces a .processing file that is already there.
bool take_live(const SpoolPaths& paths, PassReport& report) {
    int fd = ::open(paths.live.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT) {
            report.problems.push_back("cannot open " + paths.live + ": " + std::strerror(errno));
        }
        return false;
    }
    bool taken = false;
    auto locked = submit::lock_spool_before(fd, std::chrono::steady_clock::now() + kTakeTimeout);
    if (!locked) {
        report.problems.push_back("cannot lock " + paths.live + ": " + locked.error());
    } else if (!submit::is_file_at(fd, paths.live)) {
        // Another pass took it between our open and our lock.
    } else if (::link(paths.live.c_str(), paths.taken.c_str()) != 0) {
        report.problems.push_back("cannot take " + paths.live + ": " + std::strerror(errno));
    } else {
        taken = true;
        // Should this fail, the file is both live and taken; replaying it
        // again later places nothing twice.
        if (::unlink(paths.live.c_str()) != 0) {
            report.problems.push_back("cannot remove " + paths.live + ": " + std::strerror(errno));
        }
    }
    ::close(fd);  // lets the appenders go
    return taken;
}

}  // namespace

ReplayReport replay_unsecured_holds(db::Session& session, const PassOptions& options,
                                    const std::string& spool_dir, int64_t hold_factor_ppm,
                                    int64_t now_s, PassReport& report) {
    ReplayReport replay;
    const SpoolPaths paths = paths_in(spool_dir);
    std::error_code error;
    // A file left by a pass that died goes first (its lines already in the
    // ledger are found under their hold ids and place nothing twice).
    if (fs::exists(paths.taken, error) &&
        !replay_taken(session, options, paths, hold_factor_ppm, now_s, replay, report)) {
        return replay;
    }
    if (take_live(paths, report)) {
        replay_taken(session, options, paths, hold_factor_ppm, now_s, replay, report);
    }
    return replay;
}

}  // namespace asbb::poller
