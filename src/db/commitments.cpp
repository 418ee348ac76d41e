#include "db/commitments.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "db/journal.hpp"

namespace asbb::db {

namespace {

struct Target {
    int64_t id = 0;
    std::string account;
    std::string cluster;  // '' = every cluster
    int64_t period_start = 0;
    int64_t period_end = 0;
};

struct Candidate {
    std::string id;
    std::string cluster;
    std::string account;
    std::string partition;
    int64_t held_micro = 0;
    int64_t charged_micro = 0;
};

// Holds placed in the period (by when they were placed, as the plugin
// chose their period), on the budget's cluster, not yet on any budget of
// the account. A plain read: no hold can be placed while the caller's
// transaction holds the ledger generation (sql/012), and each one taken is
// then locked and its money read again (lock_money).
std::vector<Candidate> candidates(Session& session, const Target& target) {
    std::vector<Candidate> found;
    for (const Row& row : session.query(
             "SELECT h.id, h.cluster, h.account, h.partition_name FROM hold h"
             " WHERE h.created_at >= ? AND h.created_at < ? AND (? = '' OR h.cluster = ?)"
             " AND NOT EXISTS (SELECT 1 FROM hold_level l JOIN budget b ON b.id = l.budget_id"
             "  WHERE l.hold_id = h.id AND b.account = ?)"
             " ORDER BY h.id",
             {target.period_start, target.period_end, target.cluster, target.cluster,
              target.account})) {
        found.push_back({row.str(0), row.str(1), row.str(2), row.str(3)});
    }
    return found;
}

// Locks the hold, so that no charge, release or resize moves it while it
// is attached, and reads what it holds and was charged now. False when it
// has no money on it (nothing to count).
bool lock_money(Session& session, Candidate& hold) {
    auto rows = session.query("SELECT held_micro, charged_micro FROM hold WHERE id = ? FOR UPDATE",
                              {hold.id});
    hold.held_micro = rows.at(0).i64(0);
    hold.charged_micro = rows[0].i64(1);
    return hold.held_micro > 0 || hold.charged_micro > 0;
}

// Where the account's level goes among the hold's: after the levels of
// accounts deeper in path (leaf first), before the rest.
int64_t level_position(Session& session, const std::string& hold_id,
                       const std::vector<std::string>& path, const std::string& account) {
    const auto depth = [&](const std::string& a) {
        return std::find(path.begin(), path.end(), a) - path.begin();
    };
    int64_t position = 0;
    for (const Row& row :
         session.query("SELECT b.account FROM hold_level l JOIN budget b ON b.id = l.budget_id"
                       " WHERE l.hold_id = ? ORDER BY l.level_no FOR UPDATE",
                       {hold_id})) {
        if (depth(row.str(0)) < depth(account)) ++position;
    }
    return position;
}

void attach(Session& session, const Target& target, const Candidate& hold, int64_t position) {
    // Make room: from the top down, so no two rows share a level_no.
    session.exec(
        "UPDATE hold_level SET level_no = level_no + 1 WHERE hold_id = ? AND level_no >= ?"
        " ORDER BY level_no DESC",
        {hold.id, position});
    auto limit = session.query(
        "SELECT id FROM partition_limit WHERE budget_id = ? AND partition_name = ? FOR UPDATE",
        {target.id, hold.partition});
    Param limit_id = nullptr;
    if (!limit.empty()) {
        limit_id = limit[0].i64(0);
        session.exec(
            "UPDATE partition_limit SET held_micro = held_micro + ?, spent_micro = spent_micro + ?"
            " WHERE id = ?",
            {hold.held_micro, hold.charged_micro, limit[0].i64(0)});
    }
    session.exec(
        "INSERT INTO hold_level (hold_id, level_no, budget_id, partition_limit_id)"
        " VALUES (?, ?, ?, ?)",
        {hold.id, position, target.id, limit_id});
}

}  // namespace

Commitments attach_commitments(Session& session, const SlurmDbName& slurm, int64_t budget_id,
                               const std::string& actor, int64_t now_s) {
    auto rows = session.query(
        "SELECT id, account, cluster, period_start, period_end FROM budget WHERE id = ?"
        " FOR UPDATE",
        {budget_id});
    const Target target{rows.at(0).i64(0), rows[0].str(1), rows[0].str(2), rows[0].i64(3),
                        rows[0].i64(4)};
    Commitments counted;
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> paths;
    for (Candidate& hold : candidates(session, target)) {
        auto [at, fresh] = paths.try_emplace({hold.cluster, hold.account});
        if (fresh) at->second = account_path(session, slurm, hold.cluster, hold.account);
        const auto& path = at->second;
        if (std::find(path.begin(), path.end(), target.account) == path.end()) continue;
        if (!lock_money(session, hold)) continue;
        attach(session, target, hold, level_position(session, hold.id, path, target.account));
        ++counted.holds;
        counted.held.micro += hold.held_micro;
        counted.spent.micro += hold.charged_micro;
    }
    if (counted.holds == 0) return counted;
    session.exec(
        "UPDATE budget SET held_micro = held_micro + ?, spent_micro = spent_micro + ?,"
        " updated_at = ? WHERE id = ?",
        {counted.held.micro, counted.spent.micro, now_s, budget_id});
    // The balances move through the holds' own journal rows, which now
    // count here too; this row only says so (its deltas are zero).
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = "adjust";
    entry.budget_id = budget_id;
    entry.actor = actor;
    entry.reason =
        "counted " + std::to_string(counted.holds) +
        " hold(s) placed in this period before the budget: " + format_money_exact(counted.held) +
        " held, " + format_money_exact(counted.spent) + " charged";
    insert_journal(session, entry);
    return counted;
}

}  // namespace asbb::db
