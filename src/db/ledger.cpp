#include "db/ledger.hpp"

#include <algorithm>
#include <map>

#include "db/journal.hpp"

namespace asbb::db {

namespace {

// A budget that a new hold must fit in, as read inside the transaction.
struct BudgetLevel {
    int64_t budget_id = 0;
    std::string account;
    LevelKind kind = LevelKind::kAccount;
    int64_t period_start = 0;
    int64_t period_end = 0;
    std::optional<int64_t> limit_id;
};

// Thrown inside the hold transaction to roll it back with a verdict.
struct HoldRefused {
    HoldResult result;
};

// Thrown when a level's conditional UPDATE changed nothing: the transaction
// rolls back first, then the levels are read afresh to name the one to blame.
struct LevelShort {
    std::vector<BudgetLevel> levels;
    size_t failed = 0;  // index of the level whose UPDATE failed
    bool at_limit = false;
};

std::string in_list(size_t count) {
    std::string text = "(";
    for (size_t i = 0; i < count; ++i) text += i == 0 ? "?" : ", ?";
    return text + ")";
}

// The budgets of every account on the path that covers now. An account with
// budgets but none covering now refuses the hold: its money is not there.
std::vector<BudgetLevel> budget_levels(Session& session, const std::vector<std::string>& path,
                                       const std::string& cluster, int64_t now_s) {
    Params params(path.begin(), path.end());
    params.emplace_back(cluster);
    auto rows = session.query(
        "SELECT id, account, period_start, period_end FROM budget WHERE status = 'active'"
        " AND account IN " +
            in_list(path.size()) + " AND cluster IN (?, '') ORDER BY id",
        params);
    std::map<std::string, std::vector<const Row*>> by_account;
    for (const auto& row : rows) by_account[row.str(1)].push_back(&row);

    std::vector<BudgetLevel> levels;
    for (size_t depth = 0; depth < path.size(); ++depth) {
        auto found = by_account.find(path[depth]);
        if (found == by_account.end()) continue;
        const LevelKind kind = depth == 0 ? LevelKind::kAccount : LevelKind::kAncestor;
        bool covered = false;
        const Row* nearest = nullptr;
        for (const Row* row : found->second) {
            if (row->i64(2) <= now_s && now_s < row->i64(3)) {
                levels.push_back({row->i64(0), path[depth], kind, row->i64(2), row->i64(3), {}});
                covered = true;
            } else if (nearest == nullptr || row->i64(3) > nearest->i64(3)) {
                nearest = row;  // the latest period, named in the refusal
            }
        }
        if (!covered) {
            Shortfall shortfall{kind, path[depth], "", Money{0}, nearest->i64(2), nearest->i64(3)};
            throw HoldRefused{{HoldOutcome::kNoActivePeriod, shortfall, 0}};
        }
    }
    return levels;
}

void attach_partition_limits(Session& session, std::vector<BudgetLevel>& levels,
                             const std::string& partition) {
    Params params;
    for (const auto& level : levels) params.emplace_back(level.budget_id);
    params.emplace_back(partition);
    auto rows = session.query("SELECT id, budget_id FROM partition_limit WHERE budget_id IN " +
                                  in_list(levels.size()) + " AND partition_name = ?",
                              params);
    for (const auto& row : rows) {
        for (auto& level : levels) {
            if (level.budget_id == row.i64(1)) level.limit_id = row.i64(0);
        }
    }
}

Money level_available(Session& session, const BudgetLevel& level, bool at_limit) {
    auto rows = at_limit ? session.query(
                               "SELECT limit_micro - spent_micro - held_micro FROM partition_limit"
                               " WHERE id = ?",
                               {*level.limit_id})
                         : session.query(
                               "SELECT allocated_micro - spent_micro - held_micro FROM budget"
                               " WHERE id = ?",
                               {level.budget_id});
    return Money{rows.empty() ? 0 : rows[0].i64(0)};
}

Shortfall shortfall_of(const BudgetLevel& level, bool at_limit, const std::string& partition,
                       Money available) {
    return Shortfall{at_limit ? LevelKind::kPartitionLimit : level.kind,
                     level.account,
                     at_limit ? partition : "",
                     available,
                     level.period_start,
                     level.period_end};
}

// Which level to name when several lack funds: the one closest to the job
// (the account's own budget, then its ancestors upwards, then partition
// limits), because that is the one the user's project can do something about.
HoldResult diagnose_refusal(Session& session, const LevelShort& short_level, int64_t amount,
                            const std::string& partition) {
    for (bool at_limit : {false, true}) {
        for (const auto& level : short_level.levels) {
            if (at_limit && !level.limit_id) continue;
            Money available = level_available(session, level, at_limit);
            if (available.micro < amount) {
                return {HoldOutcome::kInsufficient,
                        shortfall_of(level, at_limit, partition, available), 0};
            }
        }
    }
    // Funds were freed between the refusal and this look: name the level
    // that refused, with what it has now.
    const auto& level = short_level.levels[short_level.failed];
    return {HoldOutcome::kInsufficient,
            shortfall_of(level, short_level.at_limit, partition,
                         level_available(session, level, short_level.at_limit)),
            0};
}

HoldResult existing_hold_verdict(Session& session, const HoldRequest& request) {
    auto rows =
        session.query("SELECT account, amount_micro FROM hold WHERE id = ?", {request.id.hex()});
    if (rows.empty()) {
        // The row that collided was rolled back meanwhile; the caller may retry.
        throw DbError(DbErrorKind::kDeadlock, 0, "hold " + request.id.hex() + " vanished");
    }
    bool same = rows[0].str(0) == request.account && rows[0].i64(1) == request.size.hold.micro;
    return {same ? HoldOutcome::kAlreadyPlaced : HoldOutcome::kIdConflict, std::nullopt, 0};
}

HoldResult place_hold_in_transaction(Session& session, const std::vector<std::string>& path,
                                     const HoldRequest& request) {
    std::vector<BudgetLevel> levels = budget_levels(session, path, request.cluster, request.now_s);
    if (levels.empty()) return {HoldOutcome::kNotBudgeted, std::nullopt, 0};
    attach_partition_limits(session, levels, request.partition);

    const std::string hold_id = request.id.hex();
    const int64_t amount = request.size.hold.micro;
    try {
        session.exec(
            "INSERT INTO hold (id, state, cluster, account, partition_name, user_name, uid, nodes,"
            " time_limit_s, array_tasks, node_hour_price_micro, hold_factor_ppm, estimate_micro,"
            " amount_micro, held_micro, created_at, updated_at)"
            " VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {hold_id, request.cluster, request.account, request.partition, request.user_name,
             request.uid ? Param{int64_t{*request.uid}} : Param{nullptr}, request.shape.nodes,
             request.shape.time_limit_s, request.shape.array_tasks, request.node_hour_price.micro,
             request.hold_factor_ppm, request.size.estimate.micro, amount, amount, request.now_s,
             request.now_s});
    } catch (const DbError& e) {
        if (e.kind() != DbErrorKind::kDuplicateKey) throw;
        return existing_hold_verdict(session, request);
    }

    // One global lock order: budgets by id, then partition limits by id.
    std::vector<const BudgetLevel*> by_budget;
    for (const auto& level : levels) by_budget.push_back(&level);
    std::sort(by_budget.begin(), by_budget.end(),
              [](auto* a, auto* b) { return a->budget_id < b->budget_id; });
    for (const BudgetLevel* level : by_budget) {
        uint64_t changed = session.exec(
            "UPDATE budget SET held_micro = held_micro + ?, updated_at = ? WHERE id = ?"
            " AND status = 'active' AND period_start <= ? AND period_end > ?"
            " AND allocated_micro - spent_micro - held_micro >= ?",
            {amount, request.now_s, level->budget_id, request.now_s, request.now_s, amount});
        if (changed != 1) {
            throw LevelShort{levels, static_cast<size_t>(level - levels.data()), false};
        }
    }
    std::sort(by_budget.begin(), by_budget.end(),
              [](auto* a, auto* b) { return a->limit_id < b->limit_id; });
    for (const BudgetLevel* level : by_budget) {
        if (!level->limit_id) continue;
        uint64_t changed = session.exec(
            "UPDATE partition_limit SET held_micro = held_micro + ?, updated_at = ? WHERE id = ?"
            " AND limit_micro - spent_micro - held_micro >= ?",
            {amount, request.now_s, *level->limit_id, amount});
        if (changed != 1) {
            throw LevelShort{levels, static_cast<size_t>(level - levels.data()), true};
        }
    }

    std::string insert_levels =
        "INSERT INTO hold_level (hold_id, level_no, budget_id, partition_limit_id) VALUES ";
    Params level_params;
    for (size_t i = 0; i < levels.size(); ++i) {
        insert_levels += i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
        level_params.insert(level_params.end(),
                            {hold_id, static_cast<int64_t>(i), levels[i].budget_id,
                             optional_param(levels[i].limit_id)});
    }
    session.exec(insert_levels, level_params);

    JournalEntry entry;
    entry.now_s = request.now_s;
    entry.kind = "hold";
    entry.budget_id = levels.front().budget_id;
    entry.hold_id = hold_id;
    entry.amount_micro = amount;
    entry.held_delta_micro = amount;
    entry.cluster = request.cluster;
    entry.partition = request.partition;
    entry.user_name = request.user_name;
    entry.actor = request.actor;
    entry.reason = "hold for job of " + std::to_string(request.shape.nodes) + " node(s), " +
                   std::to_string(request.shape.time_limit_s) + " s, " +
                   std::to_string(request.shape.array_tasks) + " task(s)";
    insert_journal(session, entry);
    return {HoldOutcome::kPlaced, std::nullopt, static_cast<int>(levels.size())};
}

struct OpenHold {
    std::string state;
    int64_t held_micro = 0;
    std::string partition;
    std::string user_name;
    std::optional<int64_t> job_id;
    std::vector<HoldLevel> levels;
};

std::optional<OpenHold> lock_hold(Session& session, const std::string& hold_id) {
    auto rows = session.query(
        "SELECT state, held_micro, partition_name, user_name, job_id FROM hold WHERE id = ?"
        " FOR UPDATE",
        {hold_id});
    if (rows.empty()) return std::nullopt;
    OpenHold hold{rows[0].str(0), rows[0].i64(1),     rows[0].str(2),
                  rows[0].str(3), rows[0].opt_i64(4), load_hold_levels(session, hold_id)};
    return hold;
}

bool is_open(const OpenHold& hold) {
    return hold.state == "pending" || hold.state == "linked";
}

JournalEntry hold_entry(const OpenHold& hold, const std::string& hold_id, std::string kind,
                        int64_t now_s) {
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = std::move(kind);
    entry.budget_id = hold.levels.front().budget_id;
    entry.hold_id = hold_id;
    entry.partition = hold.partition;
    entry.user_name = hold.user_name;
    entry.job_id = hold.job_id;
    return entry;
}

}  // namespace

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

ChargeResult charge_hold(Session& session, const ChargeRequest& request) {
    auto hold = lock_hold(session, request.hold_id);
    if (!hold) return {ChargeOutcome::kUnknownHold, {}, {}, {}};
    // Money a job spent is recorded even when its hold has already ended
    // (expired, released, or closed before a late row arrived): it is charged
    // in full as an overrun, since nothing is held for it any more.
    const bool open = is_open(*hold);
    if (request.job_id) hold->job_id = request.job_id;

    const int64_t from_hold =
        open ? std::clamp<int64_t>(request.actual.micro, 0, hold->held_micro) : 0;
    JournalEntry charge = hold_entry(*hold, request.hold_id, "charge", request.now_s);
    charge.amount_micro = request.actual.micro;
    charge.held_delta_micro = -from_hold;
    charge.spent_delta_micro = request.actual.micro;
    charge.cluster = request.cluster;
    charge.job_db_inx = request.job_db_inx;
    charge.actor = request.actor;
    charge.reason = request.reason;
    try {
        // The journal row goes first: its unique (cluster, job_db_inx) key is
        // what makes a second charge of the same job run a no-op.
        insert_journal(session, charge);
    } catch (const DbError& e) {
        if (e.kind() == DbErrorKind::kDuplicateKey)
            return {ChargeOutcome::kAlreadyCharged, {}, {}, {}};
        throw;
    }
    apply_level_deltas(session, hold->levels, -from_hold, request.actual.micro, request.now_s);

    ChargeResult result{open ? ChargeOutcome::kCharged : ChargeOutcome::kChargedAfterClose,
                        request.actual, Money{0}, Money{request.actual.micro - from_hold}};
    int64_t still_held = hold->held_micro - from_hold;
    if (open && request.final_charge && still_held > 0) {
        JournalEntry release = hold_entry(*hold, request.hold_id, "release", request.now_s);
        release.amount_micro = still_held;
        release.held_delta_micro = -still_held;
        release.cluster = request.cluster;
        release.actor = request.actor;
        release.reason = "rest of hold after final charge";
        insert_journal(session, release);
        apply_level_deltas(session, hold->levels, -still_held, 0, request.now_s);
        result.released = Money{still_held};
        still_held = 0;
    }
    session.exec(
        "UPDATE hold SET held_micro = ?, charged_micro = charged_micro + ?, job_id = ?,"
        " state = IF(?, 'charged', state), updated_at = ? WHERE id = ?",
        {still_held, request.actual.micro, optional_param(hold->job_id),
         int64_t{open && request.final_charge ? 1 : 0}, request.now_s, request.hold_id});
    return result;
}

ReleaseResult release_hold(Session& session, const std::string& hold_id, ReleaseKind kind,
                           const std::string& reason, const std::string& actor, int64_t now_s) {
    auto hold = lock_hold(session, hold_id);
    if (!hold || !is_open(*hold)) return {false, {}};
    const char* kind_text = kind == ReleaseKind::kExpire ? "expire" : "release";
    JournalEntry entry = hold_entry(*hold, hold_id, kind_text, now_s);
    entry.amount_micro = hold->held_micro;
    entry.held_delta_micro = -hold->held_micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    apply_level_deltas(session, hold->levels, -hold->held_micro, 0, now_s);
    const char* state = kind == ReleaseKind::kExpire  ? "expired"
                        : kind == ReleaseKind::kClose ? "charged"
                                                      : "released";
    session.exec("UPDATE hold SET held_micro = 0, state = ?, updated_at = ? WHERE id = ?",
                 {std::string(state), now_s, hold_id});
    return {true, Money{hold->held_micro}};
}

void deposit(Session& session, int64_t budget_id, Money amount, const std::string& reason,
             const std::string& actor, int64_t now_s) {
    session.exec(
        "UPDATE budget SET allocated_micro = allocated_micro + ?, updated_at = ? WHERE id = ?",
        {amount.micro, now_s, budget_id});
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = "deposit";
    entry.budget_id = budget_id;
    entry.amount_micro = amount.micro;
    entry.allocated_delta_micro = amount.micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
}

Expected<Money> withdraw(Session& session, int64_t budget_id, Money amount,
                         const std::string& reason, const std::string& actor, int64_t now_s) {
    uint64_t changed = session.exec(
        "UPDATE budget SET allocated_micro = allocated_micro - ?, updated_at = ? WHERE id = ?"
        " AND allocated_micro - spent_micro - held_micro >= ?",
        {amount.micro, now_s, budget_id, amount.micro});
    if (changed != 1) {
        auto rows = session.query(
            "SELECT allocated_micro - spent_micro - held_micro FROM budget WHERE id = ?",
            {budget_id});
        Money available{rows.empty() ? 0 : rows[0].i64(0)};
        return make_error("cannot withdraw " + format_money_exact(amount) + ": only " +
                          format_money_exact(available) + " is available");
    }
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = "withdraw";
    entry.budget_id = budget_id;
    entry.amount_micro = amount.micro;
    entry.allocated_delta_micro = -amount.micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    return amount;
}

bool adjust_spent(Session& session, const std::string& hold_id, Money delta,
                  const std::string& reason, const std::string& actor, int64_t now_s) {
    auto hold = lock_hold(session, hold_id);
    if (!hold || hold->levels.empty()) return false;
    JournalEntry entry = hold_entry(*hold, hold_id, "adjust", now_s);
    entry.amount_micro = delta.micro;
    entry.spent_delta_micro = delta.micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    apply_level_deltas(session, hold->levels, 0, delta.micro, now_s);
    session.exec("UPDATE hold SET charged_micro = charged_micro + ?, updated_at = ? WHERE id = ?",
                 {delta.micro, now_s, hold_id});
    return true;
}

}  // namespace asbb::db

namespace asbb::db {

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
