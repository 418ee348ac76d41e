#include "submit/engine.hpp"

#include <algorithm>
#include <cctype>

#include "core/hold_sizing.hpp"
#include "core/names.hpp"
#include "core/rejection.hpp"
#include "db/connect.hpp"
#include "db/ledger.hpp"
#include "db/rates.hpp"
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

}  // namespace

SubmitEngine::SubmitEngine(std::string config_path, std::string fallback_spool_dir)
    : config_path_(std::move(config_path)), fallback_spool_dir_(std::move(fallback_spool_dir)) {}

SubmitEngine::~SubmitEngine() = default;

std::string SubmitEngine::hold_tag(const std::string& hold_id) {
    return "asbb:hold=" + hold_id;
}

SubmitDecision SubmitEngine::submit(const SubmitInput& input) noexcept {
    try {
        std::lock_guard<std::mutex> guard(mutex_);
        return decide(input);
    } catch (const std::exception& e) {
        return reject("asbb: internal error while checking the budget; ask your admin",
                      std::string("unexpected error: ") + e.what());
    } catch (...) {
        return reject("asbb: internal error while checking the budget; ask your admin",
                      "unexpected non-standard exception");
    }
}

db::MariaSession& SubmitEngine::session(Clock::time_point deadline) {
    if (!session_ || !session_->connected()) {
        session_.reset();
        const Config& c = *config_;
        db::ConnectParams params = db::connect_params_for(c);
        // The server gives up on a statement or a lock at about the same
        // time the client does, so no work outlives the submission.
        params.lock_wait_timeout_s = 1;
        params.statement_timeout_ms = std::max<int64_t>(c.plugin_deadline_ms, 10);
        session_ = std::make_unique<db::MariaSession>(params, deadline);
    }
    session_->set_deadline(deadline);
    return *session_;
}

bool SubmitEngine::load_config(std::string& error) {
    if (config_) return true;
    auto loaded = load_config_file(config_path_);
    if (!loaded) {
        error = loaded.error();
        return false;
    }
    config_ = std::move(loaded).value();
    return true;
}

SubmitDecision SubmitEngine::decide(const SubmitInput& input) {
    if (std::string error; !load_config(error)) {
        // Without its config the plugin cannot tell budgeted partitions
        // from the rest; refusing keeps AWS money safe and is loud.
        return reject("asbb: the budget plugin is misconfigured; ask your admin", error);
    }
    const Config& c = *config_;

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
    if (now < breaker_open_until_) {
        return on_database_failure(input, partition, "circuit breaker open after a failure");
    }
    const auto deadline = now + std::chrono::milliseconds(c.plugin_deadline_ms);
    // Made once, outside the retry: a retry after a lost reply must find the
    // hold it may already have placed instead of placing a second one.
    const HoldId hold_id = new_hold_id();
    for (int attempt = 0;; ++attempt) {
        const bool reused = session_ && session_->connected();
        try {
            return decide_with_database(input, budgeted, hold_id, deadline);
        } catch (const db::DbError& e) {
            session_.reset();
            // A kept connection may have died while idle (MariaDB restarted):
            // that is not an outage, so try once more on a new connection
            // if the deadline allows.
            if (attempt == 0 && reused && e.kind() == db::DbErrorKind::kConnection &&
                Clock::now() < deadline) {
                continue;
            }
            breaker_open_until_ = Clock::now() + std::chrono::seconds(c.breaker_s);
            return on_database_failure(input, partition, e.what());
        }
    }
}

SubmitDecision SubmitEngine::decide_with_database(const SubmitInput& input,
                                                  const std::vector<std::string>& budgeted,
                                                  const HoldId& hold_id,
                                                  Clock::time_point deadline) {
    const Config& c = *config_;
    {
        db::MariaSession& db = session(deadline);
        // Of several budgeted partitions the job may run in, hold for the
        // dearest: SLURM picks one later.
        std::optional<db::Rate> rate;
        std::string rate_partition;
        for (const auto& p : budgeted) {
            auto found = db::find_rate(db, c.cluster_name, p);
            if (!found) {
                return reject("asbb: partition " + p +
                              " is budgeted but has no rate; ask your "
                              "admin to run asbb rates set --partition=" +
                              p);
            }
            if (!rate || found->node_hour_price > rate->node_hour_price) {
                rate = found;
                rate_partition = p;
            }
        }
        PartitionShape partition_shape{rate->cpus_per_node, rate->default_time_limit_s};
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
                        "hold " + request.id.hex() + " of " + format_money_exact(size->hold) +
                            " for " + *account + " on " + rate_partition};
            case db::HoldOutcome::kNotBudgeted:
            case db::HoldOutcome::kUnknownAccount:
                return {};
            case db::HoldOutcome::kNoActivePeriod:
                return reject(no_active_period_message(
                    result.shortfall->account,
                    format_period(result.shortfall->period_start, result.shortfall->period_end)));
            case db::HoldOutcome::kInsufficient: {
                const auto& s = *result.shortfall;
                ShortfallText text{short_level(s.kind), s.account, rate_partition,
                                   format_period(s.period_start, s.period_end), s.available};
                return reject(insufficient_funds_message(size->hold, size->estimate,
                                                         c.hold_factor_ppm, text));
            }
            case db::HoldOutcome::kIdConflict:
                break;
        }
        return reject("asbb: could not place the budget hold; try again");
    }
}

SubmitDecision SubmitEngine::on_database_failure(const SubmitInput& input,
                                                 const std::string& partition,
                                                 const std::string& why) {
    const Config& c = *config_;
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
        std::lock_guard<std::mutex> guard(mutex_);
        return decide_modify(input);
    } catch (const std::exception& e) {
        return {false, std::string("job_modify refused after an unexpected error: ") + e.what()};
    } catch (...) {
        return {false, "job_modify refused after an unexpected error"};
    }
}

ModifyDecision SubmitEngine::decide_modify(const ModifyInput& input) {
    const std::string job = "job " + std::to_string(input.job_id);
    if (std::string error; !load_config(error)) return {false, job + ": refused: " + error};
    const Config& c = *config_;
    const auto now = Clock::now();
    const bool closed = c.fail_policy == FailPolicy::kClosed;
    if (now < breaker_open_until_) {
        // The database cannot say whether this job holds money; the policy
        // decides, as for submissions.
        return {!closed, job + ": database unavailable (circuit breaker open), change " +
                             (closed ? "refused" : "allowed unchecked")};
    }
    try {
        db::MariaSession& db = session(now + std::chrono::milliseconds(c.plugin_deadline_ms));
        auto hold = db::find_open_hold_for_job(db, c.cluster_name, input.job_id);
        if (!hold) return {true, ""};  // no hold linked: not budgeted (or not linked yet)
        if (input.partition && *input.partition != hold->partition) {
            return {false, job + ": moving a budgeted job to partition " + *input.partition +
                               " is refused; cancel and resubmit it"};
        }
        if (input.time_unlimited) {
            return {false, job + ": a budgeted job needs a finite time limit"};
        }
        JobShape shape = hold->shape;
        if (input.time_limit_min) shape.time_limit_s = *input.time_limit_min * 60;
        if (input.min_nodes && *input.min_nodes > 0) shape.nodes = *input.min_nodes;

        const int64_t now_s = now_epoch_s();
        auto account = input.account ? normalize_account_name(*input.account)
                                     : Expected<std::string>(hold->account);
        if (!account) return {false, job + ": " + account.error()};
        if (*account != hold->account) {
            // A new account means new levels: place a new hold there (it
            // must fit), then give the old one back.
            db::HoldRequest request;
            request.id = new_hold_id();
            request.cluster = c.cluster_name;
            request.account = *account;
            request.partition = hold->partition;
            request.shape = shape;
            request.node_hour_price = hold->node_hour_price;
            request.hold_factor_ppm = hold->hold_factor_ppm;
            auto size = size_hold(shape, hold->node_hour_price, hold->hold_factor_ppm);
            if (!size) return {false, job + ": " + size.error()};
            request.size = *size;
            request.now_s = now_s;
            request.actor = "plugin";
            auto moved = db::move_hold(db, {c.slurm_db_name}, hold->id, input.job_id, request);
            if (moved.outcome != db::HoldOutcome::kPlaced &&
                moved.outcome != db::HoldOutcome::kNotBudgeted) {
                return {false, job + ": move to account " + *account +
                                   " refused: the new account's budget cannot hold " +
                                   format_money_exact(size->hold)};
            }
            return {true, job + ": hold moved from " + hold->account + " to " + *account};
        }
        auto resized = db::resize_hold(db, hold->id, shape, "plugin", now_s);
        switch (resized.outcome) {
            case db::ResizeOutcome::kResized:
                return {true, job + ": hold " + hold->id + " resized to " +
                                  format_money_exact(resized.size.hold)};
            case db::ResizeOutcome::kUnchanged:
            case db::ResizeOutcome::kNotOpen:
                return {true, ""};
            case db::ResizeOutcome::kInsufficient:
                return {false, job + ": change refused: the hold would grow to " +
                                   format_money_exact(resized.size.hold) + " but " +
                                   resized.shortfall->account + " has " +
                                   format_money_exact(resized.shortfall->available) + " available"};
        }
        return {true, ""};
    } catch (const db::DbError& e) {
        session_.reset();
        breaker_open_until_ = Clock::now() + std::chrono::seconds(c.breaker_s);
        return {!closed, job + ": database unavailable (" + std::string(e.what()) + "), change " +
                             (closed ? "refused" : "allowed unchecked")};
    }
}

}  // namespace asbb::submit
