#include "db/usage.hpp"

#include "core/account_lineage.hpp"
#include "db/slurm_schema.hpp"

#include <map>
#include <set>

namespace asbb::db {

namespace {

// A journal row's overrun (alias j): a charge row takes held_delta out of the
// hold (as a negative) and adds spent_delta, so what it spent beyond what was
// held is their sum. Other rows have none.
constexpr const char* kOverrunOfRow =
    "IF(j.kind = 'charge', j.spent_delta_micro + j.held_delta_micro, 0)";

// 22.05/23.02: account rows form a nested set; ordered by lft they are in
// preorder, and a row's ancestors are the rows whose rgt lies beyond it.
std::vector<TreeAccount> nested_set_tree(Session& session, const std::string& table) {
    auto rows = session.query("SELECT acct, lft, rgt FROM " + table +
                              " WHERE user = '' AND deleted = 0 ORDER BY lft");
    struct Open {
        std::string account;
        int64_t rgt;
    };
    std::vector<Open> path;
    std::set<std::string> seen;
    std::vector<TreeAccount> tree;
    for (const auto& row : rows) {
        const int64_t lft = row.i64(1);
        while (!path.empty() && path.back().rgt < lft) path.pop_back();
        const std::string& account = row.str(0);
        // An account with partition-specific associations has several rows
        // at the same place; the tree shows it once.
        if (seen.insert(account).second) {
            tree.push_back(
                {account, path.empty() ? "" : path.back().account, static_cast<int>(path.size())});
        }
        path.push_back({account, row.i64(2)});
    }
    return tree;
}

// 23.11+: each account row's lineage names its place (core/account_lineage).
std::vector<TreeAccount> lineage_tree(Session& session, const std::string& table) {
    std::vector<LineageRow> rows;
    for (const auto& row :
         session.query("SELECT acct, lineage FROM " + table + " WHERE user = '' AND deleted = 0")) {
        rows.push_back({row.str(0), row.str_or(1, "")});
    }
    auto nodes = tree_from_lineage(std::move(rows));
    if (!nodes) throw DbError(DbErrorKind::kOther, 0, table + ": " + nodes.error());
    std::vector<TreeAccount> tree;
    tree.reserve(nodes->size());
    for (auto& node : *nodes) tree.push_back({node.account, node.parent, node.depth});
    return tree;
}

}  // namespace

std::vector<TreeAccount> account_tree(Session& session, const SlurmDbName& slurm,
                                      const std::string& cluster) {
    const std::string table = assoc_table(slurm, cluster);
    if (assoc_schema(session, slurm, cluster).lineage) return lineage_tree(session, table);
    return nested_set_tree(session, table);
}

std::vector<AccountUsage> usage_by_account(Session& session, int64_t budget_id,
                                           const std::string& budget_account) {
    std::map<std::string, AccountUsage> by_account;
    auto add = [&](const std::string& account, int64_t spent, int64_t held, int64_t holds,
                   int64_t overrun) {
        auto& usage = by_account[account];
        usage.account = account;
        usage.spent.micro += spent;
        usage.held.micro += held;
        usage.open_holds += holds;
        usage.overrun.micro += overrun;
    };
    for (const auto& row : session.query(std::string("SELECT h.account,") +
                                             " COALESCE(SUM(j.spent_delta_micro), 0),"
                                             " COALESCE(SUM(j.held_delta_micro), 0),"
                                             " COALESCE(SUM(" +
                                             kOverrunOfRow +
                                             "), 0)"
                                             " FROM hold_level l JOIN hold h ON h.id = l.hold_id"
                                             " JOIN journal j ON j.hold_id = l.hold_id"
                                             " WHERE l.budget_id = ? GROUP BY h.account",
                                         {budget_id})) {
        add(row.str(0), row.i64(1), row.i64(2), 0, row.i64(3));
    }
    for (const auto& row : session.query(
             "SELECT COALESCE(SUM(spent_delta_micro), 0), COALESCE(SUM(held_delta_micro), 0)"
             " FROM journal WHERE budget_id = ? AND hold_id IS NULL",
             {budget_id})) {
        if (row.i64(0) != 0 || row.i64(1) != 0) add(budget_account, row.i64(0), row.i64(1), 0, 0);
    }
    for (const auto& row : session.query(
             "SELECT h.account, COUNT(*) FROM hold_level l JOIN hold h ON h.id = l.hold_id"
             " WHERE l.budget_id = ? AND h.state IN ('pending', 'linked')"
             " GROUP BY h.account",
             {budget_id})) {
        add(row.str(0), 0, 0, row.i64(1), 0);
    }
    std::vector<AccountUsage> usage;
    for (auto& [account, figures] : by_account) usage.push_back(std::move(figures));
    return usage;
}

std::vector<HoldListRow> list_holds(Session& session, const HoldFilter& filter) {
    std::string sql =
        std::string(
            "SELECT h.id, h.job_id, h.cluster, h.account, h.user_name, h.partition_name,"
            " h.estimate_micro, h.amount_micro, h.held_micro, h.charged_micro, h.state,"
            " h.created_at, (SELECT COALESCE(SUM(") +
        kOverrunOfRow +
        "), 0) FROM journal j WHERE j.hold_id = h.id AND j.kind = 'charge') AS overrun_micro"
        " FROM hold h WHERE 1 = 1";
    Params params;
    if (filter.account) {
        sql += " AND h.account = ?";
        params.emplace_back(*filter.account);
    }
    if (filter.cluster) {
        sql += " AND h.cluster = ?";
        params.emplace_back(*filter.cluster);
    }
    if (!filter.states.empty()) {
        sql += " AND h.state IN (";
        for (size_t i = 0; i < filter.states.size(); ++i) {
            sql += i == 0 ? "?" : ", ?";
            params.emplace_back(filter.states[i]);
        }
        sql += ")";
    }
    if (filter.overrun_only) sql += " HAVING overrun_micro > 0";
    sql += " ORDER BY h.created_at, h.id";
    std::vector<HoldListRow> holds;
    for (const auto& row : session.query(sql, params)) {
        holds.push_back({row.str(0), row.opt_i64(1), row.str(2), row.str(3), row.str(4), row.str(5),
                         Money{row.i64(6)}, Money{row.i64(7)}, Money{row.i64(8)}, Money{row.i64(9)},
                         row.str(10), row.i64(11), Money{row.i64(12)}});
    }
    return holds;
}

}  // namespace asbb::db
