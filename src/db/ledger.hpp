// The ledger operations that move money: holds (the plugin's one write),
// charges and releases (the poller), deposits, withdrawals and adjustments
// (the CLI). Every movement is one journal row plus the matching change of
// the summary balances, in one transaction, so the balances always equal the
// sum of the journal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hold_id.hpp"
#include "core/hold_plan.hpp"
#include "core/hold_sizing.hpp"
#include "core/money.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

// How the journal reasons of a hold's own rows begin: its placement ("hold
// for job of N node(s), T s, K task(s) (where those came from)") and each
// resize. Written in db/ and read back for `asbb explain` (db/hold_story).
inline constexpr std::string_view kHoldReasonPrefix = "hold for job of ";
inline constexpr std::string_view kResizeReasonPrefix = "hold resized to ";

struct HoldRequest {
    HoldId id;
    std::string cluster;
    std::string account;  // normalized (lower case)
    std::string partition;
    std::string user_name;
    std::optional<uint32_t> uid;
    JobShape shape;
    // Where the shape's figures came from (HoldPlan::shape_origin), kept in
    // the hold's journal row for `asbb explain`; may be empty.
    std::string shape_origin;
    Money node_hour_price;
    int64_t hold_factor_ppm = 0;
    HoldSize size;
    int64_t now_s = 0;
    std::string actor;  // who placed it: "plugin", a CLI user
};

enum class HoldOutcome {
    kPlaced,
    kAlreadyPlaced,   // same id, same account and amount: a retry, nothing written
    kIdConflict,      // same id, different account or amount: refused
    kInsufficient,    // a level lacks funds (see shortfall)
    kNoActivePeriod,  // a budgeted account has no period covering now
    kNotBudgeted,     // no budget anywhere up the tree: no hold needed
    kUnknownAccount,  // SLURM has no such account on that cluster
    kStale,           // place_planned_hold: the levels changed since they were planned
};

// One name for the kinds of level, here as in core/ and the messages.
using asbb::LevelKind;
using asbb::Shortfall;

struct HoldResult {
    HoldOutcome outcome = HoldOutcome::kPlaced;
    std::optional<Shortfall> shortfall;
    int level_count = 0;  // budgets and limits the hold counts against
};

// Places a hold on the levels core::plan_hold chose, in one round trip: the
// procedure asbb_place_hold_ids (sql/010_hold_path_ids.sql) writes the hold, its
// levels and its journal row and reserves the money (asbb_reserve_ids) in one
// transaction with one durable COMMIT. generation: read_ledger_generation
// when the levels were planned; kStale when it has moved since (nothing
// written: plan again). Deadlocks are retried twice; a lock wait that runs
// out throws DbError kLockWaitTimeout or kStatementTimeout.
HoldResult place_planned_hold(Session& session, const HoldRequest& request,
                              const std::vector<PlannedLevel>& levels, uint64_t generation);

// Plans the levels afresh (core::plan_levels) and places a hold already
// sized in request (the CLI, spool replay, tests).
HoldResult place_hold(Session& session, const SlurmDbName& slurm, const HoldRequest& request);

// Would these levels take amount now? Read without writing or locking, for
// `asbb estimate`, /budget/check and the advisor (kPlaced: it fits). Another
// writer may change the answer a moment later; only placing decides.
HoldResult check_levels(Session& session, const std::vector<PlannedLevel>& levels, Money amount,
                        const std::string& partition, int64_t now_s);

// The verdict of a plan that places nothing: kUnknownAccount, kNotBudgeted
// or kNoActivePeriod (with its shortfall).
HoldResult plan_verdict(const HoldPlan& plan);

// Moves the open hold of a job to another account (scontrol update
// Account=): in one transaction, a new hold (request) is placed on the new
// account's levels and the old one released and pointed at it. Refused as
// a whole when the new account cannot hold it (outcome kInsufficient etc.);
// kNotBudgeted: the new account has no budget, the old hold is released.
HoldResult move_hold(Session& session, const SlurmDbName& slurm, const std::string& old_hold_id,
                     int64_t job_id, const HoldRequest& request);

// The hold that now stands for this one: itself, or the end of the chain of
// holds it was moved to.
std::string current_hold_id(Session& session, const std::string& hold_id);

struct ChargeRequest {
    std::string hold_id;  // 32 hex digits
    Money actual;         // what the run cost
    std::string cluster;
    std::optional<int64_t> job_id;
    std::optional<int64_t> job_db_inx;  // SLURM's job row: a second charge of it is a no-op
    bool final_charge = true;           // release what is left of the hold afterwards
    std::string reason;
    std::string actor;
    int64_t now_s = 0;
};

enum class ChargeOutcome {
    kCharged,
    kChargedAfterClose,  // the hold had ended: charged in full as an overrun
    kAlreadyCharged,     // this job row was charged before: nothing written
    kUnknownHold,
};

struct ChargeResult {
    ChargeOutcome outcome = ChargeOutcome::kCharged;
    Money charged;   // the actual cost recorded as spent
    Money released;  // what was left of the hold and given back
    Money overrun;   // how much the charge exceeded what was still held
};

// Charges a hold. Runs inside the caller's transaction (the poller charges a
// batch in one). An overrun is charged in full: the money is already spent on
// AWS, so the budget may go negative and refuse the next holds.
ChargeResult charge_hold(Session& session, const ChargeRequest& request);

// Charges many runs inside the caller's transaction: each result and the
// ledger afterwards are what charge_hold called for each request in order
// would give, with a fixed number of statements per few hundred runs (the
// poller's batches). Requests with final_charge, without job_db_inx or of
// mixed clusters go through charge_hold one by one.
std::vector<ChargeResult> charge_holds(Session& session,
                                       const std::vector<ChargeRequest>& requests);

// kRelease: given back unused (state released); kExpire: never became a job
// (state expired); kClose: the rest after the job's runs were charged (state
// charged).
enum class ReleaseKind { kRelease, kExpire, kClose };

struct ReleaseResult {
    bool done = false;  // false: unknown hold or already closed
    Money released;
};

// Gives back everything a hold still holds and closes it (released/expired).
// Runs inside the caller's transaction.
ReleaseResult release_hold(Session& session, const std::string& hold_id, ReleaseKind kind,
                           const std::string& reason, const std::string& actor, int64_t now_s);

// release_hold for many holds inside the caller's transaction, with a fixed
// number of statements per few hundred holds; reasons[i] goes with ids[i].
std::vector<ReleaseResult> release_holds(Session& session, const std::vector<std::string>& ids,
                                         ReleaseKind kind, const std::vector<std::string>& reasons,
                                         const std::string& actor, int64_t now_s);

// Allocation changes of one budget. Run inside the caller's transaction.
// withdraw refuses to leave less than nothing available.
void deposit(Session& session, int64_t budget_id, Money amount, const std::string& reason,
             const std::string& actor, int64_t now_s);
Expected<Money> withdraw(Session& session, int64_t budget_id, Money amount,
                         const std::string& reason, const std::string& actor, int64_t now_s);

// Which correction of a charge a row is: a late actual-cost file of
// aws-slurm-burst ("adjust"), or the AWS bill's true-up ("true_up").
enum class SpentCorrection { kAdjust, kTrueUp };

// Corrects what a hold's job was charged: moves spent by delta on every
// level of the hold, as a journal row of the correction's kind. False when
// there is no such hold.
bool adjust_spent(Session& session, const std::string& hold_id, Money delta,
                  const std::string& reason, const std::string& actor, int64_t now_s,
                  SpentCorrection kind = SpentCorrection::kAdjust);

}  // namespace asbb::db

namespace asbb::db {

// Records which SLURM job a hold belongs to (the poller sees the job's
// asbb:hold tag in slurmctld). pending -> linked; a no-op when the hold is
// already linked to that job. False when the hold is unknown or closed.
bool link_hold(Session& session, const std::string& hold_id, const std::string& cluster,
               int64_t job_id, int64_t now_s);

struct OpenHoldInfo {
    std::string id;
    std::string account;
    std::string partition;
    JobShape shape;
    Money node_hour_price;
    int64_t hold_factor_ppm = 0;
    Money amount;
    Money held;
    Money charged;
};

// The open (pending or linked) hold of a job, if it has one.
std::optional<OpenHoldInfo> find_open_hold_for_job(Session& session, const std::string& cluster,
                                                   int64_t job_id);

enum class ResizeOutcome { kResized, kUnchanged, kInsufficient, kNoActivePeriod, kNotOpen };

struct ResizeResult {
    ResizeOutcome outcome = ResizeOutcome::kResized;
    std::optional<Shortfall> shortfall;
    HoldSize size;  // the new estimate and hold
};

// Resizes an open hold that nothing has been charged against yet to a new
// job shape, at the price the hold locked. A larger hold must fit at every
// level as a new hold must (asbb_reserve_ids: active, in its period, with the
// money); a smaller one gives the difference back.
// Its own transaction.
ResizeResult resize_hold(Session& session, const std::string& hold_id, const JobShape& shape,
                         const std::string& actor, int64_t now_s);

}  // namespace asbb::db
