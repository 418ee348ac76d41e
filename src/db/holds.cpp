// Placing, moving, linking and resizing holds.
#include <algorithm>

#include "db/ledger_detail.hpp"

namespace asbb::db {

using detail::BudgetLevel;
using detail::diagnose_refusal;
using detail::hold_entry;
using detail::HoldRefused;
using detail::is_open;
using detail::LevelShort;
using detail::lock_hold;
using detail::place_hold_in_transaction;

HoldResult place_hold(Session& session, const SlurmDbName& slurm, const HoldRequest& request) {
    std::vector<std::string> path = account_path(session, slurm, request.cluster, request.account);
    if (path.empty()) return {HoldOutcome::kUnknownAccount, std::nullopt, 0};
    try {
        return in_transaction(session,
                              [&] { return place_hold_in_transaction(session, path, request); });
    } catch (const HoldRefused& refused) {
        return refused.result;
    } catch (const LevelShort& short_level) {
        return diagnose_refusal(session, short_level, request.size.hold.micro, request.partition);
    }
}

HoldResult check_hold(Session& session, const SlurmDbName& slurm, const HoldRequest& request) {
    std::vector<std::string> path = account_path(session, slurm, request.cluster, request.account);
    if (path.empty()) return {HoldOutcome::kUnknownAccount, std::nullopt, 0};
    return detail::check_hold_levels(session, path, request);
}

HoldResult move_hold(Session& session, const SlurmDbName& slurm, const std::string& old_hold_id,
                     int64_t job_id, const HoldRequest& request) {
    std::vector<std::string> path = account_path(session, slurm, request.cluster, request.account);
    if (path.empty()) return {HoldOutcome::kUnknownAccount, std::nullopt, 0};
    try {
        return in_transaction(session, [&]() -> HoldResult {
            auto old_hold = lock_hold(session, old_hold_id);
            if (!old_hold || !is_open(*old_hold)) {
                throw HoldRefused{{HoldOutcome::kIdConflict, std::nullopt, 0}};
            }
            HoldResult placed = place_hold_in_transaction(session, path, request);
            if (placed.outcome != HoldOutcome::kPlaced &&
                placed.outcome != HoldOutcome::kNotBudgeted) {
                throw HoldRefused{placed};
            }
            const bool budgeted = placed.outcome == HoldOutcome::kPlaced;
            JournalEntry entry = hold_entry(*old_hold, old_hold_id, "release", request.now_s);
            entry.amount_micro = old_hold->held_micro;
            entry.held_delta_micro = -old_hold->held_micro;
            entry.actor = request.actor;
            entry.reason = "job moved to account " + request.account;
            insert_journal(session, entry);
            apply_level_deltas(session, old_hold->levels, -old_hold->held_micro, 0, request.now_s);
            session.exec(
                "UPDATE hold SET held_micro = 0, state = 'released', superseded_by = ?,"
                " updated_at = ? WHERE id = ?",
                {budgeted ? Param{request.id.hex()} : Param{nullptr}, request.now_s, old_hold_id});
            if (budgeted) {
                session.exec("UPDATE hold SET state = 'linked', job_id = ? WHERE id = ?",
                             {job_id, request.id.hex()});
            }
            return placed;
        });
    } catch (const HoldRefused& refused) {
        return refused.result;
    } catch (const LevelShort& short_level) {
        return diagnose_refusal(session, short_level, request.size.hold.micro, request.partition);
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
    Shortfall shortfall;
    HoldSize size;
};

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
                // Grow like a new hold: every level must have the difference.
                std::vector<int64_t> budget_ids;
                std::vector<std::pair<int64_t, int64_t>> limit_ids;  // limit, budget
                for (const auto& level : levels) {
                    budget_ids.push_back(level.budget_id);
                    if (level.partition_limit_id) {
                        limit_ids.emplace_back(*level.partition_limit_id, level.budget_id);
                    }
                }
                std::sort(budget_ids.begin(), budget_ids.end());
                std::sort(limit_ids.begin(), limit_ids.end());
                // Which level to name is decided after the rollback, as for
                // a new hold: the one closest to the job that is short.
                auto refuse = [&](int64_t, bool, int64_t) { throw ResizeRefused{{}, *size}; };
                for (int64_t id : budget_ids) {
                    if (session.exec("UPDATE budget SET held_micro = held_micro + ?, updated_at = ?"
                                     " WHERE id = ? AND allocated_micro - spent_micro - held_micro"
                                     " >= ?",
                                     {delta, now_s, id, delta}) != 1) {
                        refuse(id, false, 0);
                    }
                }
                for (const auto& [limit_id, budget_id] : limit_ids) {
                    if (session.exec("UPDATE partition_limit SET held_micro = held_micro + ?,"
                                     " updated_at = ? WHERE id = ? AND"
                                     " limit_micro - spent_micro - held_micro >= ?",
                                     {delta, now_s, limit_id, delta}) != 1) {
                        refuse(budget_id, true, limit_id);
                    }
                }
            } else {
                apply_level_deltas(session, levels, delta, 0, now_s);
            }
            JournalEntry entry;
            entry.now_s = now_s;
            entry.kind = delta > 0 ? "hold" : "release";
            entry.budget_id = levels.front().budget_id;
            entry.hold_id = hold_id;
            entry.amount_micro = delta > 0 ? delta : -delta;
            entry.held_delta_micro = delta;
            entry.partition = h.str(6);
            entry.user_name = h.str(7);
            entry.job_id = h.opt_i64(8);
            entry.actor = actor;
            entry.reason = "hold resized to " + format_money_exact(size->hold) + " for " +
                           std::to_string(shape.nodes) + " node(s), " +
                           std::to_string(shape.time_limit_s) + " s, " +
                           std::to_string(shape.array_tasks) + " task(s)";
            insert_journal(session, entry);
            session.exec(
                "UPDATE hold SET nodes = ?, time_limit_s = ?, array_tasks = ?, estimate_micro = ?,"
                " amount_micro = ?, held_micro = ?, updated_at = ? WHERE id = ?",
                {shape.nodes, shape.time_limit_s, shape.array_tasks, size->estimate.micro,
                 size->hold.micro, size->hold.micro, now_s, hold_id});
            return {ResizeOutcome::kResized, std::nullopt, *size};
        });
    } catch (const ResizeRefused& refused) {
        // The hold's levels in path order (level 0 is the job's own account).
        auto rows = session.query(
            "SELECT l.budget_id, b.account, b.period_start, b.period_end, l.partition_limit_id,"
            " h.partition_name, h.held_micro FROM hold_level l JOIN budget b ON b.id = l.budget_id"
            " JOIN hold h ON h.id = l.hold_id WHERE l.hold_id = ? ORDER BY l.level_no",
            {hold_id});
        std::vector<BudgetLevel> levels;
        for (size_t i = 0; i < rows.size(); ++i) {
            const Row& r = rows[i];
            levels.push_back({r.i64(0), r.str(1),
                              i == 0 ? LevelKind::kAccount : LevelKind::kAncestor, r.i64(2),
                              r.i64(3), r.opt_i64(4)});
        }
        if (levels.empty()) return {ResizeOutcome::kNotOpen, std::nullopt, refused.size};
        const int64_t growth = refused.size.hold.micro - rows[0].i64(6);
        auto verdict =
            diagnose_refusal(session, LevelShort{levels, 0, false}, growth, rows[0].str(5));
        return {ResizeOutcome::kInsufficient, verdict.shortfall, refused.size};
    }
}

}  // namespace asbb::db
