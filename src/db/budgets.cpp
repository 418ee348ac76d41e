#include "db/budgets.hpp"

#include "db/commitments.hpp"
#include "db/ledger.hpp"
#include "db/ledger_view.hpp"

namespace asbb::db {

namespace {

constexpr const char* kBudgetColumns =
    "b.id, b.account, b.cluster, b.period_start, b.period_end, b.status, b.description,"
    " b.allocated_micro, b.held_micro, b.spent_micro,"
    " (SELECT COUNT(*) FROM hold_level l JOIN hold h ON h.id = l.hold_id"
    "  WHERE l.budget_id = b.id AND h.state IN ('pending', 'linked'))";

// Thrown inside a transaction to roll it back with a message for the user.
struct Refused {
    std::string message;
};

Budget budget_from_row(const Row& row) {
    return Budget{row.i64(0),        row.str(1),        row.str(2), row.i64(3),
                  row.i64(4),        row.str(5),        row.str(6), Money{row.i64(7)},
                  Money{row.i64(8)}, Money{row.i64(9)}, row.i64(10)};
}

// Serializes create/update of one account's periods, so two admins cannot
// both pass the overlap check with overlapping periods.
class AccountLock {
  public:
    AccountLock(Session& session, const std::string& account) : session_(session) {
        name_ = "asbb_budget_" + account;
        auto rows = session_.query("SELECT GET_LOCK(?, 10)", {name_});
        if (rows.empty() || rows[0].is_null(0) || rows[0].i64(0) != 1) {
            throw DbError(DbErrorKind::kLockWaitTimeout, 0,
                          "budget of " + account + " is being changed by someone else");
        }
    }
    ~AccountLock() {
        try {
            session_.query("SELECT RELEASE_LOCK(?)", {name_});
        } catch (...) {
            // Released with the connection anyway.
        }
    }

  private:
    Session& session_;
    std::string name_;
};

std::optional<Budget> overlapping(Session& session, const std::string& account,
                                  const std::string& cluster, int64_t start, int64_t end,
                                  int64_t except_id) {
    auto rows = session.query(std::string("SELECT ") + kBudgetColumns +
                                  " FROM budget b WHERE b.status = 'active' AND b.account = ?"
                                  " AND b.cluster = ? AND b.id <> ? AND b.period_start < ?"
                                  " AND ? < b.period_end LIMIT 1",
                              {account, cluster, except_id, end, start});
    if (rows.empty()) return std::nullopt;
    return budget_from_row(rows[0]);
}

// Counts the subtree's commitments in the budget's period against it
// (db/commitments.hpp) and refuses, with the figures, a budget they already
// overcommit unless forced; a forced one shows a negative available.
void count_commitments(Session& session, const SlurmDbName& slurm, int64_t budget_id, bool force,
                       const std::string& actor, int64_t now_s) {
    const Commitments counted = attach_commitments(session, slurm, budget_id, actor, now_s);
    if (counted.holds == 0 || force) return;
    auto rows = session.query(
        "SELECT account, allocated_micro, allocated_micro - spent_micro - held_micro FROM budget"
        " WHERE id = ?",
        {budget_id});
    const Money available{rows.at(0).i64(2)};
    if (available.micro >= 0) return;
    throw Refused{"account " + rows[0].str(0) + " and the accounts below it already have " +
                  format_money_exact(counted.held) + " held and " +
                  format_money_exact(counted.spent) + " charged in this period (" +
                  std::to_string(counted.holds) + " hold(s)): a budget of " +
                  format_money_exact(Money{rows[0].i64(1)}) + " would be overcommitted by " +
                  format_money_exact(Money{-available.micro}) + " (--force makes it anyway)"};
}

std::optional<Budget> budget_by_id(Session& session, int64_t budget_id) {
    auto rows = session.query(
        std::string("SELECT ") + kBudgetColumns + " FROM budget b WHERE b.id = ?", {budget_id});
    if (rows.empty()) return std::nullopt;
    return budget_from_row(rows[0]);
}

// The one way a budget is made: the checks, the account's lock, the overlap
// check, then one transaction that inserts it, records its allocation and
// runs `then(id)` (a rollover's carry) before it commits. `then` throws
// Refused to roll everything back with a message.
template <typename Then>
Expected<int64_t> make_budget(Session& session, const SlurmDbName& slurm, const NewBudget& budget,
                              Then&& then) {
    if (budget.period_end <= budget.period_start) {
        return make_error("the period must end after it starts");
    }
    if (!slurm_account_exists(session, slurm, budget.account)) {
        return make_error("SLURM has no account '" + budget.account +
                          "' (create it with sacctmgr first)");
    }
    if (!budget.cluster.empty() && !slurm_cluster_exists(session, slurm, budget.cluster)) {
        return make_error("SLURM has no cluster '" + budget.cluster + "'");
    }
    AccountLock lock(session, budget.account);
    if (auto other = overlapping(session, budget.account, budget.cluster, budget.period_start,
                                 budget.period_end, 0)) {
        return make_error("account " + budget.account + " already has a budget (id " +
                          std::to_string(other->id) + ") for an overlapping period");
    }
    try {
        return in_transaction(session, [&]() -> Expected<int64_t> {
            lock_ledger_generation(session);
            session.exec(
                "INSERT INTO budget (account, cluster, period_start, period_end, description,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                {budget.account, budget.cluster, budget.period_start, budget.period_end,
                 budget.description, budget.now_s, budget.now_s});
            auto id = static_cast<int64_t>(session.last_insert_id());
            deposit(session, id, budget.allocation, "initial allocation", budget.actor,
                    budget.now_s);
            then(id);
            count_commitments(session, slurm, id, budget.force, budget.actor, budget.now_s);
            return id;
        });
    } catch (const Refused& refused) {
        return make_error(refused.message);
    }
}

// Moves the carry from budget `from_id` to the new budget `to_id` inside
// make_budget's transaction; what is left is read under the row lock.
Money carry_over(Session& session, int64_t from_id, int64_t to_id, const CarryRule& rule,
                 const std::string& actor, int64_t now_s) {
    auto rows = session.query(
        "SELECT allocated_micro - spent_micro - held_micro FROM budget WHERE id = ? FOR UPDATE",
        {from_id});
    const Money carried = carry_amount(rule, Money{rows.at(0).i64(0)});
    if (carried.micro == 0) return carried;
    auto taken = withdraw(session, from_id, carried, "carried to budget " + std::to_string(to_id),
                          actor, now_s);
    if (!taken) throw Refused{"cannot carry " + format_money_exact(carried) + ": " + taken.error()};
    deposit(session, to_id, carried, "carried from budget " + std::to_string(from_id), actor,
            now_s);
    return carried;
}

}  // namespace

Expected<int64_t> create_budget(Session& session, const SlurmDbName& slurm,
                                const NewBudget& budget) {
    return make_budget(session, slurm, budget, [](int64_t) {});
}

Expected<Rollover> rollover_budget(Session& session, const SlurmDbName& slurm, int64_t from_id,
                                   const NewBudget& next, const CarryRule& carry) {
    auto from = budget_by_id(session, from_id);
    if (!from || from->status != "active") return make_error("no such budget");
    if (from->account != next.account || from->cluster != next.cluster) {
        return make_error("a rollover keeps the budget's account and cluster");
    }
    if (next.period_start < from->period_end) {
        return make_error("the new period must start after budget " + std::to_string(from_id) +
                          " ends");
    }
    // Money moves from one period to the next, never over a period between.
    auto between = session.query(
        "SELECT id FROM budget WHERE status = 'active' AND account = ? AND cluster = ?"
        " AND period_start >= ? AND period_start < ? ORDER BY period_start LIMIT 1",
        {from->account, from->cluster, from->period_end, next.period_start});
    if (!between.empty()) {
        return make_error("budget " + std::to_string(between[0].i64(0)) + " lies between budget " +
                          std::to_string(from_id) + " and the new period: roll over from it");
    }
    Rollover done;
    auto id = make_budget(session, slurm, next, [&](int64_t new_id) {
        done.carried = carry_over(session, from_id, new_id, carry, next.actor, next.now_s);
    });
    if (!id) return make_error(id.error());
    done.budget_id = *id;
    return done;
}

std::vector<Budget> list_budgets(Session& session, const std::optional<std::string>& account) {
    std::string sql =
        std::string("SELECT ") + kBudgetColumns + " FROM budget b WHERE b.status = 'active'";
    Params params;
    if (account) {
        sql += " AND b.account = ?";
        params.emplace_back(*account);
    }
    sql += " ORDER BY b.account, b.cluster, b.period_start";
    std::vector<Budget> budgets;
    for (const auto& row : session.query(sql, params)) budgets.push_back(budget_from_row(row));
    return budgets;
}

std::optional<Budget> find_budget(Session& session, const std::string& account,
                                  const std::optional<std::string>& cluster, int64_t now_s) {
    std::optional<Budget> best;
    for (auto& budget : list_budgets(session, account)) {
        if (cluster && budget.cluster != *cluster) continue;
        if (budget.covers(now_s)) return budget;
        if (!best || budget.period_start > best->period_start) best = budget;
    }
    return best;
}

std::vector<PartitionLimit> list_limits(Session& session, std::optional<int64_t> budget_id) {
    std::string sql =
        "SELECT p.id, p.budget_id, b.account, p.partition_name, p.limit_micro, p.held_micro,"
        " p.spent_micro FROM partition_limit p JOIN budget b ON b.id = p.budget_id"
        " WHERE b.status = 'active'";
    Params params;
    if (budget_id) {
        sql += " AND p.budget_id = ?";
        params.emplace_back(*budget_id);
    }
    sql += " ORDER BY b.account, p.partition_name";
    std::vector<PartitionLimit> limits;
    for (const auto& row : session.query(sql, params)) {
        limits.push_back({row.i64(0), row.i64(1), row.str(2), row.str(3), Money{row.i64(4)},
                          Money{row.i64(5)}, Money{row.i64(6)}});
    }
    return limits;
}

Expected<int64_t> update_budget(Session& session, const SlurmDbName& slurm, int64_t budget_id,
                                const BudgetChange& change) {
    auto current = budget_by_id(session, budget_id);
    if (!current || current->status != "active") return make_error("no such budget");
    AccountLock lock(session, current->account);
    const int64_t start = change.period_start.value_or(current->period_start);
    const int64_t end = change.period_end.value_or(current->period_end);
    if (end <= start) return make_error("the period must end after it starts");
    if (auto other =
            overlapping(session, current->account, current->cluster, start, end, budget_id)) {
        return make_error("account " + current->account + " already has a budget (id " +
                          std::to_string(other->id) + ") for an overlapping period");
    }
    try {
        return in_transaction(session, [&]() -> Expected<int64_t> {
            lock_ledger_generation(session);
            if (change.allocation) {
                // Re-read under the row lock: a hold may have landed meanwhile.
                auto rows = session.query(
                    "SELECT allocated_micro FROM budget WHERE id = ? FOR UPDATE", {budget_id});
                const int64_t delta = change.allocation->micro - rows.at(0).i64(0);
                const std::string reason =
                    "budget set to " + format_money_exact(*change.allocation);
                if (delta > 0) {
                    deposit(session, budget_id, Money{delta}, reason, change.actor, change.now_s);
                } else if (delta < 0) {
                    auto done = withdraw(session, budget_id, Money{-delta}, reason, change.actor,
                                         change.now_s);
                    if (!done) {
                        throw Refused{"cannot lower the budget to " +
                                      format_money_exact(*change.allocation) +
                                      ": spent and held money would exceed it"};
                    }
                }
            }
            session.exec(
                "UPDATE budget SET period_start = ?, period_end = ?, description = ?, updated_at = "
                "?"
                " WHERE id = ?",
                {start, end, change.description.value_or(current->description), change.now_s,
                 budget_id});
            if (start != current->period_start || end != current->period_end) {
                count_commitments(session, slurm, budget_id, change.force, change.actor,
                                  change.now_s);
            }
            return budget_id;
        });
    } catch (const Refused& refused) {
        return make_error(refused.message);
    }
}

Expected<int64_t> delete_budget(Session& session, int64_t budget_id, bool force,
                                const std::string& actor, int64_t now_s) {
    auto current = budget_by_id(session, budget_id);
    if (!current || current->status != "active") return make_error("no such budget");
    if (current->open_holds > 0 && !force) {
        return make_error("account " + current->account + " has " +
                          std::to_string(current->open_holds) +
                          " open hold(s); wait for them to end or pass --force");
    }
    return in_transaction(session, [&] {
        lock_ledger_generation(session);
        auto holds = session.query(
            "SELECT DISTINCT h.id FROM hold_level l JOIN hold h ON h.id = l.hold_id"
            " WHERE l.budget_id = ? AND h.state IN ('pending', 'linked') ORDER BY h.id",
            {budget_id});
        for (const auto& row : holds) {
            release_hold(session, row.str(0), ReleaseKind::kRelease,
                         "budget " + std::to_string(budget_id) + " deleted with --force", actor,
                         now_s);
        }
        session.exec("UPDATE budget SET status = 'deleted', updated_at = ? WHERE id = ?",
                     {now_s, budget_id});
        return budget_id;
    });
}

Expected<int64_t> set_partition_limit(Session& session, int64_t budget_id,
                                      const std::string& partition, Money limit, int64_t now_s) {
    auto current = budget_by_id(session, budget_id);
    if (!current || current->status != "active") return make_error("no such budget");
    if (limit > current->allocated) {
        return make_error("limit " + format_money_exact(limit) + " on " + partition +
                          " is above the budget of " + current->account + " (" +
                          format_money_exact(current->allocated) + ")");
    }
    return in_transaction(session, [&] {
        lock_ledger_generation(session);
        session.exec(
            "INSERT INTO partition_limit (budget_id, partition_name, limit_micro, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON DUPLICATE KEY UPDATE limit_micro = VALUES(limit_micro), updated_at = "
            "VALUES(updated_at)",
            {budget_id, partition, limit.micro, now_s, now_s});
        return budget_id;
    });
}

}  // namespace asbb::db
