#include "db/bill_true_ups.hpp"

#include "core/money.hpp"
#include "db/chunks.hpp"
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
}

}  // namespace

void write_bill_true_ups(Session& session, const BillImport& import, int64_t import_id,
                         const std::optional<BillImport>& replaced,
                         const std::vector<BillJobCost>& costs, const std::string& actor,
                         int64_t now_s) {
    if (replaced) reverse_true_ups(session, *replaced, import_id, actor, now_s);
    const std::string name = bill_name(import, import_id);
    for (const auto& cost : costs) {
        session.exec(
            "INSERT INTO bill_job_cost (import_id, hold_id, cluster, job_id, runs, billed_micro,"
            " charged_micro, true_up_micro) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {import_id, cost.hold_id, cost.cluster, cost.job_id, cost.runs, cost.billed.micro,
             cost.charged.micro, cost.true_up().micro});
        if (cost.true_up().micro == 0) continue;
        adjust_spent(session, cost.hold_id, cost.true_up(),
                     name + ": billed " + format_money_exact(cost.billed) + ", charged " +
                         format_money_exact(cost.charged),
                     actor, now_s, SpentCorrection::kTrueUp);
    }
}

std::vector<BillJobCostRow> list_bill_job_costs(Session& session,
                                                const std::optional<std::string>& period,
                                                const std::optional<std::string>& account) {
    std::string sql =
        "SELECT c.hold_id, c.cluster, c.job_id, c.runs, c.billed_micro, c.charged_micro,"
        " c.import_id, i.billing_period, h.account FROM bill_job_cost c"
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
                                    Money{row.i64(4)}, Money{row.i64(5)}},
                        row.i64(6), row.str(7), row.str(8)});
    }
    return rows;
}

}  // namespace asbb::db
