// For the asbb service's tests: a private munged (its own key and socket
// under a temp dir, run as the munge user, as scripts/local-cluster.sh does),
// credentials minted for any uid (`munge` run through setpriv), and the
// service itself in-process on a free loopback port, on the test's
// databases. Header-only so that only the service tests compile it.
//
// Identities (system users every Debian has, so that the service can name
// them): root (uid 0); daemon (1), a SLURM Administrator; bin (2), the
// coordinator of physics; sys (3), a plain user of proj001; nobody (65534),
// unknown to SLURM.
#pragma once

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "cli/remote.hpp"
#include "config/config.hpp"
#include "db/budgets.hpp"
#include "db/rates.hpp"
#include "integration/support/test_db.hpp"
#include "net/http_client.hpp"
#include "net/munge_credential.hpp"
#include "service/service.hpp"

namespace asbb::test {

inline constexpr uint32_t kAdminUid = 1;         // daemon
inline constexpr uint32_t kCoordinatorUid = 2;   // bin: coordinator of physics
inline constexpr uint32_t kUserUid = 3;          // sys: association with proj001
inline constexpr uint32_t kStrangerUid = 65534;  // nobody

// Runs a shell command, returns its standard output (status in *status).
inline std::string run_command(const std::string& command, int* status = nullptr) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return out;
    std::array<char, 4096> buffer{};
    size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    const int rc = pclose(pipe);
    if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

class MungeDaemon {
  public:
    // dir: an existing directory the munge user can reach.
    explicit MungeDaemon(const std::string& dir) : dir_(dir + "/munge") {
        const std::string d = dir_;
        int status = 0;
        run_command("mkdir -p '" + d + "' && chown munge:munge '" + d + "' && chmod 0755 '" + d +
                        "' && dd if=/dev/urandom of='" + d +
                        "/munge.key' bs=1024 count=1 status=none && chown munge:munge '" + d +
                        "/munge.key' && chmod 0600 '" + d +
                        "/munge.key' && runuser -u munge -- /usr/sbin/munged --socket='" + d +
                        "/munge.socket' --key-file='" + d + "/munge.key' --pid-file='" + d +
                        "/munged.pid' --log-file='" + d + "/munged.log' --seed-file='" + d +
                        "/munged.seed' 2>&1",
                    &status);
        started_ = status == 0;
        for (int i = 0; started_ && i < 100 && !works(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~MungeDaemon() {
        std::ifstream pid_file(dir_ + "/munged.pid");
        pid_t pid = 0;
        if (pid_file >> pid && pid > 1) ::kill(pid, SIGTERM);
    }
    bool works() const {
        int status = 0;
        run_command(
            "munge -n -S '" + socket() + "' | unmunge -S '" + socket() + "' >/dev/null 2>&1",
            &status);
        return status == 0;
    }
    std::string socket() const { return dir_ + "/munge.socket"; }
    bool started() const { return started_; }

    // A fresh credential of uid (ttl_s > 0: that TTL).
    std::string credential(uint32_t uid, int ttl_s = 0) const {
        std::string command = "setpriv --reuid=" + std::to_string(uid) +
                              " --regid=" + std::to_string(uid) + " --clear-groups munge -n -S '" +
                              socket() + "'";
        if (ttl_s > 0) command += " -t " + std::to_string(ttl_s);
        std::string out = run_command(command);
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
        return out;
    }

  private:
    std::string dir_;
    bool started_ = false;
};

// SLURM's role tables (22.05 columns) and the identities' rows, added to the
// fake slurm_acct_db of LedgerTest.
inline void add_slurm_roles(db::Session& session, const std::string& slurm_db) {
    session.run("USE `" + slurm_db + "`");
    session.run(
        "CREATE TABLE user_table (creation_time BIGINT UNSIGNED NOT NULL, mod_time BIGINT "
        "UNSIGNED NOT NULL, deleted TINYINT DEFAULT 0, name TINYTEXT NOT NULL, admin_level "
        "SMALLINT NOT NULL DEFAULT 1, PRIMARY KEY (name(42))) DEFAULT CHARSET=latin1");
    session.run(
        "CREATE TABLE acct_coord_table (creation_time BIGINT UNSIGNED NOT NULL, mod_time BIGINT "
        "UNSIGNED NOT NULL, deleted TINYINT DEFAULT 0, acct TINYTEXT NOT NULL, user TINYTEXT NOT "
        "NULL, PRIMARY KEY (acct(42), user(42))) DEFAULT CHARSET=latin1");
    session.run(
        "INSERT INTO user_table (creation_time, mod_time, name, admin_level) VALUES "
        "(0, 0, 'root', 3), (0, 0, 'daemon', 3), (0, 0, 'bin', 1), (0, 0, 'sys', 1), "
        "(0, 0, 'alice', 1), (0, 0, 'olduser', 3)");
    // A deleted admin row must not count.
    session.run("UPDATE user_table SET deleted = 1 WHERE name = 'olduser'");
    session.run(
        "INSERT INTO acct_coord_table (creation_time, mod_time, acct, user) VALUES "
        "(0, 0, 'physics', 'bin')");
    session.run(
        "INSERT INTO lab_assoc_table (creation_time, mod_time, user, acct, parent_acct, lft, rgt, "
        "is_def) VALUES (0, 0, 'sys', 'proj001', '', 4, 5, 1)");
}

// The service on a free loopback port, serving in a thread of this process.
class ServiceRunner {
  public:
    explicit ServiceRunner(const Config& config) : service_(config, cli::run_for_caller) {
        port_ = service_.bind(0);
        if (port_ > 0) thread_ = std::thread([this] { service_.serve(); });
    }
    ~ServiceRunner() {
        service_.stop();
        if (thread_.joinable()) thread_.join();
    }
    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    service::Service service_;
    std::thread thread_;
    int port_ = -1;
};

struct Reply {
    long status = 0;
    std::string body;
};

inline Reply http(const std::string& base, const std::string& method, const std::string& path,
                  const std::string& credential, const std::string& body = "",
                  std::vector<std::string> headers = {}) {
    net::HttpCall call;
    call.method = method;
    call.url = base + path;
    call.body = body;
    call.timeout_ms = 20'000;
    call.headers = std::move(headers);
    call.headers.push_back("Content-Type: application/json");
    call.headers.push_back("Expect:");
    if (!credential.empty()) call.headers.push_back("Authorization: MUNGE " + credential);
    auto answer = net::http_call(call);
    if (!answer) return {-1, answer.error()};
    return {answer->status, answer->body};
}

// Budgets, a rate and a linked hold to act on.
class ServiceTest : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        if (HasFatalFailure()) return;
        auto setup = connect();
        add_slurm_roles(*setup, slurm_db_);
        // munged runs as the munge user: it must reach its directory.
        chmod(dir_.c_str(), 0755);
        munge_ = std::make_unique<MungeDaemon>(dir_);
        ASSERT_TRUE(munge_->started() && munge_->works()) << "munged did not start";
        physics_ = make_budget("physics", 10'000'000'000);
        proj001_ = make_budget("proj001", 1'000'000'000);
        proj002_ = make_budget("proj002", 1'000'000'000);
        chem_ = make_budget("chem", 1'000'000'000);
        db::Rate rate;
        rate.partition = "aws-cpu";
        rate.instance_type = "c5.large";
        rate.node_hour_price = Money{2'000'000};
        rate.default_time_limit_s = 3600;
        db::set_rate(session(), rate, "test", now_s_);

        // Tests send many bad tokens from one address; the limit has its own
        // test (service_token_test) on a service of its own.
        config_path_ = write_config("MungeSocket=" + munge_->socket() +
                                    "\nServiceThreads=4\nTokenFailureLimit=1000\n");
        auto loaded = load_config_file(config_path_);
        ASSERT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error());
        config_ = *loaded;
        runner_ = std::make_unique<ServiceRunner>(config_);
        ASSERT_GT(runner_->port(), 0);
    }
    void TearDown() override {
        runner_.reset();
        munge_.reset();
        LedgerTest::TearDown();
    }

    // What a denied or refused request must leave untouched.
    std::string fingerprint() {
        auto rows = session().query(
            "SELECT (SELECT COUNT(*) FROM journal), (SELECT COUNT(*) FROM hold),"
            " (SELECT COUNT(*) FROM budget), (SELECT COUNT(*) FROM partition_limit),"
            " (SELECT COALESCE(SUM(CRC32(CONCAT_WS('|', id, account, cluster, period_start,"
            "  period_end, status, description, allocated_micro, held_micro, spent_micro))), 0)"
            "  FROM budget),"
            " (SELECT COALESCE(SUM(CRC32(CONCAT_WS('|', id, state, held_micro, charged_micro))), 0)"
            "  FROM hold)");
        std::string text;
        for (size_t i = 0; i < rows[0].size(); ++i) text += rows[0].str_or(i, "NULL") + "/";
        return text;
    }

    Reply as(uint32_t uid, const std::string& method, const std::string& path,
             const std::string& body = "") {
        return http(runner_->url(), method, path, munge_->credential(uid), body);
    }

    std::unique_ptr<MungeDaemon> munge_;
    std::unique_ptr<ServiceRunner> runner_;
    std::string config_path_;
    Config config_;
    int64_t physics_ = 0, proj001_ = 0, proj002_ = 0, chem_ = 0;
};

}  // namespace asbb::test
