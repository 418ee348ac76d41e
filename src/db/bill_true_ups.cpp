#include "db/bill_true_ups.hpp"

#include <algorithm>

#include "core/money.hpp"
#include "db/chunks.hpp"
#include "db/journal.hpp"
#include "db/ledger.hpp"

namespace asbb::db {

std::map<int64_t, RunCharge> charges_of_runs(Session& session, const std::string& cluster,
                                             const std::vector<int64_t>& charge_keys) {
    std::map<int64_t, RunCharge> charges;
    for_chunks(charge_keys.size(), [&](size_t first, size_t count) {
        Params params{cluster};
        for (size_t i = first; i < first + count; ++i) params.emplace_back(charge_keys[i]);
        for (const auto& row :
             session.query("SELECT job_db_inx, hold_id, job_id, amount_micro FROM journal"
                           " WHERE cluster = ? AND kind = 'charge' AND job_db_inx IN (" +
                               placeholders(count) + ")",
                           params)) {
            charges[row.i64(0)] = RunCharge{row.str(1), row.i64(2), Money{row.i64(3)}};
        }
    });
    return charges;
}

std::map<std::string, HoldCharged> charged_before_true_ups(Session& session,
                                                           const std::vector<std::string>& holds) {
    std::map<std::string, HoldCharged> charged;
    for_chunks(holds.size(), [&](size_t first, size_t count) {
        Params params;
        for (size_t i = first; i < first + count; ++i) params.emplace_back(holds[i]);
        for (const auto& row : session.query(
                 "SELECT hold_id, SUM(IF(kind = 'charge', amount_micro, 0)),"
                 " SUM(IF(kind = 'adjust', amount_micro, 0)) FROM journal"
                 " WHERE hold_id IN (" +
                     placeholders(count) + ") AND kind IN ('charge', 'adjust') GROUP BY hold_id",
                 params)) {
            charged[row.str(0)] = HoldCharged{Money{row.i64(1)}, Money{row.i64(2)}};
        }
    });
    return charged;
}

namespace {

std::string bill_name(const BillImport& b, int64_t id) {
    return "AWS bill " + b.billing_period + " (payer " + b.payer_account + ", import #" +
           std::to_string(id) + ")";
}

// One hold-less true_up row on a budget, and the budget's spent with it.
void true_up_budget(Session& session, int64_t budget_id, Money amount, const std::string& cluster,
                    const std::string& reason, const std::string& actor, int64_t now_s) {
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = "true_up";
    entry.budget_id = budget_id;
    entry.amount_micro = amount.micro;
    entry.spent_delta_micro = amount.micro;
    entry.cluster = cluster;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    session.exec("UPDATE budget SET spent_micro = spent_micro + ?, updated_at = ? WHERE id = ?",
                 {amount.micro, now_s, budget_id});
}

void reverse_true_ups(Session& session, const BillImport& replaced, int64_t import_id,
                      const std::string& actor, int64_t now_s) {
    const std::string reason = bill_name(replaced, replaced.id) + " replaced by #" +
                               std::to_string(import_id) + ": its true-up reversed";
    for (const auto& row :
         session.query("SELECT hold_id, true_up_micro FROM bill_job_cost WHERE import_id = ?"
                       " AND true_up_micro <> 0 ORDER BY hold_id",
                       {replaced.id})) {
        adjust_spent(session, row.str(0), Money{-row.i64(1)}, reason, actor, now_s,
                     SpentCorrection::kTrueUp);
    }
    for (const auto& row : session.query(
             "SELECT c.budget_id, c.amount_micro, b.cluster FROM bill_idle_cost c JOIN budget b"
             " ON b.id = c.budget_id WHERE c.import_id = ? ORDER BY c.budget_id",
             {replaced.id})) {
        true_up_budget(session, row.i64(0), Money{-row.i64(1)}, row.str(2),
                       reason + " (idle and unattributed cost)", actor, now_s);
    }
}

void write_idle_charge(Session& session, const BillImport& import, int64_t import_id,
                       const IdleCharge& idle, const std::string& actor, int64_t now_s) {
    const std::string reason = bill_name(import, import_id) + ": idle and unattributed cost (" +
                               "IdleCostAccount=" + idle.account + ")";
    std::vector<int64_t> ids = idle.budget_ids;
    std::sort(ids.begin(), ids.end());  // the lock order of every writer of budgets
    for (int64_t budget_id : ids) {
        true_up_budget(session, budget_id, idle.amount, idle.cluster, reason, actor, now_s);
        session.exec(
            "INSERT INTO bill_idle_cost (import_id, budget_id, amount_micro) VALUES (?, ?, ?)",
            {import_id, budget_id, idle.amount.micro});
    }
}

}  // namespace

void write_bill_true_ups(Session& session, const BillImport& import, int64_t import_id,
                         const std::optional<BillImport>& replaced, const BillTrueUps& true_ups,
                         const std::string& actor, int64_t now_s) {
    if (replaced) reverse_true_ups(session, *replaced, import_id, actor, now_s);
    const std::string name = bill_name(import, import_id);
    for (const auto& cost : true_ups.costs) {
        session.exec(
            "INSERT INTO bill_job_cost (import_id, hold_id, cluster, job_id, runs, billed_micro,"
            " charged_micro, true_up_micro, shared_micro) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {import_id, cost.hold_id, cost.cluster, cost.job_id, cost.runs, cost.billed.micro,
             cost.charged.micro, cost.true_up().micro, cost.shared.micro});
        if (cost.true_up().micro == 0) continue;
        adjust_spent(session, cost.hold_id, cost.true_up(),
                     name + ": billed " + format_money_exact(cost.billed) + ", charged " +
                         format_money_exact(cost.charged),
                     actor, now_s, SpentCorrection::kTrueUp);
    }
    if (true_ups.idle) write_idle_charge(session, import, import_id, *true_ups.idle, actor, now_s);
    for (const auto& node : true_ups.idle_nodes) {
        session.exec(
            "INSERT INTO bill_idle_node (import_id, node, partitions, idle_micro) VALUES (?, ?, ?, "
            "?)",
            {import_id, node.node, node.partitions, node.idle.micro});
    }
}

std::vector<NodeIdleRow> list_bill_idle_nodes(Session& session,
                                              const std::optional<std::string>& period) {
    std::string sql =
        "SELECT n.node, n.partitions, n.idle_micro, n.import_id, i.billing_period,"
        " i.payer_account FROM bill_idle_node n JOIN bill_import i ON i.id = n.import_id"
        " WHERE i.current_mark = 1";
    Params params;
    if (period) {
        sql += " AND i.billing_period = ?";
        params.emplace_back(*period);
    }
    sql += " ORDER BY i.billing_period, i.payer_account, n.node";
    std::vector<NodeIdleRow> rows;
    for (const auto& row : session.query(sql, params)) {
        rows.push_back({NodeIdle{row.str(0), row.str(1), Money{row.i64(2)}}, row.i64(3), row.str(4),
                        row.str(5)});
    }
    return rows;
}

std::vector<BillJobCostRow> list_bill_job_costs(Session& session,
                                                const std::optional<std::string>& period,
                                                const std::optional<std::string>& account) {
    std::string sql =
        "SELECT c.hold_id, c.cluster, c.job_id, c.runs, c.billed_micro, c.charged_micro,"
        " c.import_id, i.billing_period, h.account, c.shared_micro, h.estimate_micro,"
        " h.amount_micro FROM bill_job_cost c"
        " JOIN bill_import i ON i.id = c.import_id JOIN hold h ON h.id = c.hold_id"
        " WHERE i.current_mark = 1";
    Params params;
    if (period) {
        sql += " AND i.billing_period = ?";
        params.emplace_back(*period);
    }
    if (account) {
        sql += " AND h.account = ?";
        params.emplace_back(*account);
    }
    sql += " ORDER BY i.billing_period, c.cluster, c.job_id, c.hold_id";
    std::vector<BillJobCostRow> rows;
    for (const auto& row : session.query(sql, params)) {
        rows.push_back({BillJobCost{row.str(0), row.str(1), row.i64(2), row.i64(3),
                                    Money{row.i64(4)}, Money{row.i64(5)}, Money{row.i64(9)}},
                        row.i64(6), row.str(7), row.str(8), Money{row.i64(10)},
                        Money{row.i64(11)}});
    }
    return rows;
}

Money billed_on_budget(Session& session, int64_t budget_id) {
    const auto rows = session.query(
        "SELECT (SELECT COALESCE(SUM(c.billed_micro), 0) FROM bill_job_cost c"
        "  JOIN bill_import i ON i.id = c.import_id AND i.current_mark = 1"
        "  JOIN hold_level l ON l.hold_id = c.hold_id WHERE l.budget_id = ?),"
        " (SELECT COALESCE(SUM(d.amount_micro), 0) FROM bill_idle_cost d"
        "  JOIN bill_import i ON i.id = d.import_id AND i.current_mark = 1"
        "  WHERE d.budget_id = ?)",
        {budget_id, budget_id});
    return Money{rows[0].i64(0) + rows[0].i64(1)};
}

}  // namespace asbb::db
