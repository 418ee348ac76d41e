// Issue 6, acceptance 2 (as far as it can go before `asbb usage show`
// exists): a plain user, who cannot read asbb.conf, runs read verbs through
// the service with their own MUNGE credential and gets exactly what an
// administrator sees directly, and nothing they may not read. The real asbb
// binary runs as that user (setpriv); the service runs in-process.
#include <gtest/gtest.h>

#include "db/ledger.hpp"
#include "integration/support/service_fixture.hpp"

namespace asbb::test {
namespace {

class ServiceCliTest : public ServiceTest {
  protected:
    void SetUp() override {
        ServiceTest::SetUp();
        if (HasFatalFailure()) return;
        make_limit(proj001_, "aws-cpu", 300'000'000);
        db::HoldRequest request = hold_request("proj001", 5'000'000);
        ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        ASSERT_TRUE(db::link_hold(session(), request.id.hex(), "lab", 4242, now_s_));
    }

    // asbb ARGS as uid, with asbb.conf unreadable to them.
    CliResult as_user(uint32_t uid, const std::string& args) {
        const std::string err_file = dir_ + "/stderr";
        int status = 0;
        std::string out = run_command(
            "ASBB_CONF='" + config_path_ + "' ASBB_SERVICE_URL='" + runner_->url() +
                "' ASBB_MUNGE_SOCKET='" + munge_->socket() +
                "' setpriv --reuid=" + std::to_string(uid) + " --regid=" + std::to_string(uid) +
                " --clear-groups '" + ASBB_BIN_PATH + "' " + args + " 2>'" + err_file + "'",
            &status);
        std::ifstream err(err_file);
        std::string err_text((std::istreambuf_iterator<char>(err)),
                             std::istreambuf_iterator<char>());
        return {status, out, err_text};
    }

    CliResult as_admin(const std::vector<std::string>& args) {
        std::vector<std::string> full = {"--config=" + config_path_};
        full.insert(full.end(), args.begin(), args.end());
        return run_cli(full);
    }
};

TEST_F(ServiceCliTest, PlainUserSeesWhatTheAdminSees) {
    for (const auto& form : std::vector<std::vector<std::string>>{
             {"account", "show", "proj001"},
             {"-P", "account", "show", "proj001"},
             {"--json", "account", "show", "proj001"},
             {"job-context", "--job-id=4242"},
             {"usage", "show", "proj001"},
             {"--json", "usage", "show", "proj001"},
             {"-P", "transactions", "proj001"},
             {"forecast", "proj001", "--no-chart"},
             {"explain", "4242"},
             {"-P", "shadow", "report", "proj001"},
             {"-P", "alerts", "proj001"},
             // Age ticks between the two calls; the rest must match.
             {"-P", "holds", "proj001", "format=HoldID,JobID,Account,User,Held,State,Created"}}) {
        std::string joined;
        for (const auto& a : form) joined += a + " ";
        const CliResult admin = as_admin(form);
        ASSERT_EQ(admin.status, 0) << joined << admin.err;
        const CliResult user = as_user(kUserUid, joined);
        ASSERT_EQ(user.status, 0) << joined << user.err;
        if (form[0] == "job-context") {
            auto without_time = [](std::string text) {
                const size_t at = text.find("\"generated_at\"");
                return text.erase(at, text.find('\n', at) - at);
            };
            EXPECT_EQ(without_time(user.out), without_time(admin.out)) << joined;
        } else {
            EXPECT_EQ(user.out, admin.out) << joined;
        }
    }
}

TEST_F(ServiceCliTest, PlainUserSeesNothingElse) {
    const CliResult other = as_user(kUserUid, "account show proj002");
    EXPECT_EQ(other.status, 1);
    EXPECT_EQ(other.out, "");
    EXPECT_EQ(other.err, "asbb: error: user sys may not read account proj002\n");
    // The listing holds the user's own account only.
    const CliResult list = as_user(kUserUid, "-P -n account list");
    ASSERT_EQ(list.status, 0) << list.err;
    EXPECT_EQ(list.out.find("proj002"), std::string::npos) << list.out;
    EXPECT_EQ(list.out.rfind("proj001|", 0), 0u) << list.out;
    EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 1);
    // A stranger sees no account at all.
    const CliResult stranger = as_user(kStrangerUid, "account show proj001");
    EXPECT_EQ(stranger.status, 1);
    EXPECT_EQ(stranger.err, "asbb: error: user nobody may not read account proj001\n");
    const CliResult explain = as_user(kStrangerUid, "explain 4242");
    EXPECT_EQ(explain.status, 1);
    EXPECT_EQ(explain.out, "");
    EXPECT_EQ(explain.err, "asbb: error: user nobody may not read account proj001\n");
    // Verbs that change things never go through the service: without the
    // config they fail locally, and nothing changes.
    const std::string before = fingerprint();
    const CliResult write = as_user(kUserUid, "account deposit proj001 5 --reason=x");
    EXPECT_EQ(write.status, 1);
    EXPECT_NE(write.err.find("asbb: error: "), std::string::npos);
    EXPECT_EQ(fingerprint(), before);
}

TEST_F(ServiceCliTest, EstimateSaysWhatAJobCostsAndWhetherItFits) {
    // Rate $2/node-hour (ServiceTest): 2 nodes x 1 h = $4, hold $4.80.
    const CliResult admin = as_admin({"-P", "estimate", "--account=proj001", "--partition=aws-cpu",
                                      "--nodes=2", "--time=1:00:00"});
    ASSERT_EQ(admin.status, 0) << admin.err;
    EXPECT_EQ(admin.out,
              "Account|Partition|Nodes|TimeLimit|Estimate|Hold|Source|Fits\n"
              "proj001|aws-cpu|2|01:00:00|4.00|4.80|rate_card|yes\n");
    // Beyond the partition limit ($300): does not fit, and says where.
    const CliResult big = as_admin(
        {"estimate", "--account=proj001", "--partition=aws-cpu", "--nodes=100", "--time=2:00:00"});
    ASSERT_EQ(big.status, 0) << big.err;
    EXPECT_NE(big.out.find("rate_card no"), std::string::npos) << big.out;
    EXPECT_NE(big.out.find("asbb: job needs $480.00"), std::string::npos) << big.out;
    EXPECT_EQ(count("hold"), 1);  // only the fixture's
    // Through the service for the plain user: the same.
    const CliResult user = as_user(
        kUserUid, "-P estimate --account=proj001 --partition=aws-cpu --nodes=2 --time=1:00:00");
    ASSERT_EQ(user.status, 0) << user.err;
    EXPECT_EQ(user.out, admin.out);
}

TEST_F(ServiceCliTest, NoServiceIsExitStatus3) {
    const std::string err_file = dir_ + "/stderr";
    int status = 0;
    run_command("ASBB_CONF='" + config_path_ +
                    "' ASBB_SERVICE_URL=http://127.0.0.1:1 "
                    "ASBB_MUNGE_SOCKET='" +
                    munge_->socket() +
                    "' setpriv --reuid=3 --regid=3 "
                    "--clear-groups '" ASBB_BIN_PATH "' account show proj001 2>'" +
                    err_file + "'",
                &status);
    EXPECT_EQ(status, 3);
    std::ifstream err(err_file);
    std::string line;
    std::getline(err, line);
    EXPECT_EQ(line.rfind("asbb: error: cannot reach the asbb service at http://127.0.0.1:1", 0), 0u)
        << line;
}

}  // namespace
}  // namespace asbb::test
