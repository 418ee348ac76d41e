// The poller's alert step (AlertThresholds): fire the thresholds budgets
// have reached, then deliver what is pending by MailProg and AlertWebhook.
// A delivery that fails is tried again next pass, AlertAttempts times in
// all; once one attempt on a channel fails, the rest of that channel waits
// for the next pass, so a receiver that is down costs one timeout a pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/alert_rule.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::poller {

struct AlertOptions {
    std::vector<int> thresholds_pct;  // empty: the step does nothing
    AlertBasis basis = AlertBasis::kCommitted;
    std::string mail_prog;  // empty: no mail
    std::vector<std::string> mail_to;
    bool mail_coordinators = true;
    std::string mail_domain;
    std::string webhook_url;  // empty: no webhook
    int64_t timeout_ms = 5'000;
    int attempts = 10;
};

AlertOptions alert_options_for(const Config& config);

struct AlertReport {
    int64_t fired = 0;
    int64_t mailed = 0;
    int64_t posted = 0;
    int64_t failed_attempts = 0;
    std::vector<std::string> problems;  // one line each, for the log
};

AlertReport alert_pass(db::Session& session, const std::string& cluster,
                       const db::SlurmDbName& slurm, const AlertOptions& options, int64_t now_s);

// The webhook's JSON body for one alert.
std::string alert_webhook_body(const AlertFacts& facts);

}  // namespace asbb::poller
