// GET|POST /api/v1/accounts, GET|PUT|DELETE /api/v1/accounts/{account}: the
// budgets of SLURM accounts, with the original asbb's field names (money as
// exact decimal numbers). Reads need read access to the account, writes
// manage access; a refused write changes nothing.
#include "core/names.hpp"
#include "db/budgets.hpp"
#include "service/handler.hpp"
#include "util/local_time.hpp"

namespace asbb::service {

namespace {

void write_budget(JsonOut& json, const db::Budget& b,
                  const std::vector<db::PartitionLimit>* limits) {
    json.w().StartObject();
    json.number("id", b.id);
    json.text("slurm_account", b.account);
    json.text("name", b.account);
    json.text("description", b.description);
    json.text("cluster", b.cluster.empty() ? "all" : b.cluster);
    json.money("budget_limit", b.allocated);
    json.money("budget_used", b.spent);
    json.money("budget_held", b.held);
    json.money("budget_available", b.available());
    json.text("start_date", format_local_datetime(b.period_start));
    json.text("end_date", format_local_datetime(b.period_end));
    json.text("status", b.status);
    json.number("open_holds", b.open_holds);
    if (limits != nullptr) {
        json.key("partition_limits");
        json.w().StartArray();
        for (const auto& l : *limits) {
            json.w().StartObject();
            json.text("partition", l.partition);
            json.money("limit", l.limit);
            json.money("used", l.spent);
            json.money("held", l.held);
            json.money("available", l.available());
            json.w().EndObject();
        }
        json.w().EndArray();
    }
    json.w().EndObject();
}

std::optional<std::string> cluster_query(Call& call) {
    auto value = call.query("cluster");
    if (!value) return std::nullopt;
    if (*value == "all") return std::string();
    auto cluster = normalize_cluster_name(*value);
    if (!cluster) bad_request("cluster: " + cluster.error());
    return *cluster;
}

int64_t date_field(const JsonFields& fields, const std::string& key, int64_t now_s, DateEdge edge) {
    auto text = fields.text(key, 64);
    if (!text) return -1;
    auto instant = parse_cli_instant(*text, now_s, edge);
    if (!instant) bad_request(key + ": " + instant.error());
    return *instant;
}

db::Budget target_budget(Call& call, const std::string& account) {
    auto budget = db::find_budget(*call.session, account, cluster_query(call), call.now_s);
    if (!budget) api_error(404, "account " + account + " has no budget");
    return *budget;
}

}  // namespace

HttpResponse list_accounts(Call& call) {
    auto budgets = db::list_budgets(*call.session, std::nullopt);
    JsonOut json;
    json.w().StartObject();
    json.key("accounts");
    json.w().StartArray();
    int64_t count = 0;
    for (const auto& b : budgets) {
        if (!call.may(Access::kRead, b.account, b.cluster)) continue;
        write_budget(json, b, nullptr);
        ++count;
    }
    json.w().EndArray();
    json.number("total_count", count);
    json.w().EndObject();
    return json_response(200, json.str());
}

HttpResponse show_account(Call& call) {
    const std::string account = account_param(call.params.at(0));
    call.require(Access::kRead, account);
    const db::Budget budget = target_budget(call, account);
    const auto limits = db::list_limits(*call.session, budget.id);
    JsonOut json;
    write_budget(json, budget, &limits);
    return json_response(200, json.str());
}

HttpResponse create_account(Call& call) {
    const JsonValue body = call.body_object();
    refuse_unknown_fields(body, {"slurm_account", "name", "description", "budget_limit",
                                 "start_date", "end_date", "cluster"});
    const JsonFields fields(body);
    auto slurm_account = fields.text("slurm_account", 64);
    if (!slurm_account) slurm_account = fields.required_text("name", 64);
    const std::string account = account_param(*slurm_account);
    call.require(Access::kManage, account);

    db::NewBudget budget;
    budget.account = account;
    if (auto cluster = fields.text("cluster", 64); cluster && *cluster != "all") {
        auto normalized = normalize_cluster_name(*cluster);
        if (!normalized) bad_request("cluster: " + normalized.error());
        budget.cluster = *normalized;
    }
    auto limit = fields.money("budget_limit");
    if (!limit) bad_request("budget_limit: required");
    budget.allocation = *limit;
    budget.period_start = date_field(fields, "start_date", call.now_s, DateEdge::kStartOfDay);
    budget.period_end = date_field(fields, "end_date", call.now_s, DateEdge::kEndOfDay);
    if (budget.period_start < 0) bad_request("start_date: required");
    if (budget.period_end < 0) bad_request("end_date: required");
    if (budget.period_end <= budget.period_start) bad_request("end_date: before start_date");
    if (auto description = fields.text("description", 255)) {
        auto valid = validate_free_text(*description);
        if (!valid) bad_request("description: " + valid.error());
        budget.description = *valid;
    }
    budget.actor = call.principal.user;
    budget.now_s = call.now_s;
    auto id = db::create_budget(*call.session, call.slurm(), budget);
    if (!id) api_error(409, id.error());
    auto created = db::list_budgets(*call.session, account);
    for (const auto& b : created) {
        if (b.id == *id) {
            JsonOut json;
            write_budget(json, b, nullptr);
            return json_response(201, json.str());
        }
    }
    api_error(500, "created budget vanished");
}

HttpResponse update_account(Call& call) {
    const std::string account = account_param(call.params.at(0));
    call.require(Access::kManage, account);
    const JsonValue body = call.body_object();
    refuse_unknown_fields(body, {"name", "description", "budget_limit", "start_date", "end_date"});
    const JsonFields fields(body);
    db::BudgetChange change;
    change.allocation = fields.money("budget_limit");
    if (int64_t s = date_field(fields, "start_date", call.now_s, DateEdge::kStartOfDay); s >= 0) {
        change.period_start = s;
    }
    if (int64_t e = date_field(fields, "end_date", call.now_s, DateEdge::kEndOfDay); e >= 0) {
        change.period_end = e;
    }
    if (auto description = fields.text("description", 255)) {
        auto valid = validate_free_text(*description);
        if (!valid) bad_request("description: " + valid.error());
        change.description = *valid;
    }
    if (!change.allocation && !change.period_start && !change.period_end && !change.description) {
        bad_request("nothing to change: give budget_limit, start_date, end_date or description");
    }
    change.actor = call.principal.user;
    change.now_s = call.now_s;
    const db::Budget budget = target_budget(call, account);
    auto done = db::update_budget(*call.session, call.slurm(), budget.id, change);
    if (!done) api_error(409, done.error());
    const auto limits = db::list_limits(*call.session, budget.id);
    for (const auto& b : db::list_budgets(*call.session, account)) {
        if (b.id == budget.id) {
            JsonOut json;
            write_budget(json, b, &limits);
            return json_response(200, json.str());
        }
    }
    api_error(500, "updated budget vanished");
}

HttpResponse delete_account(Call& call) {
    const std::string account = account_param(call.params.at(0));
    call.require(Access::kManage, account);
    const auto force = call.query("force");
    if (force && *force != "true" && *force != "false") bad_request("force: must be true or false");
    const db::Budget budget = target_budget(call, account);
    auto done = db::delete_budget(*call.session, budget.id, force && *force == "true",
                                  call.principal.user, call.now_s);
    if (!done) api_error(409, done.error());
    JsonOut json;
    json.w().StartObject();
    json.flag("success", true).number("id", budget.id).text("slurm_account", account);
    json.w().EndObject();
    return json_response(200, json.str());
}

}  // namespace asbb::service
