#include "submit/engine.hpp"

#include <algorithm>
#include <cctype>

#include "core/hold_plan.hpp"
#include "core/hold_sizing.hpp"
#include "core/names.hpp"
#include "db/connect.hpp"
#include "db/ledger.hpp"
#include "db/ledger_view.hpp"
#include "db/mariadb_session.hpp"
#include "db/migrate.hpp"
#include "submit/ledger_cache.hpp"
#include "submit/refusal.hpp"
#include "submit/session_pool.hpp"
#include "submit/shadow.hpp"
#include "submit/spool.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::submit {

namespace {

using Verdict = SubmitDecision::Verdict;

SubmitDecision reject(std::string message, std::string log = "") {
    return {Verdict::kReject, std::move(message), "", std::move(log)};
}

ModifyDecision refuse(std::string message, std::string log) {
    return {false, std::move(message), std::move(log)};
}

// A new account means new levels: place a new hold there (it must fit),
// then give the old one back.
ModifyDecision move_to_account(db::Session& db, const Config& c, const ModifyInput& input,
                               const db::OpenHoldInfo& hold, const JobShape& shape,
                               const std::string& account, int64_t now_s) {
    const std::string job = "job " + std::to_string(input.job_id);
    db::HoldRequest request;
    request.id = new_hold_id();
    request.cluster = c.cluster_name;
    request.account = account;
    request.partition = hold.partition;
    request.shape = shape;
    request.node_hour_price = hold.node_hour_price;
    request.hold_factor_ppm = hold.hold_factor_ppm;
    auto size = size_hold(shape, hold.node_hour_price, hold.hold_factor_ppm);
    if (!size) return refuse("asbb: cannot size hold: " + size.error(), job + ": " + size.error());
    request.size = *size;
    request.now_s = now_s;
    request.actor = "plugin";
    auto moved = db::move_hold(db, {c.slurm_db_name}, hold.id, input.job_id, request);
    const std::string refused = job + ": move to account " + account + " refused";
    switch (moved.outcome) {
        case db::HoldOutcome::kPlaced:
        case db::HoldOutcome::kNotBudgeted:
            return {true, "", job + ": hold moved from " + hold.account + " to " + account};
        case db::HoldOutcome::kNoActivePeriod:
        case db::HoldOutcome::kInsufficient: {
            if (!moved.shortfall) break;
            db::ShadowRefusal facts =
                change_facts(c, input, account, hold.partition, *size, moved, now_s);
            facts.message = refusal_message(moved, *size, hold.hold_factor_ppm, hold.partition);
            return refuse_change_for_budget(
                db, c, std::move(facts),
                refused + ": its budget cannot hold " + format_money_exact(size->hold));
        }
        case db::HoldOutcome::kUnknownAccount:
            return refuse("asbb: " + job + " cannot move to account " + account +
                              ": SLURM's accounting has no such account",
                          refused + ": unknown account");
        case db::HoldOutcome::kAlreadyPlaced:
        case db::HoldOutcome::kIdConflict:
        case db::HoldOutcome::kStale:
            break;
    }
    return refuse("asbb: could not move the budget hold of " + job + "; try again", refused);
}

// Messages users see for failures that are not about their job.
std::string misconfigured_message(const std::string& partition) {
    const std::string where = partition.empty() ? "" : " for jobs on " + partition;
    return "asbb: the budget plugin is misconfigured" + where +
           " (see slurmctld's log); ask your admin";
}

std::string busy_message(const std::string& what) {
    return "asbb: the budget service is busy with other jobs, so " + what +
           " cannot be checked right now; try again in a moment";
}

// Which database errors mean "busy": the server answered, but a row the
// call needed stayed locked (or a deadlock outlived its retries) until the
// statement time ran out. Retrying later helps; FailPolicy does not apply.
bool is_busy(const db::DbError& e) {
    return e.kind() == db::DbErrorKind::kLockWaitTimeout ||
           e.kind() == db::DbErrorKind::kStatementTimeout || e.kind() == db::DbErrorKind::kDeadlock;
}

}  // namespace

EngineSeams EngineSeams::real() {
    EngineSeams seams;
    seams.open_session = [](const db::ConnectParams& params, Clock::time_point deadline) {
        return std::make_unique<db::MariaSession>(params, deadline);
    };
    seams.now_s = [] { return now_epoch_s(); };
    return seams;
}

struct SubmitEngine::Loaded {
    explicit Loaded(Config loaded)
        : config(std::move(loaded)), pool(config.plugin_sessions), ledger(config.cluster_name) {}
    const Config config;
    SessionPool pool;
    LedgerCache ledger;
};

SubmitEngine::SubmitEngine(std::string config_path, std::string fallback_spool_dir,
                           EngineSeams seams)
    : config_path_(std::move(config_path)),
      fallback_spool_dir_(std::move(fallback_spool_dir)),
      seams_(std::move(seams)) {}

SubmitEngine::~SubmitEngine() = default;

std::string SubmitEngine::hold_tag(const std::string& hold_id) {
    return "asbb:hold=" + hold_id;
}

bool SubmitEngine::budgeted(const std::string& partitions) noexcept {
    try {
        std::string error;
        Loaded* loaded = load(error);
        if (loaded == nullptr) return true;
        return !budgeted_partitions_of(partitions, loaded->config.budgeted_partitions).empty();
    } catch (...) {
        return true;  // submit() answers, and says why
    }
}

SubmitDecision SubmitEngine::submit(const SubmitInput& input) noexcept {
    try {
        return under_policy(decide(input));
    } catch (const std::exception& e) {
        return under_policy(reject("asbb: internal error while checking the budget; ask your admin",
                                   std::string("unexpected error: ") + e.what()));
    } catch (...) {
        return under_policy(reject("asbb: internal error while checking the budget; ask your admin",
                                   "unexpected non-standard exception"));
    }
}

template <class Decision>
Decision SubmitEngine::under_policy(Decision decision) const noexcept {
    // Under EnforcePolicy=shadow nothing is refused; without asbb.conf the
    // policy is unknown, and the refusal stands.
    const Loaded* loaded = loaded_.load(std::memory_order_acquire);
    if (loaded == nullptr) return decision;
    try {
        return shadow_unrecorded(loaded->config, decision);
    } catch (...) {
        return decision;  // out of memory: the decision as it was
    }
}

SubmitEngine::Loaded* SubmitEngine::load(std::string& error) {
    if (Loaded* ready = loaded_.load(std::memory_order_acquire)) return ready;
    // The first calls race here; one reads the file (no database), the
    // others wait for it briefly, then all share the result.
    std::lock_guard guard(load_mutex_);
    if (Loaded* ready = loaded_.load(std::memory_order_relaxed)) return ready;
    auto parsed = load_config_file(config_path_);
    if (!parsed) {
        error = parsed.error();
        return nullptr;  // tried again at the next call
    }
    loaded_owner_ = std::make_unique<Loaded>(std::move(parsed).value());
    loaded_.store(loaded_owner_.get(), std::memory_order_release);
    return loaded_owner_.get();
}

bool SubmitEngine::breaker_open(Clock::time_point now) const {
    return now.time_since_epoch().count() < breaker_open_until_.load(std::memory_order_relaxed);
}

void SubmitEngine::open_breaker(const Config& c) {
    const auto now = Clock::now();
    const auto until = now + std::chrono::seconds(c.breaker_s);
    const auto next_probe = now + std::chrono::milliseconds(c.breaker_probe_ms);
    breaker_next_probe_.store(next_probe.time_since_epoch().count(), std::memory_order_relaxed);
    breaker_open_until_.store(until.time_since_epoch().count(), std::memory_order_relaxed);
}

void SubmitEngine::close_breaker() {
    if (breaker_open_until_.load(std::memory_order_relaxed) != 0) {
        breaker_open_until_.store(0, std::memory_order_relaxed);
    }
}

bool SubmitEngine::claim_probe(const Config& c, Clock::time_point now) {
    Clock::rep due = breaker_next_probe_.load(std::memory_order_relaxed);
    if (now.time_since_epoch().count() < due) return false;
    // Of the calls that find the probe due, the one whose exchange lands
    // probes; the others apply FailPolicy as before.
    const auto next = now + std::chrono::milliseconds(c.breaker_probe_ms);
    return breaker_next_probe_.compare_exchange_strong(due, next.time_since_epoch().count(),
                                                       std::memory_order_relaxed);
}

bool SubmitEngine::skip_for_breaker(const Config& c, Clock::time_point now, bool& probing) {
    probing = false;
    if (!breaker_open(now)) return false;
    probing = claim_probe(c, now);
    return !probing;
}

db::DeadlineSession& SubmitEngine::open_session(const Config& c,
                                                std::unique_ptr<db::DeadlineSession>& slot,
                                                Clock::time_point deadline) {
    if (!slot || !slot->connected()) {
        slot.reset();
        db::ConnectParams params = db::connect_params_for(c);
        // A statement the server cannot finish in time (it waits for a row
        // lock) is cut off by the server before the call's deadline, so the
        // call can tell "busy" (the server said so) from "down" (it said
        // nothing): a quarter of the deadline to wait for a session, half
        // for the statement that waits, a quarter for the other round trip.
        params.lock_wait_timeout_s = 1;
        params.statement_timeout_ms = std::max<int64_t>(c.plugin_deadline_ms / 2, 5);
        auto fresh = seams_.open_session(params, deadline);
        // Checked on every new connection, so a database left behind by an
        // upgrade is reported as such (and noticed once it is migrated)
        // instead of failing later on a missing column.
        db::require_bundled_schema(*fresh, c.db_name, "this plugin");
        slot = std::move(fresh);
    }
    slot->set_deadline(deadline);
    return *slot;
}

template <class Work>
SubmitEngine::DbAttempt SubmitEngine::with_session(Loaded& loaded, Clock::time_point deadline,
                                                   bool probing, Work&& work) {
    const Config& c = loaded.config;
    // A call waits for a session for at most a quarter of its deadline: the
    // rest is for its round trips. One that got a session with no time left
    // would miss the deadline and be taken for an outage of a server that
    // is fine, just busy.
    const auto start = Clock::now();
    auto lease = loaded.pool.acquire(start + (deadline - start) / 4);
    if (!lease) {
        const auto waited_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        return {DbOutcome::kBusy, "all " + std::to_string(loaded.pool.size()) +
                                      " database sessions (PluginSessions) stayed busy for " +
                                      std::to_string(waited_ms) + " ms"};
    }
    const int in_use = loaded.pool.leased();
    // Another call may have found the database down while this one waited.
    if (!probing && breaker_open(Clock::now())) {
        return {DbOutcome::kBreakerOpen, "circuit breaker open"};
    }
    for (int attempt = 0;; ++attempt) {
        try {
            work(open_session(c, lease->session(), deadline));
            close_breaker();  // the server answered: a probe's success
            return {DbOutcome::kDone, "", in_use};
        } catch (const db::DbError& e) {
            // Whatever failed, the next call starts on a new connection.
            lease->session().reset();
            // A misconfigured or busy server still answered: not an outage.
            if (e.kind() == db::DbErrorKind::kMisconfigured) {
                close_breaker();
                return {DbOutcome::kMisconfigured, e.what()};
            }
            if (is_busy(e)) {
                close_breaker();
                return {DbOutcome::kBusy, e.what(), in_use};
            }
            // A kept connection may have died while idle (MariaDB restarted),
            // or a reply was lost after the server did the work: try once
            // more on a new connection if the deadline allows. The work is
            // safe to repeat (the hold id is the same).
            if (attempt == 0 && e.kind() == db::DbErrorKind::kConnection &&
                Clock::now() < deadline) {
                continue;
            }
            open_breaker(c);
            return {DbOutcome::kOutage, e.what()};
        }
    }
}

SubmitDecision SubmitEngine::decide(const SubmitInput& input) {
    std::string error;
    Loaded* loaded = load(error);
    if (loaded == nullptr) {
        // Without its config the plugin cannot tell budgeted partitions
        // from the rest; refusing keeps AWS money safe and is loud.
        return reject(misconfigured_message(""), "cannot use asbb.conf: " + error);
    }
    const Config& c = loaded->config;
    const auto budgeted = budgeted_partitions_of(input.partition, c.budgeted_partitions);
    if (budgeted.empty()) return {};  // kPass, and no database call

    const std::string& partition = budgeted.front();
    // Made once, outside every retry: a retry after a lost reply must find
    // the hold it may already have placed instead of placing a second one,
    // and so must the poller when it replays a spooled hold.
    const HoldId hold_id = new_hold_id();
    const auto now = Clock::now();
    bool probing = false;
    if (skip_for_breaker(c, now, probing)) {
        return on_database_failure(c, input, partition, hold_id,
                                   "circuit breaker open after a failure");
    }
    SubmitDecision decision;
    const DbAttempt attempt =
        with_session(*loaded, now + std::chrono::milliseconds(c.plugin_deadline_ms), probing,
                     [&](db::DeadlineSession& db) {
                         decision = decide_with_database(db, *loaded, input, hold_id);
                     });
    switch (attempt.outcome) {
        case DbOutcome::kDone:
            if (!decision.log.empty()) {
                decision.log += " [" + std::to_string(attempt.sessions_in_use) + "/" +
                                std::to_string(loaded->pool.size()) + " sessions in use]";
            }
            return decision;
        case DbOutcome::kBusy:
            return reject(busy_message("jobs on " + partition),
                          "busy, job on " + partition + " refused (not an outage): " + attempt.why);
        case DbOutcome::kMisconfigured:
            return reject(
                misconfigured_message(partition),
                "misconfigured, job on " + partition +
                    " refused (not an outage: FailPolicy does not apply): " + attempt.why);
        case DbOutcome::kBreakerOpen:
        case DbOutcome::kOutage:
            break;
    }
    return on_database_failure(c, input, partition, hold_id, attempt.why);
}

namespace {

std::string join_budgeted(const std::string& partitions, const std::vector<std::string>& budgeted) {
    std::string joined;
    for (const auto& name : budgeted_partitions_of(partitions, budgeted)) {
        joined += (joined.empty() ? "" : ",") + name;
    }
    return joined;
}

// The plugin's answer to a plan that places nothing.
SubmitDecision decision_without_hold(db::Session& db, const Config& c, const SubmitInput& input,
                                     const HoldAsk& ask, const HoldPlan& plan) {
    std::string message;
    db::HoldResult verdict;
    const db::HoldResult* level = nullptr;
    switch (plan.outcome) {
        case PlanOutcome::kNoRate:
            message = no_rate_message(plan.detail);
            break;
        case PlanOutcome::kBadShape:
            message = "asbb: " + plan.detail;
            break;
        case PlanOutcome::kNoActivePeriod:
            verdict = db::plan_verdict(plan);
            level = &verdict;
            message = refusal_message(verdict, plan.size, c.hold_factor_ppm, plan.partition);
            break;
        case PlanOutcome::kPartitionNotBudgeted:
        case PlanOutcome::kUnknownAccount:  // SLURM itself refuses accounts it does not know
        case PlanOutcome::kAccountNotBudgeted:
        case PlanOutcome::kHold:
            return {};
    }
    db::ShadowRefusal facts = refusal_facts(c, input, ask.account, plan, level, ask.now_s);
    facts.message = std::move(message);
    return refuse_for_budget(db, c, std::move(facts));
}

}  // namespace

SubmitDecision SubmitEngine::decide_with_database(db::DeadlineSession& db, Loaded& loaded,
                                                  const SubmitInput& input, const HoldId& hold_id) {
    const Config& c = loaded.config;
    auto account = normalize_account_name(input.account);
    if (!account) return {};  // SLURM itself refuses accounts it does not know
    HoldAsk ask{*account, input.partition, input.shape, c.hold_factor_ppm, seams_.now_s(), {}};
    // Round trip 1: the account's path and the ledger generation.
    const db::AccountPathRead path =
        db::account_path_and_generation(db, {c.slurm_db_name}, c.cluster_name, *account);
    auto snapshot = loaded.ledger.at(db, path.generation);
    for (int attempt = 0;; ++attempt) {
        SnapshotView view(*snapshot, path.path);
        const HoldPlan plan = plan_hold(ask, c.budgeted_partitions, view);
        if (plan.outcome != PlanOutcome::kHold) {
            return decision_without_hold(db, c, input, ask, plan);
        }
        const db::HoldRequest request = db::hold_request_for(
            plan, hold_id, {c.cluster_name, *account, input.user_name, input.uid, "plugin"},
            c.hold_factor_ppm, ask.now_s);
        // Round trip 2: the hold, in one transaction.
        const db::HoldResult result =
            db::place_planned_hold(db, request, plan.levels, snapshot->generation);
        switch (result.outcome) {
            case db::HoldOutcome::kPlaced:
            case db::HoldOutcome::kAlreadyPlaced:
                return {Verdict::kAccept, "", hold_id.hex(),
                        "hold " + hold_id.hex() + " of " + format_money_exact(plan.size.hold) +
                            " for " + *account + " on " + plan.partition};
            case db::HoldOutcome::kNoActivePeriod:
            case db::HoldOutcome::kInsufficient: {
                db::ShadowRefusal facts =
                    refusal_facts(c, input, *account, plan, &result, ask.now_s);
                facts.message =
                    refusal_message(result, plan.size, c.hold_factor_ppm, plan.partition);
                return refuse_for_budget(db, c, std::move(facts));
            }
            case db::HoldOutcome::kStale:
                // A budget, limit or rate changed since the copy was read.
                if (attempt == 0) {
                    snapshot = loaded.ledger.reload(db);
                    continue;
                }
                break;
            case db::HoldOutcome::kNotBudgeted:
            case db::HoldOutcome::kUnknownAccount:
                return {};
            case db::HoldOutcome::kIdConflict:
                break;
        }
        return reject("asbb: could not place the budget hold; try again");
    }
}

SubmitDecision SubmitEngine::on_database_failure(const Config& c, const SubmitInput& input,
                                                 const std::string& partition,
                                                 const HoldId& hold_id, const std::string& why) {
    if (c.fail_policy == FailPolicy::kClosed) {
        return reject("asbb: the budget service is unavailable, so jobs on " + partition +
                          " cannot be checked against their budget now; try again in a few minutes",
                      "database unavailable (FailPolicy=closed): " + why);
    }
    // FailPolicy=open: accept and write the hold down for the poller. The
    // shape is sized without a rate (none could be read); the poller prices
    // it when it places the hold.
    UnsecuredHold hold;
    hold.hold_id = hold_id.hex();
    hold.cluster = c.cluster_name;
    auto account = normalize_account_name(input.account);
    hold.account = account ? *account : input.account;
    hold.partition = partition;
    hold.user_name = input.user_name;
    hold.uid = input.uid;
    auto nodes = resolve_nodes(input.shape, {});
    hold.shape.nodes = nodes ? *nodes : 1;
    hold.shape.time_limit_s = input.shape.time_limit_min.value_or(0) * 60;
    auto tasks = count_array_tasks(input.shape.array_inx);
    hold.shape.array_tasks = tasks ? *tasks : 1;
    hold.submit = input.shape;
    hold.partitions = join_budgeted(input.partition, c.budgeted_partitions);
    hold.submitted_at = seams_.now_s();
    hold.reason = why;
    const std::string dir = c.spool_dir.empty() ? fallback_spool_dir_ + "/asbb" : c.spool_dir;
    auto written = append_unsecured_hold(dir, hold);
    if (!written) {
        return reject("asbb: the budget service is unavailable; try again in a few minutes",
                      "FailPolicy=open but the spool failed: " + written.error());
    }
    return {Verdict::kAcceptUnsecured, "", hold.hold_id,
            "database unavailable (FailPolicy=open): accepted, hold " + hold.hold_id +
                " spooled to " + spool_file(dir) + ": " + why};
}

ModifyDecision SubmitEngine::modify(const ModifyInput& input) noexcept {
    if (!input.touches_money()) return {};
    try {
        return under_policy(decide_modify(input));
    } catch (const std::exception& e) {
        return under_policy(
            refuse("asbb: internal error while checking the change; ask your admin",
                   std::string("job_modify refused after an unexpected error: ") + e.what()));
    } catch (...) {
        return under_policy(refuse("asbb: internal error while checking the change; ask your admin",
                                   "job_modify refused after an unexpected error"));
    }
}

ModifyDecision SubmitEngine::decide_modify(const ModifyInput& input) {
    const std::string job = "job " + std::to_string(input.job_id);
    std::string error;
    Loaded* loaded = load(error);
    if (loaded == nullptr) {
        return refuse(misconfigured_message(""), job + ": refused: cannot use asbb.conf: " + error);
    }
    const Config& c = loaded->config;
    const auto now = Clock::now();
    std::string why = "circuit breaker open";
    bool probing = false;
    if (!skip_for_breaker(c, now, probing)) {
        ModifyDecision decision;
        const DbAttempt attempt = with_session(
            *loaded, now + std::chrono::milliseconds(c.plugin_deadline_ms), probing,
            [&](db::DeadlineSession& db) { decision = modify_with_database(db, c, input); });
        switch (attempt.outcome) {
            case DbOutcome::kDone:
                return decision;
            case DbOutcome::kBusy:
                return refuse(busy_message("changes to budgeted jobs"),
                              job + ": change refused, busy (not an outage): " + attempt.why);
            case DbOutcome::kMisconfigured:
                return refuse(
                    misconfigured_message(""),
                    job + ": change refused, misconfigured (not an outage): " + attempt.why);
            case DbOutcome::kBreakerOpen:
            case DbOutcome::kOutage:
                why = attempt.why;
                break;
        }
    }
    // The database cannot say whether this job holds money; the policy
    // decides, as for submissions.
    if (c.fail_policy == FailPolicy::kOpen) {
        return {true, "", job + ": database unavailable (" + why + "), change allowed unchecked"};
    }
    return refuse(
        "asbb: the budget service is unavailable, so changes to budgeted jobs cannot "
        "be checked now; try again in a few minutes",
        job + ": database unavailable (" + why + "), change refused");
}

ModifyDecision SubmitEngine::modify_with_database(db::DeadlineSession& db, const Config& c,
                                                  const ModifyInput& input) {
    const std::string job = "job " + std::to_string(input.job_id);
    auto hold = db::find_open_hold_for_job(db, c.cluster_name, input.job_id);
    if (!hold) {
        // Not budgeted, or budgeted and not linked yet (the poller links a
        // job's hold on its next pass): job_modify cannot see the job's tag,
        // so the change goes through unchecked, and its charge may overrun
        // the hold. Said in the log unless the job is going to a partition
        // that is not budgeted.
        if (input.partition &&
            budgeted_partitions_of(*input.partition, c.budgeted_partitions).empty())
            return {};
        return {true, "",
                job +
                    ": no open hold is linked to this job id (not budgeted, or not linked by "
                    "the poller yet): the change is not checked against a budget"};
    }
    if (input.partition && *input.partition != hold->partition) {
        return refuse("asbb: " + job + " is budgeted on " + hold->partition +
                          ": moving it to partition " + *input.partition +
                          " is refused; cancel and resubmit it",
                      job + ": move to partition " + *input.partition + " refused");
    }
    if (input.time_unlimited) {
        return refuse("asbb: " + job + " is budgeted on " + hold->partition +
                          ", which is charged by the hour: its time limit must stay finite",
                      job + ": unlimited time limit refused");
    }
    JobShape shape = hold->shape;
    if (input.time_limit_min) shape.time_limit_s = *input.time_limit_min * 60;
    if (input.min_nodes && *input.min_nodes > 0) shape.nodes = *input.min_nodes;

    auto account = input.account ? normalize_account_name(*input.account)
                                 : Expected<std::string>(hold->account);
    if (!account) return refuse("asbb: " + account.error(), job + ": " + account.error());
    const int64_t now_s = seams_.now_s();
    if (*account != hold->account) {
        return move_to_account(db, c, input, *hold, shape, *account, now_s);
    }
    auto resized = db::resize_hold(db, hold->id, shape, "plugin", now_s);
    switch (resized.outcome) {
        case db::ResizeOutcome::kResized:
            return {true, "",
                    job + ": hold " + hold->id + " resized to " +
                        format_money_exact(resized.size.hold)};
        case db::ResizeOutcome::kUnchanged:
        case db::ResizeOutcome::kNotOpen:
            return {};
        case db::ResizeOutcome::kInsufficient:
        case db::ResizeOutcome::kNoActivePeriod: {
            // The same words a new hold of this size would get.
            const db::HoldResult as_hold{resized.outcome == db::ResizeOutcome::kNoActivePeriod
                                             ? db::HoldOutcome::kNoActivePeriod
                                             : db::HoldOutcome::kInsufficient,
                                         resized.shortfall, 0};
            db::ShadowRefusal facts = change_facts(c, input, hold->account, hold->partition,
                                                   resized.size, as_hold, now_s);
            facts.message =
                refusal_message(as_hold, resized.size, hold->hold_factor_ppm, hold->partition);
            return refuse_change_for_budget(
                db, c, std::move(facts),
                job + ": change refused: the hold would grow to " +
                    format_money_exact(resized.size.hold) + " but " + resized.shortfall->account +
                    (resized.outcome == db::ResizeOutcome::kNoActivePeriod
                         ? " has no active budget period"
                         : " has " + format_money_exact(resized.shortfall->available) +
                               " available"));
        }
    }
    return {};
}

}  // namespace asbb::submit
