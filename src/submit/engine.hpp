// The decision job_submit/budget makes for one submission, in C++ and free
// of SLURM headers: plugin/ turns SLURM's job_desc into a SubmitInput and the
// SubmitDecision back into a return code, an err_msg and an admin_comment.
//
// Inside slurmctld every call runs with the controller's locks held, so:
// the config is read on the first submission (never in init), jobs on
// partitions that are not budgeted return before any database call, all
// database work for one call shares one deadline, and after a database
// failure a circuit breaker applies FailPolicy at once for BreakerSeconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/hold_id.hpp"
#include "core/job_shape.hpp"
#include "db/mariadb_session.hpp"

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
    };
    Verdict verdict = Verdict::kPass;
    std::string message;  // for kReject: the one line the user sees
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
    std::string log;  // one line for slurmctld's log (the user sees no text in 22.05)
};

class SubmitEngine {
  public:
    // config_path: asbb.conf; fallback_spool_dir: SLURM's StateSaveLocation.
    SubmitEngine(std::string config_path, std::string fallback_spool_dir);
    ~SubmitEngine();

    // Never throws.
    SubmitDecision submit(const SubmitInput& input) noexcept;

    // Resizes or moves the hold of a job whose time limit, node count or
    // account changes; refuses a change the budget cannot cover. Never throws.
    ModifyDecision modify(const ModifyInput& input) noexcept;

    // admin_comment tag for a hold: "asbb:hold=<id>".
    static std::string hold_tag(const std::string& hold_id);

  private:
    using Clock = std::chrono::steady_clock;

    SubmitDecision decide(const SubmitInput& input);
    // The part of decide() that talks to the database; throws db::DbError.
    SubmitDecision decide_with_database(const SubmitInput& input,
                                        const std::vector<std::string>& budgeted,
                                        const HoldId& hold_id, Clock::time_point deadline);
    ModifyDecision decide_modify(const ModifyInput& input);
    bool load_config(std::string& error);
    SubmitDecision on_database_failure(const SubmitInput& input, const std::string& partition,
                                       const std::string& why);
    db::MariaSession& session(Clock::time_point deadline);

    std::mutex mutex_;  // one connection: calls for one controller are serialized
    std::string config_path_;
    std::string fallback_spool_dir_;
    std::optional<Config> config_;
    std::unique_ptr<db::MariaSession> session_;
    Clock::time_point breaker_open_until_{};
};

}  // namespace asbb::submit
