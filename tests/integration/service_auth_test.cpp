// Issue 6, acceptance 1: the service's authorization matrix. Every endpoint,
// asked by root, a SLURM administrator, the coordinator of physics (on
// physics' subtree and on chem), a plain user (own account and another) and
// a user SLURM does not know, answers the expected status; no credential, a
// forged, expired or replayed one gives 401 everywhere; and no refused
// request changes anything. A real munged (its own key and socket) decodes
// the credentials.
#include <gtest/gtest.h>

#include "db/job_context.hpp"
#include "db/ledger.hpp"
#include "integration/support/service_fixture.hpp"

namespace asbb::test {
namespace {

constexpr uint32_t kRoot = 0;
constexpr uint32_t A = kAdminUid;
constexpr uint32_t C = kCoordinatorUid;
constexpr uint32_t U = kUserUid;
constexpr uint32_t S = kStrangerUid;

const char* name_of(uint32_t uid) {
    switch (uid) {
        case kRoot:
            return "root";
        case A:
            return "admin(daemon)";
        case C:
            return "coordinator-of-physics(bin)";
        case U:
            return "user-of-proj001(sys)";
        default:
            return "stranger(nobody)";
    }
}

struct Case {
    uint32_t uid;
    const char* method;
    std::string path;
    std::string body;
    long want;
};

class ServiceAuthTest : public ServiceTest {
  protected:
    void SetUp() override {
        ServiceTest::SetUp();
        if (HasFatalFailure()) return;
        db::HoldRequest request = hold_request("proj001", 5'000'000);
        ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        hold_id_ = request.id.hex();
        ASSERT_TRUE(db::link_hold(session(), hold_id_, "lab", 4242, now_s_));
    }

    // Runs the cases in order; a refused one (status >= 400) must change
    // nothing.
    void run(const std::vector<Case>& cases) {
        for (const Case& c : cases) {
            const std::string before = fingerprint();
            const Reply reply = as(c.uid, c.method, c.path, c.body);
            EXPECT_EQ(reply.status, c.want) << name_of(c.uid) << " " << c.method << " " << c.path
                                            << " " << c.body << " -> " << reply.body;
            if (reply.status >= 400) {
                EXPECT_EQ(fingerprint(), before)
                    << "refused request changed the ledger: " << name_of(c.uid) << " " << c.method
                    << " " << c.path;
            }
        }
    }

    std::string check_body(const std::string& account, bool hold = false) {
        return R"({"account":")" + account +
               R"(","partition":"aws-cpu","nodes":1,"cpus":2,"wall_time":"01:00:00")" +
               (hold ? R"(,"hold":true})" : "}");
    }

    std::string hold_id_;
};

TEST_F(ServiceAuthTest, ReadsFollowSlurmRoles) {
    std::vector<Case> cases;
    auto all = [&](const char* method, const std::string& path, const std::string& body,
                   std::array<long, 5> want) {
        const uint32_t who[] = {kRoot, A, C, U, S};
        for (size_t i = 0; i < 5; ++i) cases.push_back({who[i], method, path, body, want[i]});
    };
    //                                                         root admin coord user stranger
    all("GET", "/api/v1/accounts", "", {200, 200, 200, 200, 200});
    all("GET", "/api/v1/accounts/proj001", "", {200, 200, 200, 200, 403});
    all("GET", "/api/v1/accounts/proj002", "", {200, 200, 200, 403, 403});
    all("GET", "/api/v1/accounts/physics", "", {200, 200, 200, 403, 403});
    all("GET", "/api/v1/accounts/chem", "", {200, 200, 403, 403, 403});
    all("GET", "/api/v1/transactions?account=proj001", "", {200, 200, 200, 200, 403});
    all("GET", "/api/v1/transactions?account=chem", "", {200, 200, 403, 403, 403});
    all("GET", "/api/v1/transactions", "", {200, 200, 403, 403, 403});
    all("POST", "/api/v1/budget/check", check_body("proj001"), {200, 200, 200, 200, 403});
    all("POST", "/api/v1/budget/check", check_body("chem"), {200, 200, 403, 403, 403});
    all("GET", "/api/v1/integration/budget-context/4242", "", {200, 200, 200, 200, 403});
    all("POST", "/api/v1/asba/budget-status", R"({"account":"proj001"})",
        {200, 200, 200, 200, 403});
    all("POST", "/api/v1/asba/budget-status", R"({"account":"chem"})", {200, 200, 403, 403, 403});
    all("POST", "/api/v1/asba/affordability-check",
        R"({"account":"proj002","estimated_cost":10.5})", {200, 200, 200, 403, 403});
    run(cases);

    // The listing holds exactly what each may read.
    auto count = [&](uint32_t uid) {
        const Reply r = as(uid, "GET", "/api/v1/accounts");
        const std::string key = "\"total_count\":";
        return std::stoi(r.body.substr(r.body.find(key) + key.size()));
    };
    EXPECT_EQ(count(kRoot), 4);
    EXPECT_EQ(count(A), 4);
    EXPECT_EQ(count(C), 3);  // physics, proj001, proj002
    EXPECT_EQ(count(U), 1);  // proj001
    EXPECT_EQ(count(S), 0);
}

TEST_F(ServiceAuthTest, WritesFollowSlurmRolesAndRefusalsChangeNothing) {
    const std::string future =
        R"(,"budget_limit":100,"start_date":"now+60days","end_date":"now+90days"})";
    run({
        // Change a budget: coordinators below their account, admins anywhere.
        {U, "PUT", "/api/v1/accounts/proj001", R"({"description":"user"})", 403},
        {S, "PUT", "/api/v1/accounts/proj001", R"({"description":"stranger"})", 403},
        {C, "PUT", "/api/v1/accounts/chem", R"({"description":"coord"})", 403},
        {C, "PUT", "/api/v1/accounts/proj001", R"({"description":"coord"})", 200},
        {C, "PUT", "/api/v1/accounts/physics", R"({"budget_limit":20000})", 200},
        {A, "PUT", "/api/v1/accounts/chem", R"({"description":"admin"})", 200},
        {kRoot, "PUT", "/api/v1/accounts/proj002", R"({"description":"root"})", 200},
        // Create budgets.
        {U, "POST", "/api/v1/accounts", R"({"slurm_account":"proj001")" + future, 403},
        {S, "POST", "/api/v1/accounts", R"({"slurm_account":"proj002")" + future, 403},
        {C, "POST", "/api/v1/accounts", R"({"slurm_account":"chem")" + future, 403},
        {C, "POST", "/api/v1/accounts", R"({"slurm_account":"proj002")" + future, 201},
        {A, "POST", "/api/v1/accounts", R"({"slurm_account":"chem")" + future, 201},
        // Place holds through /budget/check.
        {U, "POST", "/api/v1/budget/check", check_body("proj001", true), 403},
        {S, "POST", "/api/v1/budget/check", check_body("proj001", true), 403},
        {C, "POST", "/api/v1/budget/check", check_body("chem", true), 403},
        {C, "POST", "/api/v1/budget/check", check_body("proj001", true), 200},
        {A, "POST", "/api/v1/budget/check", check_body("chem", true), 200},
        // Reconcile the linked hold (proj001): once.
        {U, "POST", "/api/v1/budget/reconcile",
         R"({"transaction_id":")" + hold_id_ + R"(","actual_cost":1.5,"job_id":4242})", 403},
        {S, "POST", "/api/v1/budget/reconcile",
         R"({"transaction_id":")" + hold_id_ + R"(","actual_cost":1.5})", 403},
        {C, "POST", "/api/v1/budget/reconcile",
         R"({"transaction_id":")" + hold_id_ + R"(","actual_cost":1.5,"job_id":4242})", 200},
        {A, "POST", "/api/v1/budget/reconcile",
         R"({"transaction_id":")" + hold_id_ + R"(","actual_cost":1.5})", 409},
        // Delete budgets.
        {U, "DELETE", "/api/v1/accounts/proj001?force=true", "", 403},
        {S, "DELETE", "/api/v1/accounts/proj001?force=true", "", 403},
        {C, "DELETE", "/api/v1/accounts/chem?force=true", "", 403},
        {C, "DELETE", "/api/v1/accounts/proj002?force=true", "", 200},
        {A, "DELETE", "/api/v1/accounts/chem?force=true", "", 200},
        {kRoot, "DELETE", "/api/v1/accounts/proj001?force=true", "", 200},
    });
    // The allowed writes did what they said, through the ledger.
    EXPECT_EQ(
        scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge' AND amount_micro = 1500000"), 1);
    EXPECT_EQ(scalar("SELECT allocated_micro FROM budget WHERE id = ?", {physics_}),
              20'000'000'000);
}

TEST_F(ServiceAuthTest, BadCredentialsGet401EverywhereAndChangeNothing) {
    struct Endpoint {
        const char* method;
        std::string path;
        std::string body;
    };
    const std::vector<Endpoint> endpoints = {
        {"GET", "/api/v1/accounts", ""},
        {"POST", "/api/v1/accounts",
         R"({"slurm_account":"proj001","budget_limit":1,"start_date":"now+60days","end_date":"now+90days"})"},
        {"GET", "/api/v1/accounts/proj001", ""},
        {"PUT", "/api/v1/accounts/proj001", R"({"description":"x"})"},
        {"DELETE", "/api/v1/accounts/proj001?force=true", ""},
        {"GET", "/api/v1/transactions?account=proj001", ""},
        {"POST", "/api/v1/budget/check", check_body("proj001", true)},
        {"POST", "/api/v1/budget/reconcile",
         R"({"transaction_id":")" + hold_id_ + R"(","actual_cost":1})"},
        {"GET", "/api/v1/integration/budget-context/4242", ""},
        {"POST", "/api/v1/asba/budget-status", R"({"account":"proj001"})"},
        {"POST", "/api/v1/asba/affordability-check", R"({"account":"proj001","estimated_cost":1})"},
    };
    const std::string before = fingerprint();
    const std::string base = runner_->url();

    // Replayed: a credential is good for one request only.
    const std::string once = munge_->credential(kRoot);
    EXPECT_EQ(http(base, "GET", "/api/v1/accounts", once).status, 200);
    // Forged: a valid credential with one character of its MAC changed, and
    // one made with another munged's key.
    std::string tampered = munge_->credential(kRoot);
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    char other_dir[] = "/tmp/asbb-munge2-XXXXXX";
    ASSERT_NE(mkdtemp(other_dir), nullptr);
    chmod(other_dir, 0755);
    std::string foreign;
    {
        MungeDaemon other(other_dir);
        ASSERT_TRUE(other.works());
        foreign = other.credential(kRoot);
    }
    std::system(("rm -rf '" + std::string(other_dir) + "'").c_str());
    // Expired: a TTL of one second, used after two.
    std::vector<std::string> expired;
    for (size_t i = 0; i < endpoints.size(); ++i) expired.push_back(munge_->credential(kRoot, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(2'100));

    for (size_t i = 0; i < endpoints.size(); ++i) {
        const Endpoint& e = endpoints[i];
        const std::string valid = munge_->credential(kRoot);
        const std::vector<std::pair<std::string, std::vector<std::string>>> attempts = {
            {"no credential", {}},
            {"empty MUNGE", {"Authorization: MUNGE "}},
            {"garbage", {"Authorization: MUNGE not-a-credential"}},
            {"tampered", {"Authorization: MUNGE " + tampered}},
            {"other key", {"Authorization: MUNGE " + foreign}},
            {"expired", {"Authorization: MUNGE " + expired[i]}},
            {"replayed", {"Authorization: MUNGE " + once}},
            {"wrong scheme", {"Authorization: Bearer " + valid}},
        };
        for (const auto& [what, headers] : attempts) {
            const Reply r = http(base, e.method, e.path, "", e.body, headers);
            EXPECT_EQ(r.status, 401)
                << what << ": " << e.method << " " << e.path << " -> " << r.body;
        }
    }
    EXPECT_EQ(fingerprint(), before);
    // The public endpoints need none.
    for (const char* path : {"/health", "/version", "/metrics"}) {
        EXPECT_EQ(http(base, "GET", path, "").status, 200) << path;
    }
    const Reply metrics = http(base, "GET", "/metrics", "");
    EXPECT_NE(metrics.body.find("asbb_auth_failures_total 88"), std::string::npos) << metrics.body;
}

TEST_F(ServiceAuthTest, BudgetContextIsTheJobContextJson) {
    const Reply reply = as(U, "GET", "/api/v1/integration/budget-context/4242");
    ASSERT_EQ(reply.status, 200) << reply.body;
    const CliResult cli = run_cli({"--config=" + config_path_, "job-context", "--job-id=4242"});
    ASSERT_EQ(cli.status, 0) << cli.err;
    // Same document apart from the moment it was generated.
    auto without_time = [](std::string text) {
        const size_t at = text.find("\"generated_at\"");
        const size_t end = text.find('\n', at);
        return text.erase(at, end - at);
    };
    EXPECT_EQ(without_time(reply.body), without_time(cli.out));
}

}  // namespace
}  // namespace asbb::test
