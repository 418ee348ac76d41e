// Threshold alerts in the database (sql/013_budget_alerts.sql): firing the
// thresholds budgets have reached, the deliveries still to make, re-arming
// after a deposit, and the listing. What an alert says is core/alert_rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/alert_rule.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

enum class DeliveryState { kOff, kPending, kSent, kFailed };
std::string delivery_state_name(DeliveryState state);

struct AlertRecord {
    AlertFacts facts;
    std::optional<int64_t> rearmed_at_s;
    std::string fired_by;
    DeliveryState mail = DeliveryState::kOff;
    int mail_attempts = 0;
    std::string mail_detail;
    DeliveryState webhook = DeliveryState::kOff;
    int webhook_attempts = 0;
    std::string webhook_detail;
};

struct FireRequest {
    std::string cluster;  // the poller's: budgets on it and on every cluster
    std::vector<int> thresholds_pct;
    AlertBasis basis = AlertBasis::kCommitted;
    bool mail = false;     // a mail channel is configured
    bool webhook = false;  // a webhook is configured
    int64_t now_s = 0;
};

// Writes one alert for each threshold that a budget whose period holds now
// has reached and has no armed alert for. Returns how many were written.
int64_t fire_alerts(Session& session, const FireRequest& request);

// Alerts this cluster's poller fired with a delivery still pending, oldest
// first.
std::vector<AlertRecord> pending_alerts(Session& session, const std::string& fired_by,
                                        int64_t limit);

enum class Channel { kMail, kWebhook };

// Records one delivery attempt: sent, or failed (pending again while
// attempts remain, failed after max_attempts).
void record_attempt(Session& session, int64_t alert_id, Channel channel, bool sent,
                    const std::string& detail, int max_attempts);

// In a deposit's transaction: the budget's armed alerts whose threshold it
// is now below are re-armed.
void rearm_alerts(Session& session, int64_t budget_id, int64_t now_s);

struct AlertFilter {
    std::optional<std::string> account;
    std::optional<int64_t> since_s;
};
std::vector<AlertRecord> list_alerts(Session& session, const AlertFilter& filter);

// The SLURM coordinators of an account (acct_coord_table), sorted.
std::vector<std::string> account_coordinators(Session& session, const SlurmDbName& slurm,
                                              const std::string& account);

}  // namespace asbb::db
