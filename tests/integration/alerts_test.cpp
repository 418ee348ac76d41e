// Threshold alerts (issue 12, item 2) through the poller's real pass on a
// real MariaDB: each threshold fires once per budget period across ten
// passes, a deposit that brings the budget back below a threshold re-arms
// it, the alerts reach a MailProg stub script and a local HTTP receiver
// (asbb's own HTTP server), a receiver that is down is retried a bounded
// number of times with each failure logged, and `asbb alerts` lists them
// (golden, in table, -P and --json).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "db/alerts.hpp"
#include "db/ledger.hpp"
#include "integration/support/cli_test.hpp"
#include "reconcile.hpp"
#include "service/http_server.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;
constexpr int64_t kNow = 1'773'576'000;  // 2026-03-15T12:00:00Z

// A local HTTP receiver: records every body POSTed to it and answers 200
// (or, while `failing`, 503).
class Receiver {
  public:
    Receiver()
        : server_(service::ServerLimits{}, [this](const service::HttpRequest& request) {
              std::lock_guard<std::mutex> lock(mutex_);
              service::HttpResponse response;
              if (failing_) {
                  response.status = 503;
                  return response;
              }
              bodies_.push_back(request.method + " " + request.path + " " + request.body);
              response.body = "{}";
              return response;
          }) {}
    ~Receiver() { stop(); }
    int start(int port = 0) {
        port_ = server_.bind("127.0.0.1", port);
        thread_ = std::thread([this] { server_.serve(); });
        return port_;
    }
    void stop() {
        if (!thread_.joinable()) return;
        server_.stop();
        thread_.join();
    }
    void set_failing(bool failing) {
        std::lock_guard<std::mutex> lock(mutex_);
        failing_ = failing;
    }
    std::vector<std::string> bodies() {
        std::lock_guard<std::mutex> lock(mutex_);
        return bodies_;
    }

  private:
    std::mutex mutex_;
    std::vector<std::string> bodies_;
    bool failing_ = false;
    service::HttpServer server_;
    std::thread thread_;
    int port_ = -1;
};

// A port nobody listens on: bound by a plain socket, then closed (an
// HttpServer that never served would keep listening on it).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

class Alerts : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kNow);
        CliTest::SetUp();
        session().run("USE `" + slurm_db_ + "`");
        session().run(
            "CREATE TABLE acct_coord_table (creation_time BIGINT UNSIGNED NOT NULL, mod_time "
            "BIGINT UNSIGNED NOT NULL, deleted TINYINT DEFAULT 0, acct TINYTEXT NOT NULL, user "
            "TINYTEXT NOT NULL, PRIMARY KEY (acct(42), user(42))) DEFAULT CHARSET=latin1");
        session().run(
            "INSERT INTO acct_coord_table (creation_time, mod_time, deleted, acct, user) VALUES "
            "(0, 0, 0, 'proj001', 'bin'), (0, 0, 1, 'proj001', 'gone'), (0, 0, 0, 'chem', 'sys')");
        session().run("USE `" + db_ + "`");
        mail_log_ = dir_ + "/mail.log";
        options_.thresholds_pct = {50, 80, 90, 100};
        options_.basis = AlertBasis::kCommitted;
        options_.mail_prog = write_mail_stub("mail-ok", "0");
        options_.mail_to = {"finance@example.org"};
        options_.mail_domain = "example.org";
        options_.timeout_ms = 2'000;
        options_.attempts = 3;
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }

    // A MailProg that logs its arguments and stdin, then exits with status.
    std::string write_mail_stub(const std::string& name, const std::string& status) {
        const std::string path = dir_ + "/" + name;
        std::ofstream(path) << "#!/bin/sh\n"
                            << "{ printf 'ARGS'; for a in \"$@\"; do printf ' [%s]' \"$a\"; done;"
                            << " printf '\\n'; cat; printf '.\\n'; } >> " << mail_log_ << "\n"
                            << "[ " << status << " = 0 ] || echo 'mail: cannot send' >&2\n"
                            << "exit " << status << "\n";
        ::chmod(path.c_str(), 0755);
        return path;
    }

    poller::PassReport pass() {
        poller::PassOptions options;
        options.cluster = "lab";
        options.slurm = slurm();
        options.alerts = options_;
        return poller::reconcile_pass(session(), options, std::vector<poller::LiveJob>{}, now_s_);
    }

    void hold(const std::string& account, int64_t amount_micro) {
        auto request = hold_request(account, amount_micro);
        request.now_s = now_s_;
        ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    }

    std::vector<std::string> mail_subjects() {
        std::vector<std::string> subjects;
        std::ifstream log(mail_log_);
        for (std::string line; std::getline(log, line);) {
            if (line.starts_with("ARGS")) subjects.push_back(line);
        }
        return subjects;
    }

    // The thresholds of the alerts fired, in order.
    std::vector<int64_t> fired(const std::string& where = "1 = 1") {
        std::vector<int64_t> thresholds;
        for (const auto& row : session().query("SELECT threshold_pct FROM budget_alert WHERE " +
                                               where + " ORDER BY id")) {
            thresholds.push_back(row.i64(0));
        }
        return thresholds;
    }

    poller::AlertOptions options_;
    std::string mail_log_;
};

TEST_F(Alerts, EachThresholdFiresOncePerPeriodAcrossTenPasses) {
    Receiver receiver;
    options_.webhook_url = "http://127.0.0.1:" + std::to_string(receiver.start()) + "/hook";
    make_budget("proj001", 100 * kDollar, "lab");
    std::vector<std::pair<int, int64_t>> fired_by_pass;
    for (int pass_no = 1; pass_no <= 10; ++pass_no) {
        hold("proj001", 9 * kDollar);  // committed: $9, $18, ... $90 of $100
        now_s_ += 60;
        const auto report = pass();
        EXPECT_TRUE(report.problems.empty()) << report.problems.front();
        fired_by_pass.emplace_back(pass_no, report.alerts_fired);
    }
    // 50% at $54 (pass 6), 80% at $81 (pass 9), 90% at exactly $90 (pass 10).
    EXPECT_EQ(fired(), (std::vector<int64_t>{50, 80, 90}));
    for (const auto& [pass_no, count] : fired_by_pass) {
        EXPECT_EQ(count, pass_no == 6 || pass_no == 9 || pass_no == 10 ? 1 : 0) << pass_no;
    }
    // Three more passes with nothing new: nothing more.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(pass().alerts_fired, 0);
    const auto subjects = mail_subjects();
    ASSERT_EQ(subjects.size(), 3u);
    EXPECT_EQ(subjects[0],
              "ARGS [-s] [asbb: proj001 on lab has committed 54.00% of its budget (threshold "
              "50%)] [finance@example.org] [bin@example.org]");
    EXPECT_NE(subjects[2].find("committed 90.00% of its budget (threshold 90%)"),
              std::string::npos);
    std::ifstream log(mail_log_);
    const std::string mail((std::istreambuf_iterator<char>(log)), {});
    EXPECT_NE(mail.find("  Allocated:  100.00\n  Spent:      0.00\n  Held:       "
                        "54.00 (for jobs queued or running)\n  Available:  46.00\n"),
              std::string::npos)
        << mail;
    const auto bodies = receiver.bodies();
    ASSERT_EQ(bodies.size(), 3u);
    std::vector<int> posted;
    for (const auto& body : bodies) {
        ASSERT_TRUE(body.starts_with("POST /hook {")) << body;
        rapidjson::Document json;
        json.Parse(body.substr(11).c_str());
        ASSERT_FALSE(json.HasParseError()) << body;
        EXPECT_EQ(std::string(json["account"].GetString()), "proj001");
        EXPECT_EQ(std::string(json["basis"].GetString()), "committed");
        EXPECT_NE(body.find("\"allocated\":100.00,\"spent\":0.00,"), std::string::npos) << body;
        EXPECT_EQ(std::string(json["period_start"].GetString()), "2026-03-14T12:00:00Z");
        posted.push_back(json["threshold_percent"].GetInt());
    }
    EXPECT_EQ(posted, (std::vector<int>{50, 80, 90}));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM budget_alert WHERE mail_state = 'sent' AND "
                     "webhook_state = 'sent' AND mail_attempts = 1 AND webhook_attempts = 1"),
              3);
}

TEST_F(Alerts, ADepositBackBelowAThresholdRearmsIt) {
    const int64_t budget = make_budget("proj001", 100 * kDollar, "lab");
    hold("proj001", 81 * kDollar);
    pass();
    EXPECT_EQ(fired(), (std::vector<int64_t>{50, 80}));
    // $1 more leaves $81 of $101 at 80.2%: nothing is re-armed.
    db::in_transaction(session(), [&] {
        db::deposit(session(), budget, Money{kDollar}, "a little", "test", now_s_);
    });
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM budget_alert WHERE rearmed_at IS NOT NULL"), 0);
    // $49 more: $81 of $150 is 54%, below 80 (re-armed), still above 50.
    now_s_ += 60;
    db::in_transaction(session(), [&] {
        db::deposit(session(), budget, Money{49 * kDollar}, "top-up", "test", now_s_);
    });
    EXPECT_EQ(fired("rearmed_at IS NOT NULL"), (std::vector<int64_t>{80}));
    EXPECT_EQ(pass().alerts_fired, 0);  // below 80% now
    hold("proj001", 39 * kDollar);      // $120 of $150: 80% again
    EXPECT_EQ(pass().alerts_fired, 1);
    EXPECT_EQ(pass().alerts_fired, 0);
    EXPECT_EQ(fired(), (std::vector<int64_t>{50, 80, 80}));
    EXPECT_EQ(fired("rearmed_at IS NULL"), (std::vector<int64_t>{50, 80}));
    EXPECT_EQ(mail_subjects().size(), 3u);
}

TEST_F(Alerts, SpentBasisCountsChargesNotHolds) {
    options_.basis = AlertBasis::kSpent;
    make_budget("proj001", 100 * kDollar, "lab");
    auto request = hold_request("proj001", 60 * kDollar);
    ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    EXPECT_EQ(pass().alerts_fired, 0);  // $60 held, nothing spent
    db::ChargeRequest charge;
    charge.hold_id = request.id.hex();
    charge.actual = Money{55 * kDollar};
    charge.cluster = "lab";
    charge.reason = "test";
    charge.now_s = now_s_;
    ASSERT_EQ(db::charge_hold(session(), charge).outcome, db::ChargeOutcome::kCharged);
    EXPECT_EQ(pass().alerts_fired, 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM budget_alert WHERE basis = 'spent' AND threshold_pct "
                     "= 50 AND spent_micro = 55000000 AND held_micro = 0"),
              1);
}

TEST_F(Alerts, OnlyBudgetsWhosePeriodHoldsNowAndOfThisCluster) {
    const int64_t past = make_budget("proj002", 10 * kDollar, "lab");
    hold("proj002", 9 * kDollar);
    session().exec("UPDATE budget SET period_end = ? WHERE id = ?", {now_s_ - 10, past});
    session().exec("INSERT INTO `" + slurm_db_ + "`.cluster_table VALUES (0, 0, 0, 'other')");
    make_budget("chem", 10 * kDollar, "other");
    session().exec(
        "UPDATE budget SET spent_micro = 9000000 WHERE account = 'chem'");  // another cluster's
    EXPECT_EQ(pass().alerts_fired, 0);
    EXPECT_EQ(count("budget_alert"), 0);
}

TEST_F(Alerts, AReceiverThatIsDownIsRetriedBoundedAndLogged) {
    const int port = free_port();
    options_.webhook_url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
    options_.timeout_ms = 500;
    make_budget("proj001", 100 * kDollar, "lab");
    hold("proj001", 85 * kDollar);  // 50% and 80% at once
    auto report = pass();
    EXPECT_EQ(report.alerts_fired, 2);
    // Both mailed; one webhook attempt, then the channel waits for the next
    // pass instead of timing out once per alert.
    EXPECT_EQ(report.alerts_sent, 2);
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_NE(report.problems[0].find("(proj001, 50%): webhook attempt 1 of 3 failed: "),
              std::string::npos)
        << report.problems[0];
    EXPECT_EQ(fired("webhook_attempts = 0 AND webhook_state = 'pending'"),
              (std::vector<int64_t>{80}));
    report = pass();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_NE(report.problems[0].find("webhook attempt 2 of 3 failed"), std::string::npos);
    report = pass();
    EXPECT_NE(report.problems.at(0).find("webhook attempt 3 of 3 failed: "), std::string::npos);
    EXPECT_TRUE(report.problems.at(0).ends_with("; giving up")) << report.problems[0];
    EXPECT_EQ(fired("webhook_state = 'failed' AND webhook_attempts = 3"),
              (std::vector<int64_t>{50}));
    // The receiver comes up: the alert still pending reaches it; the one
    // that gave up is not sent again.
    Receiver receiver;
    ASSERT_EQ(receiver.start(port), port);
    report = pass();
    EXPECT_TRUE(report.problems.empty()) << report.problems.front();
    EXPECT_EQ(report.alerts_sent, 1);
    const auto bodies = receiver.bodies();
    ASSERT_EQ(bodies.size(), 1u);
    EXPECT_NE(bodies[0].find("\"threshold_percent\":80"), std::string::npos) << bodies[0];
    EXPECT_EQ(pass().alerts_sent, 0);
    EXPECT_EQ(scalar("SELECT SUM(webhook_attempts) FROM budget_alert"), 4);
    // An answer other than 2xx is a failed attempt too, with its status.
    receiver.set_failing(true);
    hold("proj001", 10 * kDollar);  // 95%
    report = pass();
    EXPECT_NE(report.problems.at(0).find("(proj001, 90%): webhook attempt 1 of 3 failed: HTTP 503"),
              std::string::npos)
        << report.problems[0];
}

TEST_F(Alerts, MailFailuresAreRecordedWithWhatMailProgSaid) {
    options_.mail_prog = write_mail_stub("mail-broken", "75");
    make_budget("proj001", 100 * kDollar, "lab");
    hold("proj001", 50 * kDollar);
    auto report = pass();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_NE(report.problems[0].find("mail attempt 1 of 3 failed: " + options_.mail_prog +
                                      " exited with status 75: mail: cannot send"),
              std::string::npos)
        << report.problems[0];
    // A MailProg that hangs is killed at AlertTimeout.
    const std::string hang = dir_ + "/mail-hang";
    std::ofstream(hang) << "#!/bin/sh\nexec sleep 30\n";
    ::chmod(hang.c_str(), 0755);
    options_.mail_prog = hang;
    options_.timeout_ms = 300;
    report = pass();
    EXPECT_NE(report.problems.at(0).find("did not finish within 300 ms and was killed"),
              std::string::npos)
        << report.problems[0];
    // No coordinators and no AlertMail: failed at once, not retried.
    options_.mail_prog = write_mail_stub("mail-ok", "0");
    options_.mail_to.clear();
    make_budget("proj002", 10 * kDollar, "lab");
    hold("proj002", 5 * kDollar);
    report = pass();
    EXPECT_EQ(report.alerts_fired, 1);
    bool named = false;
    for (const auto& problem : report.problems) {
        named =
            named || problem.find("(proj002, 50%): not mailed: no recipients") != std::string::npos;
    }
    EXPECT_TRUE(named);
    EXPECT_EQ(scalar("SELECT mail_attempts FROM budget_alert a JOIN budget b ON b.id = "
                     "a.budget_id WHERE b.account = 'proj002' AND a.mail_state = 'failed'"),
              1);
}

TEST_F(Alerts, ListShowsAlertsInTableParsableAndJson) {
    Receiver receiver;
    options_.webhook_url = "http://127.0.0.1:" + std::to_string(receiver.start()) + "/hook";
    const int64_t budget = make_budget("proj001", 100 * kDollar, "lab");
    make_budget("chem", 20 * kDollar, "lab");
    hold("proj001", 82'500'000);
    hold("chem", 10 * kDollar);
    options_.mail_to.clear();  // chem's coordinator is sys: mailed; proj001's is bin
    pass();
    db::in_transaction(session(), [&] {
        db::deposit(session(), budget, Money{100 * kDollar}, "top-up", "test", now_s_ + 3600);
    });
    expect_output({"alerts"},
                  "ID Account Cluster Start      End        Threshold Basis     Used% Allocated "
                  "Spent  Held Fired               Mail Webhook Rearmed             \n"
                  "-- ------- ------- ---------- ---------- --------- --------- ----- --------- "
                  "----- ----- ------------------- ---- ------- ------------------- \n"
                  " 1 proj001 lab     2026-03-14 2026-04-14       50% committed 82.5%    100.00 "
                  " 0.00 82.50 2026-03-15T12:00:00 sent sent    2026-03-15T13:00:00 \n"
                  " 2 proj001 lab     2026-03-14 2026-04-14       80% committed 82.5%    100.00 "
                  " 0.00 82.50 2026-03-15T12:00:00 sent sent    2026-03-15T13:00:00 \n"
                  " 3 chem    lab     2026-03-14 2026-04-14       50% committed 50.0%     20.00 "
                  " 0.00 10.00 2026-03-15T12:00:00 sent sent                        \n");
    expect_output({"alerts", "chem", "-P"},
                  "ID|Account|Cluster|Start|End|Threshold|Basis|Used%|Allocated|Spent|Held|Fired|"
                  "Mail|Webhook|Rearmed\n"
                  "3|chem|lab|2026-03-14|2026-04-14|50%|committed|50.0%|20.00|0.00|10.00|"
                  "2026-03-15T12:00:00|sent|sent|\n");
    expect_output({"alerts", "chem", "--json"}, R"~([
  {
    "id": 3,
    "account": "chem",
    "cluster": "lab",
    "start": "2026-03-14",
    "end": "2026-04-14",
    "threshold": "50%",
    "basis": "committed",
    "used_pct": "50.0%",
    "allocated": "20.00",
    "spent": "0.00",
    "held": "10.00",
    "fired": "2026-03-15T12:00:00",
    "mail": "sent",
    "webhook": "sent",
    "rearmed": null
  }
]
)~");
    expect_output({"alerts", "--since=2026-03-16", "-n", "-P"}, "");
    expect_refused({"alerts", "nosuch"}, 1, "SLURM has no account 'nosuch'");
    expect_refused({"alerts", "--since=2026-13-01"}, 2, "--since");
    expect_refused({"alerts", "proj'001"}, 2, "invalid account name");
}

}  // namespace
}  // namespace asbb::test
