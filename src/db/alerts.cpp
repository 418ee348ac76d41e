#include "db/alerts.hpp"

#include <set>
#include <utility>

namespace asbb::db {

namespace {

constexpr const char* kAlertColumns =
    "a.id, b.account, b.cluster, a.budget_id, b.period_start, b.period_end, a.threshold_pct,"
    " a.basis, a.allocated_micro, a.spent_micro, a.held_micro, a.created_at, a.rearmed_at,"
    " a.fired_by, a.mail_state, a.mail_attempts, a.mail_detail, a.webhook_state,"
    " a.webhook_attempts, a.webhook_detail";

DeliveryState state_from(const std::string& text) {
    if (text == "off") return DeliveryState::kOff;
    if (text == "pending") return DeliveryState::kPending;
    if (text == "sent") return DeliveryState::kSent;
    if (text == "failed") return DeliveryState::kFailed;
    throw DbError(DbErrorKind::kOther, 0, "budget_alert: unknown delivery state '" + text + "'");
}

// The basis column as stored; anything else is a damaged row, not a value
// to guess at.
AlertBasis stored_basis(const Row& row, size_t column) {
    auto basis = parse_alert_basis(row.str(column));
    if (!basis) throw DbError(DbErrorKind::kOther, 0, "budget_alert: " + basis.error());
    return *basis;
}

AlertRecord alert_from_row(const Row& row) {
    AlertRecord record;
    AlertFacts& f = record.facts;
    f.alert_id = row.i64(0);
    f.account = row.str(1);
    f.cluster = row.str(2);
    f.budget_id = row.i64(3);
    f.period_start_s = row.i64(4);
    f.period_end_s = row.i64(5);
    f.threshold_pct = static_cast<int>(row.i64(6));
    f.basis = stored_basis(row, 7);
    f.allocated = Money{row.i64(8)};
    f.spent = Money{row.i64(9)};
    f.held = Money{row.i64(10)};
    f.fired_at_s = row.i64(11);
    record.rearmed_at_s = row.opt_i64(12);
    record.fired_by = row.str(13);
    record.mail = state_from(row.str(14));
    record.mail_attempts = static_cast<int>(row.i64(15));
    record.mail_detail = row.str(16);
    record.webhook = state_from(row.str(17));
    record.webhook_attempts = static_cast<int>(row.i64(18));
    record.webhook_detail = row.str(19);
    return record;
}

struct BudgetUse {
    int64_t id = 0;
    Money allocated, spent, held;
};

// (budget, threshold) pairs with an armed alert among the budgets the
// period/cluster condition picks.
std::set<std::pair<int64_t, int>> armed_pairs(Session& session, const FireRequest& request) {
    std::set<std::pair<int64_t, int>> armed;
    for (const auto& row :
         session.query("SELECT a.budget_id, a.threshold_pct FROM budget_alert a"
                       " JOIN budget b ON b.id = a.budget_id WHERE a.rearmed_at IS NULL"
                       " AND b.status = 'active' AND b.period_start <= ? AND ? < b.period_end"
                       " AND b.cluster IN (?, '')",
                       {request.now_s, request.now_s, request.cluster})) {
        armed.emplace(row.i64(0), static_cast<int>(row.i64(1)));
    }
    return armed;
}

}  // namespace

std::string delivery_state_name(DeliveryState state) {
    switch (state) {
        case DeliveryState::kOff:
            return "off";
        case DeliveryState::kPending:
            return "pending";
        case DeliveryState::kSent:
            return "sent";
        case DeliveryState::kFailed:
            return "failed";
    }
    return "off";
}

int64_t fire_alerts(Session& session, const FireRequest& request) {
    if (request.thresholds_pct.empty()) return 0;
    std::vector<BudgetUse> budgets;
    for (const auto& row :
         session.query("SELECT id, allocated_micro, spent_micro, held_micro FROM budget"
                       " WHERE status = 'active' AND period_start <= ? AND ? < period_end"
                       " AND cluster IN (?, '') ORDER BY id",
                       {request.now_s, request.now_s, request.cluster})) {
        budgets.push_back({row.i64(0), Money{row.i64(1)}, Money{row.i64(2)}, Money{row.i64(3)}});
    }
    const auto armed = armed_pairs(session, request);
    const std::string basis(alert_basis_name(request.basis));
    const std::string mail = request.mail ? "pending" : "off";
    const std::string webhook = request.webhook ? "pending" : "off";
    int64_t fired = 0;
    for (const BudgetUse& budget : budgets) {
        const Money used = alert_used(request.basis, budget.spent, budget.held);
        for (int pct : request.thresholds_pct) {
            if (!threshold_reached(used, budget.allocated, pct)) break;  // ascending
            if (armed.count({budget.id, pct}) != 0) continue;
            try {
                session.exec(
                    "INSERT INTO budget_alert (budget_id, threshold_pct, basis, allocated_micro,"
                    " spent_micro, held_micro, created_at, fired_by, mail_state, webhook_state)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {budget.id, int64_t{pct}, basis, budget.allocated.micro, budget.spent.micro,
                     budget.held.micro, request.now_s, request.cluster, mail, webhook});
                ++fired;
            } catch (const DbError& e) {
                // Another cluster's poller fired it first (a budget on every
                // cluster): armed_once keeps it to one alert.
                if (e.kind() != DbErrorKind::kDuplicateKey) throw;
            }
        }
    }
    return fired;
}

std::vector<AlertRecord> pending_alerts(Session& session, const std::string& fired_by,
                                        int64_t limit) {
    std::vector<AlertRecord> alerts;
    for (const auto& row : session.query(
             std::string("SELECT ") + kAlertColumns +
                 " FROM budget_alert a JOIN budget b ON b.id = a.budget_id WHERE a.fired_by = ?"
                 " AND (a.mail_state = 'pending' OR a.webhook_state = 'pending')"
                 " ORDER BY a.id LIMIT ?",
             {fired_by, limit})) {
        alerts.push_back(alert_from_row(row));
    }
    return alerts;
}

void record_attempt(Session& session, int64_t alert_id, Channel channel, bool sent,
                    const std::string& detail, int max_attempts) {
    const std::string prefix = channel == Channel::kMail ? "mail" : "webhook";
    // Column names come from the enum above, never from input.
    // The state is set from the old count, before the count itself: the
    // same under either order of assignment (SIMULTANEOUS_ASSIGNMENT).
    session.exec("UPDATE budget_alert SET " + prefix + "_state = IF(?, 'sent', IF(" + prefix +
                     "_attempts + 1 >= ?, 'failed', 'pending')), " + prefix +
                     "_attempts = " + prefix + "_attempts + 1, " + prefix +
                     "_detail = LEFT(?, 255) WHERE id = ? AND " + prefix + "_state = 'pending'",
                 {int64_t{sent ? 1 : 0}, int64_t{max_attempts}, detail, alert_id});
}

void rearm_alerts(Session& session, int64_t budget_id, int64_t now_s) {
    auto rows = session.query(
        "SELECT a.id, a.threshold_pct, a.basis, b.allocated_micro, b.spent_micro, b.held_micro"
        " FROM budget_alert a JOIN budget b ON b.id = a.budget_id"
        " WHERE a.budget_id = ? AND a.rearmed_at IS NULL",
        {budget_id});
    for (const auto& row : rows) {
        const Money used = alert_used(stored_basis(row, 2), Money{row.i64(4)}, Money{row.i64(5)});
        if (threshold_reached(used, Money{row.i64(3)}, static_cast<int>(row.i64(1)))) continue;
        session.exec("UPDATE budget_alert SET rearmed_at = ? WHERE id = ?", {now_s, row.i64(0)});
    }
}

std::vector<AlertRecord> list_alerts(Session& session, const AlertFilter& filter) {
    std::string sql = std::string("SELECT ") + kAlertColumns +
                      " FROM budget_alert a JOIN budget b ON b.id = a.budget_id WHERE 1 = 1";
    Params params;
    if (filter.account) {
        sql += " AND b.account = ?";
        params.emplace_back(*filter.account);
    }
    if (filter.since_s) {
        sql += " AND a.created_at >= ?";
        params.emplace_back(*filter.since_s);
    }
    sql += " ORDER BY a.id";
    std::vector<AlertRecord> alerts;
    for (const auto& row : session.query(sql, params)) alerts.push_back(alert_from_row(row));
    return alerts;
}

std::vector<std::string> account_coordinators(Session& session, const SlurmDbName& slurm,
                                              const std::string& account) {
    std::vector<std::string> users;
    for (const auto& row : session.query("SELECT DISTINCT user FROM `" + slurm.database +
                                             "`.acct_coord_table WHERE acct = ? AND deleted = 0"
                                             " ORDER BY user",
                                         {account})) {
        users.push_back(row.str(0));
    }
    return users;
}

}  // namespace asbb::db
