// The decision job_submit/budget makes for one submission, in C++ and free
// of SLURM headers: plugin/ turns SLURM's job_desc into a SubmitInput and the
// SubmitDecision back into a return code, an err_msg and an admin_comment.
//
// Inside slurmctld every call runs with the controller's locks held, so:
// the config is read on the first submission (never in init), jobs on
// partitions that are not budgeted return before any database call, all
// database work for one call shares one deadline, and after a database
// outage a circuit breaker applies FailPolicy at once for BreakerSeconds,
// except that one call per BreakerProbeMs tries the database (half-open): a
// success closes the breaker, so jobs go in again about one probe interval
// after the server is back.
// A misconfiguration (a missing table, column, grant or migration) is not
// an outage: it is reported as such, and the next call tries again.
//
// From SLURM 23.02 calls arrive concurrently: each takes one of
// PluginSessions pooled sessions (session_pool.hpp); the config, the ledger
// copy (ledger_cache.hpp) and the breaker are shared.
//
// A hold costs two round trips on a warm session: the account's path with
// the ledger generation, then asbb_place_hold_ids (one transaction, one durable
// COMMIT). What the job holds and where is decided by core::plan_hold, as
// everywhere else. A budget row that stays locked past the statement time
// is "busy", not an outage: the breaker opens only when the server cannot
// be reached or does not answer.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/hold_id.hpp"
#include "core/job_shape.hpp"
#include "db/connect.hpp"
#include "db/session.hpp"

namespace asbb::submit {

struct SubmitInput {
    std::string account;    // as given, or the user's default account; any case
    std::string partition;  // as given (may be a comma list), or the default partition
    std::string user_name;
    uint32_t uid = 0;
    SubmitShape shape;
};

struct SubmitDecision {
    enum class Verdict {
        kPass,             // not budgeted: nothing to hold
        kAccept,           // hold placed
        kAcceptUnsecured,  // FailPolicy=open: accepted, hold spooled for the poller
        kReject,
        // EnforcePolicy=shadow: accepted without a hold; message says what
        // enforce would have refused it with (submit/shadow.hpp)
        kShadowAccept,
    };
    Verdict verdict = Verdict::kPass;
    std::string message;  // for kReject: the one line the user sees (kShadowAccept: would see)
    std::string hold_id;  // for kAccept / kAcceptUnsecured
    std::string log;      // one line for slurmctld's log, may be empty
};

// What job_modify may change that moves money. Unset: unchanged.
struct ModifyInput {
    int64_t job_id = 0;
    std::optional<int64_t> time_limit_min;
    bool time_unlimited = false;
    std::optional<int64_t> min_nodes;
    std::optional<std::string> account;
    std::optional<std::string> partition;

    bool touches_money() const {
        return time_limit_min || time_unlimited || min_nodes || account || partition;
    }
};

struct ModifyDecision {
    bool allow = true;
    std::string message;  // for a refusal: the one line the user sees (SLURM 23.02+)
    std::string log;      // one line for slurmctld's log, may be empty
};

// What the engine talks to, replaceable by tests: the database sessions it
// opens (the fault-injection seam) and the wall clock its holds are dated by.
struct EngineSeams {
    using Clock = std::chrono::steady_clock;
    // Connects by the deadline; throws db::DbError.
    std::function<std::unique_ptr<db::DeadlineSession>(const db::ConnectParams&,
                                                       Clock::time_point deadline)>
        open_session;
    std::function<int64_t()> now_s;
    static EngineSeams real();
};

class SubmitEngine {
  public:
    // config_path: asbb.conf; fallback_spool_dir: SLURM's StateSaveLocation.
    SubmitEngine(std::string config_path, std::string fallback_spool_dir,
                 EngineSeams seams = EngineSeams::real());
    ~SubmitEngine();

    // Whether any of a job's partitions (a comma list) is budgeted: a string
    // comparison, so that the plugin looks nothing else up for other jobs.
    // True while asbb.conf cannot be read (submit then says why).
    bool budgeted(const std::string& partitions) noexcept;

    // Never throws. Safe to call from several threads at once.
    SubmitDecision submit(const SubmitInput& input) noexcept;

    // Resizes or moves the hold of a job whose time limit, node count or
    // account changes; refuses a change the budget cannot cover. Never
    // throws; safe to call from several threads at once.
    ModifyDecision modify(const ModifyInput& input) noexcept;

    // admin_comment tag for a hold: "asbb:hold=<id>".
    static std::string hold_tag(const std::string& hold_id);

  private:
    using Clock = std::chrono::steady_clock;
    // What one call's database work came to, besides its own answer.
    enum class DbOutcome {
        kDone,           // the work ran (its answer is the caller's)
        kBusy,           // every session stayed taken, or a row stayed locked: not an outage
        kBreakerOpen,    // another call found the database down meanwhile
        kMisconfigured,  // schema, grant or login problem: breaker untouched
        kOutage,         // connection failed or deadline passed: breaker opened
    };
    struct DbAttempt {
        DbOutcome outcome = DbOutcome::kDone;
        std::string why;  // for the log
        // Sessions of the pool leased, this call's included, once it had
        // its own: logged, so that overlapping calls (23.02+) can be seen.
        int sessions_in_use = 0;
    };
    struct Loaded;  // asbb.conf, the session pool sized by it, the ledger copy

    // The decision under EnforcePolicy: under shadow a refusal becomes an
    // acceptance without a hold (submit/shadow.hpp).
    template <class Decision>
    Decision under_policy(Decision decision) const noexcept;
    SubmitDecision decide(const SubmitInput& input);
    ModifyDecision decide_modify(const ModifyInput& input);
    // Runs work(session) on a pooled session by the deadline, retrying once
    // on a fresh connection when a kept one turns out dead.
    // probing: this call was let through an open breaker to try the server.
    template <class Work>
    DbAttempt with_session(Loaded& loaded, Clock::time_point deadline, bool probing, Work&& work);
    db::DeadlineSession& open_session(const Config& c, std::unique_ptr<db::DeadlineSession>& slot,
                                      Clock::time_point deadline);
    // Throws db::DbError.
    SubmitDecision decide_with_database(db::DeadlineSession& db, Loaded& loaded,
                                        const SubmitInput& input, const HoldId& hold_id);
    ModifyDecision modify_with_database(db::DeadlineSession& db, const Config& c,
                                        const ModifyInput& input);
    // Reads asbb.conf the first time; null (and why) while it cannot.
    Loaded* load(std::string& error);
    // hold_id: the one the database may already have (a lost reply after
    // COMMIT), so that the poller's replay finds it instead of holding twice.
    SubmitDecision on_database_failure(const Config& c, const SubmitInput& input,
                                       const std::string& partition, const HoldId& hold_id,
                                       const std::string& why);
    bool breaker_open(Clock::time_point now) const;
    // While the breaker is open: true for the one call per BreakerProbeMs
    // that may try the database.
    bool claim_probe(const Config& c, Clock::time_point now);
    void open_breaker(const Config& c);
    void close_breaker();
    // Whether a call may skip the database because the breaker is open;
    // probing is set when it is the probe instead.
    bool skip_for_breaker(const Config& c, Clock::time_point now, bool& probing);

    std::string config_path_;
    std::string fallback_spool_dir_;
    EngineSeams seams_;
    // Held only while asbb.conf is read, never across a database call.
    std::mutex load_mutex_;
    std::unique_ptr<Loaded> loaded_owner_;
    std::atomic<Loaded*> loaded_{nullptr};  // set once, then read without the mutex
    // steady_clock ticks until which FailPolicy applies without trying the
    // database; 0: closed.
    std::atomic<Clock::rep> breaker_open_until_{0};
    // steady_clock ticks before which no call probes an open breaker.
    std::atomic<Clock::rep> breaker_next_probe_{0};
};

}  // namespace asbb::submit
