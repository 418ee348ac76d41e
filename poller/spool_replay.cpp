#include "spool_replay.hpp"

#include <rapidjson/document.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/hold_id.hpp"
#include "core/hold_sizing.hpp"
#include "db/ledger.hpp"
#include "db/rates.hpp"

namespace asbb::poller {

namespace {

namespace fs = std::filesystem;

std::string text_of(const rapidjson::Document& doc, const char* key) {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int64_t number_of(const rapidjson::Document& doc, const char* key) {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

void replay_line(db::Session& session, const PassOptions& options, const std::string& line,
                 int64_t hold_factor_ppm, int64_t now_s, ReplayReport& replay, PassReport& report) {
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    auto id = doc.HasParseError() || !doc.IsObject() ? Expected<HoldId>(make_error("bad line"))
                                                     : parse_hold_id(text_of(doc, "hold_id"));
    if (!id) {
        report.problems.push_back("unsecured hold spool: unreadable line skipped");
        return;
    }
    db::HoldRequest request;
    request.id = *id;
    request.cluster = options.cluster;
    request.account = text_of(doc, "account");
    request.partition = text_of(doc, "partition");
    request.user_name = text_of(doc, "user");
    request.uid = static_cast<uint32_t>(number_of(doc, "uid"));
    request.now_s = now_s;
    request.actor = "poller";
    request.hold_factor_ppm = hold_factor_ppm;
    auto rate = db::find_rate(session, options.cluster, request.partition);
    request.node_hour_price = rate ? rate->node_hour_price : Money{0};
    request.shape.nodes = std::max<int64_t>(number_of(doc, "nodes"), 1);
    request.shape.array_tasks = std::max<int64_t>(number_of(doc, "array_tasks"), 1);
    request.shape.time_limit_s = number_of(doc, "time_limit_s");
    if (request.shape.time_limit_s <= 0 && rate && rate->default_time_limit_s) {
        request.shape.time_limit_s = *rate->default_time_limit_s;
    }
    request.shape.time_limit_s = std::max<int64_t>(request.shape.time_limit_s, 1);
    auto size = size_hold(request.shape, request.node_hour_price, hold_factor_ppm);
    request.size = size ? *size : HoldSize{};

    auto placed = db::place_hold(session, options.slurm, request);
    if (placed.outcome == db::HoldOutcome::kInsufficient ||
        placed.outcome == db::HoldOutcome::kNoActivePeriod) {
        // The job runs anyway: record the hold with nothing held so its
        // runs are charged to the right levels.
        request.size.hold = Money{0};
        placed = db::place_hold(session, options.slurm, request);
        if (placed.outcome == db::HoldOutcome::kPlaced) ++replay.recorded_empty;
        return;
    }
    if (placed.outcome == db::HoldOutcome::kPlaced) ++replay.placed;
    if (placed.outcome == db::HoldOutcome::kNotBudgeted ||
        placed.outcome == db::HoldOutcome::kUnknownAccount) {
        ++replay.not_budgeted;
    }
}

}  // namespace

ReplayReport replay_unsecured_holds(db::Session& session, const PassOptions& options,
                                    const std::string& spool_dir, int64_t hold_factor_ppm,
                                    int64_t now_s, PassReport& report) {
    ReplayReport replay;
    const fs::path live = fs::path(spool_dir) / "unsecured-holds.jsonl";
    const fs::path taken = fs::path(spool_dir) / "unsecured-holds.jsonl.processing";
    std::error_code error;
    if (!fs::exists(taken, error)) {
        if (!fs::exists(live, error)) return replay;
        fs::rename(live, taken, error);
        if (error) {
            report.problems.push_back("cannot take " + live.string() + ": " + error.message());
            return replay;
        }
    }
    std::ifstream file(taken);
    std::string line;
    while (std::getline(file, line)) {
        if (!line.empty())
            replay_line(session, options, line, hold_factor_ppm, now_s, replay, report);
    }
    fs::rename(taken, fs::path(spool_dir) / ("unsecured-holds.jsonl.done." + std::to_string(now_s)),
               error);
    if (error) report.problems.push_back("cannot keep " + taken.string() + ": " + error.message());
    return replay;
}

}  // namespace asbb::poller
