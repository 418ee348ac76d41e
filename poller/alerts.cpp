#include "alerts.hpp"

#include "core/names.hpp"
#include "db/alerts.hpp"
#include "net/http_client.hpp"
#include "util/json_out.hpp"
#include "util/local_time.hpp"
#include "util/run_program.hpp"

namespace asbb::poller {

namespace {

// At most this many alerts are delivered per pass; the rest wait.
constexpr int64_t kDeliveriesPerPass = 200;

std::vector<std::string> recipients_of(db::Session& session, const db::SlurmDbName& slurm,
                                       const AlertOptions& options, const std::string& account) {
    std::vector<std::string> to = options.mail_to;
    if (!options.mail_coordinators) return to;
    for (const auto& user : db::account_coordinators(session, slurm, account)) {
        auto valid = validate_mail_recipient(user);
        if (!valid) continue;  // a name MailProg could take for an option is not mailed
        to.push_back(options.mail_domain.empty() ? *valid : *valid + "@" + options.mail_domain);
    }
    return to;
}

// One attempt; the detail says what happened, for the alert row and the log.
bool send_mail(const AlertOptions& options, const AlertFacts& facts,
               const std::vector<std::string>& to, std::string& detail) {
    ProgramRun run;
    run.argv = {options.mail_prog, "-s", alert_subject(facts)};
    run.argv.insert(run.argv.end(), to.begin(), to.end());
    run.input = alert_mail_body(facts, format_period(facts.period_start_s, facts.period_end_s));
    run.timeout_ms = options.timeout_ms;
    auto result = run_program(run);
    if (!result) {
        detail = result.error();
        return false;
    }
    if (result->exit_status != 0) {
        std::string said = result->output.substr(0, result->output.find('\n'));
        detail = options.mail_prog + " exited with status " + std::to_string(result->exit_status) +
                 (said.empty() ? "" : ": " + said);
        return false;
    }
    detail = "mailed to " + std::to_string(to.size()) + " recipient(s)";
    return true;
}

bool post_webhook(const AlertOptions& options, const AlertFacts& facts, std::string& detail) {
    net::HttpCall call;
    call.method = "POST";
    call.url = options.webhook_url;
    call.headers = {"Content-Type: application/json"};
    call.body = alert_webhook_body(facts);
    call.timeout_ms = options.timeout_ms;
    call.max_response_bytes = 64 * 1024;
    auto answer = net::http_call(call);
    if (!answer) {
        detail = answer.error();
        return false;
    }
    detail = "HTTP " + std::to_string(answer->status);
    return answer->status >= 200 && answer->status < 300;
}

struct ChannelRun {
    db::Channel channel;
    bool stopped = false;  // an attempt failed this pass: the rest wait
};

void deliver(db::Session& session, const AlertOptions& options, const db::AlertRecord& alert,
             ChannelRun& run, const std::vector<std::string>& to, AlertReport& report) {
    if (run.stopped) return;
    const bool mail = run.channel == db::Channel::kMail;
    const char* what = mail ? "mail" : "webhook";
    const std::string about = "alert " + std::to_string(alert.facts.alert_id) + " (" +
                              alert.facts.account + ", " +
                              std::to_string(alert.facts.threshold_pct) + "%): ";
    if (mail && to.empty()) {
        // Not a passing failure: no later attempt would find anyone either.
        const std::string detail =
            "no recipients (no AlertMail, and the account has no coordinators)";
        db::record_attempt(session, alert.facts.alert_id, run.channel, false, detail, 1);
        ++report.failed_attempts;
        report.problems.push_back(about + "not mailed: " + detail);
        return;
    }
    std::string detail;
    const bool sent = mail ? send_mail(options, alert.facts, to, detail)
                           : post_webhook(options, alert.facts, detail);
    db::record_attempt(session, alert.facts.alert_id, run.channel, sent, detail, options.attempts);
    if (sent) {
        ++(mail ? report.mailed : report.posted);
        return;
    }
    ++report.failed_attempts;
    const int attempts = (mail ? alert.mail_attempts : alert.webhook_attempts) + 1;
    report.problems.push_back(about + what + " attempt " + std::to_string(attempts) + " of " +
                              std::to_string(options.attempts) + " failed: " + detail +
                              (attempts >= options.attempts ? "; giving up" : ""));
    run.stopped = true;
}

}  // namespace

AlertOptions alert_options_for(const Config& config) {
    AlertOptions options;
    options.thresholds_pct = config.alert_thresholds_pct;
    options.basis = config.alert_basis;
    options.mail_prog = config.mail_prog;
    options.mail_to = config.alert_mail;
    options.mail_coordinators = config.alert_mail_coordinators;
    options.mail_domain = config.mail_domain;
    options.webhook_url = config.alert_webhook;
    options.timeout_ms = config.alert_timeout_ms;
    options.attempts = config.alert_attempts;
    return options;
}

AlertReport alert_pass(db::Session& session, const std::string& cluster,
                       const db::SlurmDbName& slurm, const AlertOptions& options, int64_t now_s) {
    AlertReport report;
    if (options.thresholds_pct.empty()) return report;
    db::FireRequest fire;
    fire.cluster = cluster;
    fire.thresholds_pct = options.thresholds_pct;
    fire.basis = options.basis;
    fire.mail = !options.mail_prog.empty();
    fire.webhook = !options.webhook_url.empty();
    fire.now_s = now_s;
    report.fired = db::in_transaction(session, [&] { return db::fire_alerts(session, fire); });
    ChannelRun mail{db::Channel::kMail}, webhook{db::Channel::kWebhook};
    for (const auto& alert : db::pending_alerts(session, cluster, kDeliveriesPerPass)) {
        if (alert.mail == db::DeliveryState::kPending) {
            deliver(session, options, alert, mail,
                    mail.stopped ? std::vector<std::string>{}
                                 : recipients_of(session, slurm, options, alert.facts.account),
                    report);
        }
        if (alert.webhook == db::DeliveryState::kPending) {
            deliver(session, options, alert, webhook, {}, report);
        }
    }
    return report;
}

std::string alert_webhook_body(const AlertFacts& facts) {
    JsonOut out;
    out.w().StartObject();
    out.text("event", "asbb.budget_threshold")
        .number("alert_id", facts.alert_id)
        .text("account", facts.account)
        .text("cluster", facts.cluster)
        .number("budget_id", facts.budget_id)
        .text("period_start", format_rfc3339_utc(facts.period_start_s))
        .text("period_end", format_rfc3339_utc(facts.period_end_s))
        .number("threshold_percent", facts.threshold_pct)
        .text("basis", std::string(alert_basis_name(facts.basis)))
        .money("allocated", facts.allocated)
        .money("spent", facts.spent)
        .money("held", facts.held)
        .money("available", Money{facts.allocated.micro - facts.spent.micro - facts.held.micro})
        .text("fired_at", format_rfc3339_utc(facts.fired_at_s))
        .text("summary", alert_subject(facts));
    out.w().EndObject();
    return out.str();
}

}  // namespace asbb::poller
