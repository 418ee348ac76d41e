// Placing, moving, linking and resizing holds.
#include <algorithm>

#include "db/ledger_detail.hpp"
#include "db/ledger_view.hpp"

namespace asbb::db {

using detail::hold_entry;
using detail::HoldRefused;
using detail::is_open;
using detail::is_reserve_short;
using detail::levels_of_hold;
using detail::lock_hold;
using detail::refusal_result;

namespace {

// asbb_reserve_ids refused inside a transaction: rolled back, then the levels
// are read to name the one to blame.
struct ReserveShort {};

// What the new levels have once the old hold is given back: the refused move
// was decided with it released, so a level both holds share is blamed for
// what it would have had, not for what the rolled-back hold still keeps.
std::vector<LevelFunds> funds_after_release(Session& session,
                                            const std::vector<PlannedLevel>& levels,
                                            const std::string& old_hold_id, int64_t now_s) {
    std::vector<LevelFunds> funds = read_level_funds(session, levels, now_s);
    const auto old_hold = lock_hold(session, old_hold_id);
    if (!old_hold || !is_open(*old_hold)) return funds;
    for (size_t i = 0; i < levels.size() && i < funds.size(); ++i) {
        for (const HoldLevel& old_level : old_hold->levels) {
            if (old_level.budget_id == levels[i].budget_id) {
                funds[i].budget_available.micro += old_hold->held_micro;
            }
            if (funds[i].limit_available && old_level.partition_limit_id &&
                old_level.partition_limit_id == levels[i].limit_id) {
                funds[i].limit_available->micro += old_hold->held_micro;
            }
        }
    }
    return funds;
}

// Gives the old hold's money back on its levels, inside the move's
// transaction.
void release_moved_hold(Session& session, const detail::OpenHold& old_hold,
                        const std::string& old_hold_id, const HoldRequest& request) {
    JournalEntry entry = hold_entry(old_hold, old_hold_id, "release", request.now_s);
    entry.amount_micro = old_hold.held_micro;
    entry.held_delta_micro = -old_hold.held_micro;
    entry.actor = request.actor;
    entry.reason = "job moved to account " + request.account;
    insert_journal(session, entry);
    apply_level_deltas(session, old_hold.levels, -old_hold.held_micro, 0, request.now_s);
    session.exec("UPDATE hold SET held_micro = 0, state = 'released', updated_at = ? WHERE id = ?",
                 {request.now_s, old_hold_id});
}

}  // namespace

// The old hold is given back before the new one is reserved, in one
// transaction: a job moved between two accounts under the same parent needs
// the parent to hold its money once, not twice. A refusal rolls both back.
// The two level sets are locked one after the other, each in lock order; a
// deadlock with another writer that crosses them is retried as a whole.
HoldResult move_hold(Session& session, const SlurmDbName& slurm, const std::string& old_hold_id,
                     int64_t job_id, const HoldRequest& request) {
    DbLedgerView view(session, slurm, request.cluster);
    const HoldPlan plan = plan_levels(request.account, request.partition, request.now_s, view);
    if (plan.outcome != PlanOutcome::kHold && plan.outcome != PlanOutcome::kAccountNotBudgeted) {
        return plan_verdict(plan);
    }
    const bool budgeted = plan.outcome == PlanOutcome::kHold;
    try {
        return in_transaction(session, [&]() -> HoldResult {
            auto old_hold = lock_hold(session, old_hold_id);
            if (!old_hold || !is_open(*old_hold)) {
                throw HoldRefused{{HoldOutcome::kIdConflict, std::nullopt, 0}};
            }
            release_moved_hold(session, *old_hold, old_hold_id, request);
            if (!budgeted) return HoldResult{HoldOutcome::kNotBudgeted, std::nullopt, 0};
            try {
                session.exec(
                    "CALL asbb_insert_hold_ids(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?, ?, ?, ?)",
                    detail::insert_hold_params(request, plan.levels));
            } catch (const DbError& e) {
                if (is_reserve_short(e)) throw ReserveShort{};
                throw;
            }
            session.exec("UPDATE hold SET superseded_by = ? WHERE id = ?",
                         {request.id.hex(), old_hold_id});
            session.exec("UPDATE hold SET state = 'linked', job_id = ? WHERE id = ?",
                         {job_id, request.id.hex()});
            return HoldResult{HoldOutcome::kPlaced, std::nullopt,
                              static_cast<int>(plan.levels.size())};
        });
    } catch (const HoldRefused& refused) {
        return refused.result;
    } catch (const ReserveShort&) {
        return refusal_result(plan.levels,
                              funds_after_release(session, plan.levels, old_hold_id, request.now_s),
                              request.size.hold, request.partition);
    }
}

std::string current_hold_id(Session& session, const std::string& hold_id) {
    std::string current = hold_id;
    // A chain is as long as the job's account moves; bound it all the same.
    for (int hops = 0; hops < 100; ++hops) {
        auto rows = session.query("SELECT superseded_by FROM hold WHERE id = ?", {current});
        if (rows.empty() || rows[0].is_null(0)) return current;
        current = rows[0].str(0);
    }
    return current;
}

bool link_hold(Session& session, const std::string& hold_id, const std::string& cluster,
               int64_t job_id, int64_t now_s) {
    session.exec(
        "UPDATE hold SET state = 'linked', job_id = ?, updated_at = ? WHERE id = ? AND cluster = ?"
        " AND state = 'pending'",
        {job_id, now_s, hold_id, cluster});
    auto rows = session.query(
        "SELECT 1 FROM hold WHERE id = ? AND job_id = ? AND state IN ('linked', 'charged')",
        {hold_id, job_id});
    return !rows.empty();
}

std::optional<OpenHoldInfo> find_open_hold_for_job(Session& session, const std::string& cluster,
                                                   int64_t job_id) {
    auto rows = session.query(
        "SELECT id, account, partition_name, nodes, time_limit_s, array_tasks,"
        " node_hour_price_micro, hold_factor_ppm, amount_micro, held_micro, charged_micro"
        " FROM hold WHERE cluster = ? AND job_id = ? AND state IN ('pending', 'linked')"
        " ORDER BY created_at DESC LIMIT 1",
        {cluster, job_id});
    if (rows.empty()) return std::nullopt;
    const Row& r = rows[0];
    return OpenHoldInfo{
        r.str(0),        r.str(1), r.str(2),        JobShape{r.i64(3), r.i64(4), r.i64(5)},
        Money{r.i64(6)}, r.i64(7), Money{r.i64(8)}, Money{r.i64(9)},
        Money{r.i64(10)}};
}

namespace {

struct ResizeRefused {
    HoldSize size;
    int64_t growth_micro = 0;
    std::string partition;
};

JournalEntry resize_entry(const Row& hold, const std::string& hold_id, int64_t delta,
                          const JobShape& shape, const HoldSize& size) {
    JournalEntry entry;
    entry.kind = delta > 0 ? "hold" : "release";
    entry.hold_id = hold_id;
    entry.amount_micro = delta > 0 ? delta : -delta;
    entry.held_delta_micro = delta;
    entry.partition = hold.str(6);
    entry.user_name = hold.str(7);
    entry.job_id = hold.opt_i64(8);
    entry.reason = std::string(kResizeReasonPrefix) + format_money_exact(size.hold) + " for " +
                   std::to_string(shape.nodes) + " node(s), " + std::to_string(shape.time_limit_s) +
                   " s, " + std::to_string(shape.array_tasks) + " task(s)";
    return entry;
}

}  // namespace

ResizeResult resize_hold(Session& session, const std::string& hold_id, const JobShape& shape,
                         const std::string& actor, int64_t now_s) {
    try {
        return in_transaction(session, [&]() -> ResizeResult {
            auto rows = session.query(
                "SELECT state, held_micro, charged_micro, amount_micro, node_hour_price_micro,"
                " hold_factor_ppm, partition_name, user_name, job_id FROM hold WHERE id = ?"
                " FOR UPDATE",
                {hold_id});
            if (rows.empty()) return {ResizeOutcome::kNotOpen, std::nullopt, {}};
            const Row& h = rows[0];
            const std::string state = h.str(0);
            // Once a run has been charged the hold is being drawn down; its
            // size is the poller's business from then on.
            if ((state != "pending" && state != "linked") || h.i64(2) != 0) {
                return {ResizeOutcome::kNotOpen, std::nullopt, {}};
            }
            auto size = size_hold(shape, Money{h.i64(4)}, h.i64(5));
            if (!size) throw DbError(DbErrorKind::kOther, 0, size.error());
            const int64_t delta = size->hold.micro - h.i64(1);
            if (delta == 0) return {ResizeOutcome::kUnchanged, std::nullopt, *size};

            std::vector<HoldLevel> levels = load_hold_levels(session, hold_id);
            if (delta > 0) {
                // Grow as a new hold is placed: the one reserve on levels.
                try {
                    const detail::LevelLists lists = detail::level_lists(levels);
                    session.exec("CALL asbb_reserve_ids(?, ?, ?, ?)",
                                 {lists.budget_ids, lists.limit_ids, delta, now_s});
                } catch (const DbError& e) {
                    if (is_reserve_short(e)) throw ResizeRefused{*size, delta, h.str(6)};
                    throw;
                }
            } else {
                apply_level_deltas(session, levels, delta, 0, now_s);
            }
            JournalEntry entry = resize_entry(h, hold_id, delta, shape, *size);
            entry.now_s = now_s;
            entry.budget_id = levels.front().budget_id;
            entry.actor = actor;
            insert_journal(session, entry);
            session.exec(
                "UPDATE hold SET nodes = ?, time_limit_s = ?, array_tasks = ?, estimate_micro = ?,"
                " amount_micro = ?, held_micro = ?, updated_at = ? WHERE id = ?",
                {shape.nodes, shape.time_limit_s, shape.array_tasks, size->estimate.micro,
                 size->hold.micro, size->hold.micro, now_s, hold_id});
            return {ResizeOutcome::kResized, std::nullopt, *size};
        });
    } catch (const ResizeRefused& refused) {
        const std::vector<PlannedLevel> levels = levels_of_hold(session, hold_id);
        if (levels.empty()) return {ResizeOutcome::kNotOpen, std::nullopt, refused.size};
        const HoldResult verdict = refusal_result(levels, read_level_funds(session, levels, now_s),
                                                  Money{refused.growth_micro}, refused.partition);
        const ResizeOutcome outcome = verdict.outcome == HoldOutcome::kNoActivePeriod
                                          ? ResizeOutcome::kNoActivePeriod
                                          : ResizeOutcome::kInsufficient;
        return {outcome, verdict.shortfall, refused.size};
    }
}

}  // namespace asbb::db
