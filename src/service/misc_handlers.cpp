// GET /health, /version, /metrics (no credential needed), GET
// /api/v1/transactions (the journal) and GET
// /api/v1/integration/budget-context/{job_id} (the job-context JSON that
// `asbb job-context` prints, from the same code).
#include <algorithm>
#include <charconv>
#include <sstream>

#include "core/job_id.hpp"
#include "core/names.hpp"
#include "db/journal_list.hpp"
#include "report/job_context_json.hpp"
#include "service/handler.hpp"
#include "util/local_time.hpp"

namespace asbb::service {

namespace {

int64_t int_query(Call& call, const std::string& name, int64_t fallback, int64_t lo, int64_t hi) {
    auto text = call.query(name);
    if (!text) return fallback;
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || ptr != text->data() + text->size() || value < lo || value > hi) {
        bad_request(name + ": must be a whole number from " + std::to_string(lo) + " to " +
                    std::to_string(hi));
    }
    return value;
}

}  // namespace

HttpResponse get_health(Call&) {
    return json_response(200, "{\"status\":\"ok\"}");
}

HttpResponse get_version(Call&) {
    return json_response(200,
                         std::string("{\"name\":\"asbb\",\"version\":\"") + ASBB_VERSION + "\"}");
}

HttpResponse get_metrics(Call& call) {
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4";
    response.body = call.state.metrics.render();
    return response;
}

HttpResponse list_transactions(Call& call) {
    db::JournalFilter filter;
    if (auto account = call.query("account")) {
        filter.account = account_param(*account);
        call.require(Access::kRead, *filter.account);
    } else if (!call.principal.superuser()) {
        api_error(403, "only administrators may list every account's transactions: give ?account=");
    }
    if (call.query("job_id")) filter.job_id = int_query(call, "job_id", 0, 1, 4'294'967'293);
    if (auto kind = call.query("type")) {
        const auto& kinds = db::journal_kinds();
        if (std::find(kinds.begin(), kinds.end(), *kind) == kinds.end()) {
            std::string known;
            for (const auto& k : kinds) known += (known.empty() ? "" : ", ") + k;
            bad_request("type: one of " + known);
        }
        filter.kind = *kind;
    }
    filter.limit = int_query(call, "limit", 100, 1, 1000);
    filter.offset = int_query(call, "offset", 0, 0, 1'000'000'000);
    const auto rows = db::list_journal(*call.session, filter);
    JsonOut json;
    json.w().StartObject();
    json.key("transactions");
    json.w().StartArray();
    for (const auto& r : rows) {
        json.w().StartObject();
        json.number("id", r.id);
        json.text("account", r.account);
        json.number("account_id", r.budget_id);
        json.text("type", r.kind);
        json.money("amount", r.amount);
        if (!r.hold_id.empty()) json.text("transaction_id", r.hold_id);
        if (r.job_id) json.text("job_id", std::to_string(*r.job_id));
        if (!r.partition.empty()) json.text("partition", r.partition);
        if (!r.user_name.empty()) json.text("user", r.user_name);
        json.text("actor", r.actor);
        json.text("description", r.reason);
        json.text("status", "completed");
        json.text("created_at", format_local_datetime(r.created_at));
        json.w().EndObject();
    }
    json.w().EndArray();
    json.number("count", static_cast<int64_t>(rows.size()));
    json.w().EndObject();
    return json_response(200, json.str());
}

HttpResponse budget_context(Call& call) {
    const auto job_id = parse_slurm_job_id(call.params.at(0), ArrayTask::kAccepted);
    if (!job_id) bad_request("job_id: " + job_id.error());
    std::string cluster = call.config().cluster_name;
    if (auto value = call.query("cluster")) {
        auto normalized = normalize_cluster_name(*value);
        if (!normalized) bad_request("cluster: " + normalized.error());
        cluster = *normalized;
    }
    if (cluster.empty()) bad_request("cluster: required (ClusterName is not set)");
    auto found = report::find_job_hold(*call.session, cluster, call.config().cluster_name, *job_id);
    if (!found) {
        if (!call.principal.superuser()) api_error(403, "may not read job " + call.params.at(0));
        api_error(404, found.error());
    }
    auto view = report::load_job_hold_view(*call.session, *found, *job_id);
    if (!view) {
        if (!call.principal.superuser()) api_error(403, "may not read job " + call.params.at(0));
        api_error(404, view.error());
    }
    call.require(Access::kRead, view->account, view->cluster);
    return json_response(200, report::render_job_context(*view, *job_id, call.now_s));
}

HttpResponse run_cli_verb(Call& call) {
    if (!call.state.cli) api_error(404, "the CLI is not served here");
    const JsonValue body = call.body_object();
    const JsonValue* args = body.find("args");
    if (args == nullptr || args->kind != JsonValue::Kind::kArray || body.members.size() != 1) {
        bad_request("body: must be {\"args\": [strings]}");
    }
    if (args->items.size() > 64) bad_request("args: more than 64");
    std::vector<std::string> argv;
    for (const auto& item : args->items) {
        if (item.kind != JsonValue::Kind::kString) bad_request("args: must be strings");
        if (item.text.size() > 4096) bad_request("args: an argument is longer than 4096 bytes");
        argv.push_back(item.text);
    }
    std::ostringstream out;
    std::ostringstream err;
    const int status = call.state.cli(call.principal, call.config(), *call.session, argv, out, err);
    JsonOut json;
    json.w().StartObject();
    json.number("status", status).text("stdout", out.str()).text("stderr", err.str());
    json.w().EndObject();
    return json_response(200, json.str());
}

}  // namespace asbb::service
