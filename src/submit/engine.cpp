#include "submit/engine.hpp"

#include <algorithm>
#include <cctype>

#include "core/hold_sizing.hpp"
#include "core/names.hpp"
#include "core/rejection.hpp"
#include "db/connect.hpp"
#include "db/ledger.hpp"
#include "db/migrate.hpp"
#include "db/rates.hpp"
#include "submit/session_pool.hpp"
#include "submit/spool.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::submit {

namespace {

using Verdict = SubmitDecision::Verdict;

SubmitDecision reject(std::string message, std::string log = "") {
    return {Verdict::kReject, std::move(message), "", std::move(log)};
}

std::vector<std::string> split_partitions(const std::string& list) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        if (comma > start) parts.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return parts;
}

ShortLevel short_level(db::LevelKind kind) {
    switch (kind) {
        case db::LevelKind::kAccount:
            return ShortLevel::kAccount;
        case db::LevelKind::kAncestor:
            return ShortLevel::kAncestor;
        case db::LevelKind::kPartitionLimit:
            break;
    }
    return ShortLevel::kPartitionLimit;
}

// The user's line for a hold that did not fit (kNoActivePeriod or
// kInsufficient, which carry a shortfall).
std::string shortfall_message(const db::HoldResult& result, const HoldSize& size,
                              int64_t hold_factor_ppm, const std::string& partition) {
    const db::Shortfall& s = *result.shortfall;
    const std::string period = format_period(s.period_start, s.period_end);
    if (result.outcome == db::HoldOutcome::kNoActivePeriod) {
        return no_active_period_message(s.account, period);
    }
    ShortfallText text{short_level(s.kind), s.account, partition, period, s.available};
    return insufficient_funds_message(size.hold, size.estimate, hold_factor_ppm, text);
}

ModifyDecision refuse(std::string message, std::string log) {
    return {false, std::move(message), std::move(log)};
}

// A new account means new levels: place a new hold there (it must fit),
// then give the old one back.
ModifyDecision move_to_account(db::Session& db, const Config& c, const ModifyInput& input,
                               const db::OpenHoldInfo& hold, const JobShape& shape,
                               const std::string& account) {
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
    request.now_s = now_epoch_s();
    request.actor = "plugin";
    auto moved = db::move_hold(db, {c.slurm_db_name}, hold.id, input.job_id, request);
    const std::string refused = job + ": move to account " + account + " refused";
    switch (moved.outcome) {
        case db::HoldOutcome::kPlaced:
        case db::HoldOutcome::kNotBudgeted:
            return {true, "", job + ": hold moved from " + hold.account + " to " + account};
        case db::HoldOutcome::kNoActivePeriod:
        case db::HoldOutcome::kInsufficient:
            if (!moved.shortfall) break;
            return refuse(shortfall_message(moved, *size, hold.hold_factor_ppm, hold.partition),
                          refused + ": its budget cannot hold " + format_money_exact(size->hold));
        case db::HoldOutcome::kUnknownAccount:
            return refuse("asbb: " + job + " cannot move to account " + account +
                              ": SLURM's accounting has no such account",
                          refused + ": unknown account");
        case db::HoldOutcome::kAlreadyPlaced:
        case db::HoldOutcome::kIdConflict:
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

}  // namespace

struct SubmitEngine::Loaded {
    explicit Loaded(Config loaded) : config(std::move(loaded)), pool(config.plugin_sessions) {}
    const Config config;
    SessionPool pool;
};

SubmitEngine::SubmitEngine(std::string config_path, std::string fallback_spool_dir)
    : config_path_(std::move(config_path)), fallback_spool_dir_(std::move(fallback_spool_dir)) {}

SubmitEngine::~SubmitEngine() = default;

std::string SubmitEngine::hold_tag(const std::string& hold_id) {
    return "asbb:hold=" + hold_id;
}

SubmitDecision SubmitEngine::submit(const SubmitInput& input) noexcept {
    try {
        return decide(input);
    } catch (const std::exception& e) {
        return reject("asbb: internal error while checking the budget; ask your admin",
                      std::string("unexpected error: ") + e.what());
    } catch (...) {
        return reject("asbb: internal error while checking the budget; ask your admin",
                      "unexpected non-standard exception");
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
    const auto until = Clock::now() + std::chrono::seconds(c.breaker_s);
    breaker_open_until_.store(until.time_since_epoch().count(), std::memory_order_relaxed);
}

db::MariaSession& SubmitEngine::open_session(const Config& c,
                                             std::unique_ptr<db::MariaSession>& slot,
                                             Clock::time_point deadline) {
    if (!slot || !slot->connected()) {
        slot.reset();
        db::ConnectParams params = db::connect_params_for(c);
        // The server gives up on a statement or a lock at about the same
        // time the client does, so no work outlives the submission.
        params.lock_wait_timeout_s = 1;
        params.statement_timeout_ms = std::max<int64_t>(c.plugin_deadline_ms, 10);
        auto fresh = std::make_unique<db::MariaSession>(params, deadline);
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
                                                   Work&& work) {
    const Config& c = loaded.config;
    // A call waits for a session for at most half its deadline: the other
    // half is for its round trips. One that got a session with no time left
    // would miss the deadline and be taken for an outage of a server that
    // is fine, just busy.
    const auto start = Clock::now();
    auto lease = loaded.pool.acquire(start + (deadline - start) / 2);
    if (!lease) {
        const auto waited_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        return {DbOutcome::kBusy, "all " + std::to_string(loaded.pool.size()) +
                                      " database sessions (PluginSessions) stayed busy for " +
                                      std::to_string(waited_ms) + " ms"};
    }
    const int in_use = loaded.pool.leased();
    // Another call may have found the database down while this one waited.
    if (breaker_open(Clock::now())) return {DbOutcome::kBreakerOpen, "circuit breaker open"};
    for (int attempt = 0;; ++attempt) {
        const bool reused = attempt == 0 && lease->reused();
        try {
            work(open_session(c, lease->session(), deadline));
            return {DbOutcome::kDone, "", in_use};
        } catch (const db::DbError& e) {
            // Whatever failed, the next call starts on a new connection.
            lease->session().reset();
            if (e.kind() == db::DbErrorKind::kMisconfigured) {
                return {DbOutcome::kMisconfigured, e.what()};
            }
            // A kept connection may have died while idle (MariaDB restarted):
            // that is not an outage, so try once more on a new connection
            // if the deadline allows.
            if (reused && e.kind() == db::DbErrorKind::kConnection && Clock::now() < deadline) {
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

    std::vector<std::string> budgeted;
    for (const auto& p : split_partitions(input.partition)) {
        if (std::find(c.budgeted_partitions.begin(), c.budgeted_partitions.end(), p) !=
            c.budgeted_partitions.end()) {
            budgeted.push_back(p);
        }
    }
    if (budgeted.empty()) return {};  // kPass, and no database call

    const std::string& partition = budgeted.front();
    const auto now = Clock::now();
    if (breaker_open(now)) {
        return on_database_failure(c, input, partition, "circuit breaker open after a failure");
    }
    // Made once, outside the retry: a retry after a lost reply must find the
    // hold it may already have placed instead of placing a second one.
    const HoldId hold_id = new_hold_id();
    SubmitDecision decision;
    const DbAttempt attempt = with_session(
        *loaded, now + std::chrono::milliseconds(c.plugin_deadline_ms), [&](db::MariaSession& db) {
            decision = decide_with_database(db, c, input, budgeted, hold_id);
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
    return on_database_failure(c, input, partition, attempt.why);
}

SubmitDecision SubmitEngine::decide_with_database(db::MariaSession& db, const Config& c,
                                                  const SubmitInput& input,
                                                  const std::vector<std::string>& budgeted,
                                                  const HoldId& hold_id) {
    // Of several budgeted partitions the job may run in, hold for the
    // dearest: SLURM picks one later.
    std::optional<db::Rate> rate;
    std::string rate_partition;
    for (const auto& p : budgeted) {
        auto found = db::find_rate(db, c.cluster_name, p);
        if (!found) {
            return reject("asbb: partition " + p +
                          " is budgeted but has no rate; ask your admin to run asbb rates set "
                          "--partition=" +
                          p);
        }
        if (!rate || found->node_hour_price > rate->node_hour_price) {
            rate = found;
            rate_partition = p;
        }
    }
    PartitionShape partition_shape{rate->cpus_per_node, rate->default_time_limit_s,
                                   rate->gpus_per_node};
    auto shape = resolve_job_shape(input.shape, partition_shape, rate_partition);
    if (!shape) return reject("asbb: " + shape.error());
    auto size = size_hold(*shape, rate->node_hour_price, c.hold_factor_ppm);
    if (!size) return reject("asbb: " + size.error());
    auto account = normalize_account_name(input.account);
    if (!account) return {};  // SLURM itself refuses accounts it does not know

    db::HoldRequest request;
    request.id = hold_id;
    request.cluster = c.cluster_name;
    request.account = *account;
    request.partition = rate_partition;
    request.user_name = input.user_name;
    request.uid = input.uid;
    request.shape = *shape;
    request.node_hour_price = rate->node_hour_price;
    request.hold_factor_ppm = c.hold_factor_ppm;
    request.size = *size;
    request.now_s = now_epoch_s();
    request.actor = "plugin";
    auto result = db::place_hold(db, {c.slurm_db_name}, request);
    switch (result.outcome) {
        case db::HoldOutcome::kPlaced:
        case db::HoldOutcome::kAlreadyPlaced:
            return {Verdict::kAccept, "", request.id.hex(),
                    "hold " + request.id.hex() + " of " + format_money_exact(size->hold) + " for " +
                        *account + " on " + rate_partition};
        case db::HoldOutcome::kNotBudgeted:
        case db::HoldOutcome::kUnknownAccount:
            return {};
        case db::HoldOutcome::kNoActivePeriod:
        case db::HoldOutcome::kInsufficient:
            return reject(shortfall_message(result, *size, c.hold_factor_ppm, rate_partition));
        case db::HoldOutcome::kIdConflict:
            break;
    }
    return reject("asbb: could not place the budget hold; try again");
}

SubmitDecision SubmitEngine::on_database_failure(const Config& c, const SubmitInput& input,
                                                 const std::string& partition,
                                                 const std::string& why) {
    if (c.fail_policy == FailPolicy::kClosed) {
        return reject("asbb: the budget service is unavailable, so jobs on " + partition +
                          " cannot be checked against their budget now; try again in a few minutes",
                      "database unavailable (FailPolicy=closed): " + why);
    }
    // FailPolicy=open: accept and write the hold down for the poller. The
    // shape is sized without a rate (none could be read); the poller prices
    // it when it places the hold.
    UnsecuredHold hold;
    hold.hold_id = new_hold_id().hex();
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
    hold.submitted_at = now_epoch_s();
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
        return decide_modify(input);
    } catch (const std::exception& e) {
        return refuse("asbb: internal error while checking the change; ask your admin",
                      std::string("job_modify refused after an unexpected error: ") + e.what());
    } catch (...) {
        return refuse("asbb: internal error while checking the change; ask your admin",
                      "job_modify refused after an unexpected error");
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
    if (!breaker_open(now)) {
        ModifyDecision decision;
        const DbAttempt attempt = with_session(
            *loaded, now + std::chrono::milliseconds(c.plugin_deadline_ms),
            [&](db::MariaSession& db) { decision = modify_with_database(db, c, input); });
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

ModifyDecision SubmitEngine::modify_with_database(db::MariaSession& db, const Config& c,
                                                  const ModifyInput& input) {
    const std::string job = "job " + std::to_string(input.job_id);
    auto hold = db::find_open_hold_for_job(db, c.cluster_name, input.job_id);
    if (!hold) return {};  // no hold linked: not budgeted (or not linked yet)
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
    if (*account != hold->account) return move_to_account(db, c, input, *hold, shape, *account);
    auto resized = db::resize_hold(db, hold->id, shape, "plugin", now_epoch_s());
    switch (resized.outcome) {
        case db::ResizeOutcome::kResized:
            return {true, "",
                    job + ": hold " + hold->id + " resized to " +
                        format_money_exact(resized.size.hold)};
        case db::ResizeOutcome::kUnchanged:
        case db::ResizeOutcome::kNotOpen:
            return {};
        case db::ResizeOutcome::kInsufficient: {
            const db::HoldResult as_hold{db::HoldOutcome::kInsufficient, resized.shortfall, 0};
            return refuse(
                shortfall_message(as_hold, resized.size, hold->hold_factor_ppm, hold->partition),
                job + ": change refused: the hold would grow to " +
                    format_money_exact(resized.size.hold) + " but " + resized.shortfall->account +
                    " has " + format_money_exact(resized.shortfall->available) + " available");
        }
    }
    return {};
}

}  // namespace asbb::submit
