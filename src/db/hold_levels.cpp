// The levels a hold counts against: reading them, placing a hold on them in
// one global lock order, and naming the level to blame when one is short.
#include <algorithm>
#include <map>

#include "db/ledger_detail.hpp"

namespace asbb::db::detail {

namespace {

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

}  // namespace

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

HoldResult check_hold_levels(Session& session, const std::vector<std::string>& path,
                             const HoldRequest& request) {
    std::vector<BudgetLevel> levels;
    try {
        levels = budget_levels(session, path, request.cluster, request.now_s);
    } catch (const HoldRefused& refused) {
        return refused.result;
    }
    if (levels.empty()) return {HoldOutcome::kNotBudgeted, std::nullopt, 0};
    attach_partition_limits(session, levels, request.partition);
    const int64_t amount = request.size.hold.micro;
    // The same order diagnose_refusal names levels in: the account's own
    // budget, its ancestors upwards, then the partition limits.
    for (bool at_limit : {false, true}) {
        for (const auto& level : levels) {
            if (at_limit && !level.limit_id) continue;
            const Money available = level_available(session, level, at_limit);
            if (amount > 0 && available.micro < amount) {
                return {HoldOutcome::kInsufficient,
                        shortfall_of(level, at_limit, request.partition, available),
                        static_cast<int>(levels.size())};
            }
        }
    }
    return {HoldOutcome::kPlaced, std::nullopt, static_cast<int>(levels.size())};
}

namespace {

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

}  // namespace

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
    // A hold of nothing moves no balance (and must not be refused by a budget
    // already overrun: the poller records a job accepted without the
    // database that way, so its runs can be charged).
    if (amount == 0) by_budget.clear();
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

}  // namespace asbb::db::detail
