#include "report/job_context_json.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "core/hold_sizing.hpp"
#include "core/job_context.hpp"
#include "slurm/live_job.hpp"
#include "util/local_time.hpp"

namespace asbb::report {

namespace {

class JsonOut {
  public:
    JsonOut() : writer_(buffer_) { writer_.SetIndent(' ', 2); }
    rapidjson::PrettyWriter<rapidjson::StringBuffer>& w() { return writer_; }
    void key(const std::string& name) { writer_.Key(name.c_str(), size(name)); }
    void text(const std::string& name, const std::string& value) {
        key(name);
        writer_.String(value.c_str(), size(value));
    }
    void money(const std::string& name, Money value) { text(name, format_money_exact(value)); }
    void number(const std::string& name, int64_t value) {
        key(name);
        writer_.Int64(value);
    }
    std::string str() const { return buffer_.GetString(); }

  private:
    static rapidjson::SizeType size(const std::string& s) {
        return static_cast<rapidjson::SizeType>(s.size());
    }
    rapidjson::StringBuffer buffer_;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer_;
};

void write_levels(JsonOut& json, const db::HoldView& hold) {
    json.key("levels");
    json.w().StartArray();
    for (const db::LevelView& level : hold.levels) {
        json.w().StartObject();
        json.text("kind", level_kind_name(level.kind));
        json.text("account", level.account);
        if (level.kind == LevelKind::kPartitionLimit) {
            json.text("partition", level.partition);
            json.money("limit", level.allocated);
        } else {
            json.money("allocated", level.allocated);
        }
        json.money("spent", level.spent);
        json.money("held", level.held);
        json.money("available", level.available());
        json.text("period_start", format_local_datetime(level.period_start));
        json.text("period_end", format_local_datetime(level.period_end));
        json.number("period_end_epoch", level.period_end);
        json.w().EndObject();
    }
    json.w().EndArray();
}

}  // namespace

std::string render_job_context(const db::HoldView& hold, int64_t job_id, int64_t now_s) {
    std::vector<LevelBalance> balances;
    std::optional<Money> partition_left;
    std::optional<int64_t> period_end;
    for (const db::LevelView& level : hold.levels) {
        balances.push_back({level.available()});
        if (level.kind == LevelKind::kPartitionLimit) {
            if (!partition_left || level.available() < *partition_left) {
                partition_left = level.available();
            }
        } else if (!period_end || level.period_end < *period_end) {
            period_end = level.period_end;
        }
    }
    const SpendCeiling ceiling = spend_ceiling(hold.held, balances);

    JsonOut json;
    json.w().StartObject();
    json.text("schema", "asbb.job-context/1");
    json.number("job_id", job_id);
    json.text("cluster", hold.cluster);
    json.text("account", hold.account);
    json.text("partition", hold.partition);
    json.text("user", hold.user_name);
    json.text("generated_at", format_local_datetime(now_s));

    json.key("hold");
    json.w().StartObject();
    json.text("id", hold.id);
    json.text("state", hold.state);
    json.money("estimate", hold.estimate);
    json.money("amount", hold.amount);
    json.money("held", hold.held);
    json.money("charged", hold.charged);
    json.text("hold_factor", format_hold_factor(hold.hold_factor_ppm));
    json.key("price_lock");
    json.w().StartObject();
    json.money("node_hour", hold.node_hour_price);
    json.number("nodes", hold.nodes);
    json.number("time_limit_s", hold.time_limit_s);
    json.number("array_tasks", hold.array_tasks);
    json.w().EndObject();
    json.text("created_at", format_local_datetime(hold.created_at));
    json.w().EndObject();

    write_levels(json, hold);
    json.key("available");
    if (ceiling.tightest_level) {
        json.w().String(format_money_exact(*ceiling.tightest_level).c_str());
    } else {
        json.w().Null();
    }
    json.key("partition_limit_left");
    if (partition_left) {
        json.w().String(format_money_exact(*partition_left).c_str());
    } else {
        json.w().Null();
    }
    json.key("period_end");
    if (period_end) {
        json.w().String(format_local_datetime(*period_end).c_str());
    } else {
        json.w().Null();
    }
    json.money("max_total_cost", ceiling.max_total);

    // The blocks of aws-slurm-burst's execution plan that asbb fills, in that
    // project's own shape (dollars as a JSON number: written from the exact
    // decimal text, never through a float).
    json.key("cost_constraints");
    json.w().StartObject();
    json.key("max_total_cost");
    const std::string dollars = format_money_exact(ceiling.max_total);
    json.w().RawValue(dollars.c_str(), dollars.size(), rapidjson::kNumberType);
    json.w().EndObject();
    json.key("execution_metadata");
    json.w().StartObject();
    json.text("job_id", std::to_string(job_id));
    json.text("user_id", hold.user_name);
    json.text("project_id", hold.account);
    json.key("tags");
    json.w().StartObject();
    json.text("asbb:hold", hold.id);
    json.text("asbb:account", hold.account);
    json.text("asbb:cluster", hold.cluster);
    json.w().EndObject();
    json.w().EndObject();

    json.w().EndObject();
    return json.str() + "\n";
}

Expected<JobHold> find_job_hold(db::Session& session, const std::string& cluster,
                                const std::string& local_cluster, int64_t job_id) {
    const auto linked = db::hold_id_for_job(session, cluster, job_id);
    const std::string job = "job " + std::to_string(job_id);
    if (cluster != local_cluster) {
        if (linked) return JobHold{*linked};
        return make_error(job + " has no hold linked to it on cluster " + cluster);
    }
    // The tag of the job slurmctld runs under this id wins over a linked
    // hold: after slurmctld lost jobs in a crash it reuses their ids, and
    // until the poller releases the old job's hold both are linked to it.
    auto live = slurm::load_live_job(job_id);
    if (live && *live) {
        const slurm::LiveJobInfo& info = **live;
        const std::string tagged = hold_id_in_comment(info.admin_comment);
        if (!tagged.empty()) {
            return JobHold{db::current_hold_id(session, tagged),
                           info.admin_comment.find("asbb:unsecured") != std::string::npos};
        }
        if (linked) return JobHold{*linked};  // an admin may have rewritten AdminComment
        return make_error(job + " has no asbb hold (partition " + info.partition +
                          " is not budgeted, or the job was submitted without the plugin)");
    }
    if (linked) return JobHold{*linked};  // slurmctld gone, or the job ended long ago
    if (!live) return make_error(job + " has no hold linked to it yet, and " + live.error());
    return make_error(job + " is unknown to asbb and to slurmctld on cluster " + cluster);
}

Expected<db::HoldView> load_job_hold_view(db::Session& session, const JobHold& hold,
                                          int64_t job_id) {
    auto view = db::load_hold_view(session, hold.id);
    if (!view) {
        return make_error("job " + std::to_string(job_id) + " names hold " + hold.id +
                          (hold.unsecured ? ", spooled while the database was unavailable and not "
                                            "placed yet (the poller places it)"
                                          : ", which asbb does not have"));
    }
    return std::move(*view);
}

}  // namespace asbb::report
