// POST /api/v1/budget/check and /budget/reconcile (the original asbb's
// BudgetCheckRequest/Response and JobReconcileRequest/Response), and the
// burst advisor's /api/v1/asba/budget-status and /affordability-check.
// The figures come from report::estimate_job and the ledger; nothing here
// computes money on its own except the advisor's percentages.
#include <charconv>

#include "core/budget_health.hpp"
#include "core/hold_id.hpp"
#include "core/names.hpp"
#include "db/budgets.hpp"
#include "db/job_context.hpp"
#include "db/ledger_view.hpp"
#include "db/reconcile.hpp"
#include "report/job_estimate.hpp"
#include "service/handler.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::service {

namespace {

// The account's budget that covers now, for the advisor's figures.
db::Budget current_budget(Call& call, const std::string& account) {
    auto budget = db::find_budget(*call.session, account, std::nullopt, call.now_s);
    if (!budget) api_error(404, "account " + account + " has no budget");
    return *budget;
}

}  // namespace

HttpResponse budget_check(Call& call) {
    const JsonValue body = call.body_object();
    refuse_unknown_fields(
        body, {"account", "partition", "nodes", "cpus", "gpus", "memory", "wall_time", "job_script",
               "user_id", "job_details", "hold", "cluster"});
    const JsonFields fields(body);
    report::EstimateInput input;
    input.account = account_param(fields.required_text("account", 64));
    input.partition = fields.required_text("partition", 64);
    input.nodes = fields.integer("nodes", 1, 1'000'000).value_or(1);
    input.cpus = fields.integer("cpus", 1, 100'000'000).value_or(1);
    input.gpus = fields.integer("gpus", 0, 1'000'000).value_or(0);
    input.memory = fields.text("memory", 64).value_or("");
    input.wall_time = fields.text("wall_time", 64).value_or("");
    input.job_script = fields.text("job_script", 64 * 1024).value_or("");
    for (auto& [key, value] : fields.string_map("job_details")) input.metadata[key] = value;
    input.cluster = fields.text("cluster", 64).value_or("");
    if (!input.cluster.empty()) {
        auto cluster = normalize_cluster_name(input.cluster);
        if (!cluster) bad_request("cluster: " + cluster.error());
        input.cluster = *cluster;
    }
    input.place_hold = fields.boolean("hold").value_or(false);
    // Asking is reading the account; holding money is managing it (a user's
    // own holds come from sbatch through the plugin).
    call.require(input.place_hold ? Access::kManage : Access::kRead, input.account, input.cluster);
    // A token's name (a valid user name) stands for the user a token's
    // check is made for when it names none.
    input.user_name =
        fields.text("user_id", 64)
            .value_or(call.principal.token.empty() ? call.principal.user : call.principal.token);
    if (!validate_user_name(input.user_name)) bad_request("user_id: not a user name");
    input.actor = call.principal.user;
    input.now_s = call.now_s;

    auto estimate = report::estimate_job(*call.session, call.config(), call.state.advisor, input);
    if (!estimate) bad_request(estimate.error());
    if (!estimate->hold_id.empty()) call.state.metrics.count_hold();
    auto budget = db::find_budget(*call.session, estimate->account, std::nullopt, call.now_s);

    JsonOut json;
    json.w().StartObject();
    json.flag("available", estimate->fits());
    json.money("estimated_cost", estimate->estimate);
    json.money("hold_amount", estimate->hold);
    if (!estimate->hold_id.empty()) json.text("transaction_id", estimate->hold_id);
    json.text("message", estimate->message);
    json.money("budget_remaining", budget ? budget->available() : Money{0});
    if (!estimate->recommendation.empty()) json.text("recommendation", estimate->recommendation);
    json.text("estimate_source", estimate->source);
    if (!estimate->advisor_error.empty()) json.text("advisor_error", estimate->advisor_error);
    json.flag("budgeted", estimate->budgeted);
    json.key("details");
    json.w().StartObject();
    json.money("account_balance", budget ? budget->available() : Money{0});
    json.money("current_hold", budget ? budget->held : Money{0});
    json.ppm("hold_percentage", estimate->hold_factor_ppm);
    if (estimate->source == "advisor")
        json.ppm("advisor_confidence", estimate->advisor_confidence_ppm);
    json.w().EndObject();
    json.w().EndObject();
    return json_response(200, json.str());
}

HttpResponse budget_reconcile(Call& call) {
    const JsonValue body = call.body_object();
    refuse_unknown_fields(body, {"job_id", "actual_cost", "transaction_id", "job_metadata"});
    const JsonFields fields(body);
    const auto parsed_id = parse_hold_id(fields.required_text("transaction_id", 64));
    if (!parsed_id) bad_request("transaction_id: not an asbb hold id");
    const std::string hold_id = parsed_id->hex();
    auto actual = fields.money("actual_cost");
    if (!actual) bad_request("actual_cost: required");
    std::optional<int64_t> job_id;
    if (const JsonValue* v = body.find("job_id"); v != nullptr) {
        int64_t value = 0;
        auto [ptr, ec] = std::from_chars(v->text.data(), v->text.data() + v->text.size(), value);
        if ((v->kind != JsonValue::Kind::kNumber && v->kind != JsonValue::Kind::kString) ||
            ec != std::errc() || ptr != v->text.data() + v->text.size() || value < 1 ||
            value > 4'294'967'293) {
            bad_request("job_id: not a SLURM job id");
        }
        job_id = value;
    }
    fields.text("job_metadata", 16 * 1024);  // accepted for compatibility, not stored

    auto view = db::load_hold_view(*call.session, hold_id);
    if (!view) {
        // Only someone who may see every account learns whether a hold exists.
        if (!call.principal.superuser()) api_error(403, "may not reconcile hold " + hold_id);
        api_error(404, "no hold " + hold_id);
    }
    call.require(Access::kManage, view->account, view->cluster);

    db::ChargeRequest request;
    request.hold_id = hold_id;
    request.actual = *actual;
    request.cluster = view->cluster;
    request.job_id = job_id ? job_id : view->job_id;
    request.final_charge = true;
    request.reason = "reconciled through the service by " + call.principal.user;
    request.actor = call.principal.user;
    request.now_s = call.now_s;
    auto& session = *call.session;
    auto charged =
        db::in_transaction(session, [&] { return db::charge_open_hold(session, request); });
    if (!charged) api_error(409, "hold " + hold_id + " is closed already (" + view->state + ")");

    JsonOut json;
    json.w().StartObject();
    json.flag("success", true);
    json.money("original_hold", view->amount);
    json.money("actual_charge", charged->charged);
    json.money("refund_amount", charged->released);
    json.money("overrun", charged->overrun);
    json.text("transaction_id", hold_id);
    json.text("message", "charged " + format_money_dollars(charged->charged) + ", released " +
                             format_money_dollars(charged->released));
    json.w().EndObject();
    return json_response(200, json.str());
}

namespace {

struct AsbaFigures {
    std::string account;
    db::Budget budget;
    BudgetHealth health;
    std::optional<Money> estimated_cost;
    Money hold;
    bool fits = true;
};

AsbaFigures asba_figures(Call& call, bool cost_required) {
    const JsonValue body = call.body_object();
    // What the advisor's client and the original asbb's BudgetStatusQuery send.
    refuse_unknown_fields(body,
                          {"account", "estimated_cost", "grant_number", "project_code", "user_id"});
    const JsonFields fields(body);
    for (const char* key : {"grant_number", "project_code", "user_id"}) fields.text(key, 64);
    AsbaFigures f;
    f.account = account_param(fields.required_text("account", 64));
    f.estimated_cost = fields.money("estimated_cost");
    if (cost_required && !f.estimated_cost) bad_request("estimated_cost: required");
    call.require(Access::kRead, f.account);
    f.budget = current_budget(call, f.account);
    f.health = budget_health({f.budget.allocated, f.budget.spent, f.budget.held,
                              f.budget.period_start, f.budget.period_end},
                             call.now_s);
    if (f.estimated_cost) {
        // Affordable means: the plugin would accept a job of this cost now,
        // at every level up the tree (its hold is cost x HoldFactor).
        auto hold =
            mul_div_round_half_up(f.estimated_cost->micro, call.config().hold_factor_ppm, 1, kPpm);
        if (!hold) bad_request("estimated_cost: too large");
        f.hold = Money{*hold};
        // The same levels a job's hold would go on (core::plan_levels),
        // without a partition: the advisor asks about money, not a partition.
        const std::string cluster =
            f.budget.cluster.empty() ? call.config().cluster_name : f.budget.cluster;
        db::DbLedgerView view(*call.session, call.slurm(), cluster);
        const HoldPlan plan = plan_levels(f.account, "", call.now_s, view);
        const auto verdict =
            plan.outcome == PlanOutcome::kHold
                ? db::check_levels(*call.session, plan.levels, f.hold, "", call.now_s)
                : db::plan_verdict(plan);
        f.fits = verdict.outcome == db::HoldOutcome::kPlaced ||
                 verdict.outcome == db::HoldOutcome::kNotBudgeted;
    } else {
        f.fits = f.budget.available().micro > 0;
    }
    return f;
}

}  // namespace

HttpResponse asba_budget_status(Call& call) {
    const AsbaFigures f = asba_figures(call, false);
    JsonOut json;
    json.w().StartObject();
    json.text("account", f.account);
    json.money("budget_limit", f.budget.allocated);
    json.money("budget_used", f.budget.spent);
    json.money("budget_held", f.budget.held);
    json.money("budget_available", f.budget.available());
    json.money("burn_rate", f.health.burn_rate_per_day);
    json.number("burn_rate_variance", 0);
    json.number("health_score", f.health.health_score);
    json.text("risk_level", f.health.risk_level);
    json.number("grant_days_remaining", f.health.days_remaining);
    json.text("decision", burst_decision(f.fits, f.health.health_score));
    json.flag("can_afford_aws", f.fits);
    // The advisor decodes it as a Go time.Time: RFC 3339, with its zone.
    json.text("last_updated", format_rfc3339_utc(call.now_s));
    json.w().EndObject();
    return json_response(200, json.str());
}

HttpResponse asba_affordability_check(Call& call) {
    const AsbaFigures f = asba_figures(call, true);
    const std::string decision = burst_decision(f.fits, f.health.health_score);
    const Money available = f.budget.available();
    const Money after{available.micro - f.hold.micro};
    JsonOut json;
    json.w().StartObject();
    json.text("account", f.account);
    json.flag("affordable", f.fits);
    json.flag("can_afford_aws", f.fits);
    json.text("recommended_decision", decision);
    json.text("decision", decision);
    json.number("health_score", f.health.health_score);
    json.money("estimated_cost", *f.estimated_cost);
    json.money("hold_amount", f.hold);
    json.key("budget_impact");
    json.w().StartObject();
    json.key("cost_as_percent_of_budget");
    const std::string of_budget = percent_hundredths_text(*f.estimated_cost, f.budget.allocated);
    json.w().RawValue(of_budget.c_str(), of_budget.size(), rapidjson::kNumberType);
    json.key("cost_as_percent_of_remaining");
    const std::string of_left = percent_hundredths_text(*f.estimated_cost, available);
    json.w().RawValue(of_left.c_str(), of_left.size(), rapidjson::kNumberType);
    json.money("opportunity_cost", *f.estimated_cost);
    json.money("budget_after_cost", after);
    json.w().EndObject();
    json.key("risk_assessment");
    json.w().StartObject();
    json.text("budget_risk", f.fits ? f.health.risk_level : "high");
    json.text("deadline_risk", f.health.days_remaining < 7 ? "high" : "low");
    json.text("overall_risk", f.fits ? f.health.risk_level : "high");
    json.key("risk_factors");
    json.w().StartArray();
    if (!f.fits) json.w().String("the hold for this cost does not fit the budget");
    json.w().EndArray();
    json.w().EndObject();
    json.key("alternative_options");
    json.w().StartArray();
    json.w().EndArray();
    json.ppm("confidence_level", kMicroPerUnit);
    json.w().EndObject();
    return json_response(200, json.str());
}

}  // namespace asbb::service
