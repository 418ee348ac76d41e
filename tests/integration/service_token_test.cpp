// Issue 12, item 7: API tokens at the service. The burst advisor's exact
// requests (aws-slurm-burst-advisor's ASBB client: POST with a JSON body
// ending in a newline, as Go's json.Encoder writes it, "Content-Type:
// application/json", "Authorization: Bearer <key>") with a reader token for
// the account get 200 and the figures `asbb account show -P` prints, in
// fields of the types the client's Go structs declare (a time.Time must be
// RFC 3339, an int must have no fraction). A token for another account gets
// 403; unknown, revoked and malformed tokens get 401 and nothing is read;
// failed attempts are limited per client address; what a coordinator token
// writes names it as the journal's actor. The MUNGE matrix is
// service_auth_test's, unchanged.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <regex>

#include "core/money.hpp"
#include "db/api_tokens.hpp"
#include "integration/support/service_fixture.hpp"

namespace asbb::test {
namespace {

enum class GoType { kString, kFloat, kInt, kBool, kTime, kObject, kStringList, kObjectList };

struct GoField {
    const char* name;
    GoType type;
};

// The fields of the client's BudgetStatus, AffordabilityCheck, BudgetImpact,
// RiskAssessment and AlternativeOption structs, with their Go types.
const std::vector<GoField> kBudgetStatus = {
    {"account", GoType::kString},           {"budget_limit", GoType::kFloat},
    {"budget_used", GoType::kFloat},        {"budget_held", GoType::kFloat},
    {"budget_available", GoType::kFloat},   {"burn_rate", GoType::kFloat},
    {"burn_rate_variance", GoType::kFloat}, {"health_score", GoType::kInt},
    {"risk_level", GoType::kString},        {"grant_days_remaining", GoType::kInt},
    {"decision", GoType::kString},          {"can_afford_aws", GoType::kBool},
    {"last_updated", GoType::kTime}};
const std::vector<GoField> kAffordability = {{"affordable", GoType::kBool},
                                             {"recommended_decision", GoType::kString},
                                             {"budget_impact", GoType::kObject},
                                             {"risk_assessment", GoType::kObject},
                                             {"alternative_options", GoType::kObjectList},
                                             {"confidence_level", GoType::kFloat}};
const std::vector<GoField> kBudgetImpact = {{"cost_as_percent_of_budget", GoType::kFloat},
                                            {"cost_as_percent_of_remaining", GoType::kFloat},
                                            {"opportunity_cost", GoType::kFloat},
                                            {"budget_after_cost", GoType::kFloat}};
const std::vector<GoField> kRiskAssessment = {{"budget_risk", GoType::kString},
                                              {"deadline_risk", GoType::kString},
                                              {"overall_risk", GoType::kString},
                                              {"risk_factors", GoType::kStringList}};
const std::vector<GoField> kAlternativeOption = {{"strategy", GoType::kString},
                                                 {"cost", GoType::kFloat},
                                                 {"timeline", GoType::kString},
                                                 {"score", GoType::kFloat},
                                                 {"description", GoType::kString}};

// Whether encoding/json would decode the value into the Go type (null
// decodes into anything, leaving the zero value).
bool decodes(const rapidjson::Value& v, GoType type) {
    if (v.IsNull()) return true;
    switch (type) {
        case GoType::kString:
            return v.IsString();
        case GoType::kFloat:
            return v.IsNumber();
        case GoType::kInt:
            return v.IsInt64();  // 12.0 and 1e3 do not decode into an int
        case GoType::kBool:
            return v.IsBool();
        case GoType::kTime: {
            static const std::regex kRfc3339(
                R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d))");
            return v.IsString() && std::regex_match(v.GetString(), kRfc3339);
        }
        case GoType::kObject:
            return v.IsObject();
        case GoType::kStringList:
            if (!v.IsArray()) return false;
            for (const auto& item : v.GetArray()) {
                if (!item.IsString()) return false;
            }
            return true;
        case GoType::kObjectList:
            if (!v.IsArray()) return false;
            for (const auto& item : v.GetArray()) {
                if (!item.IsObject()) return false;
            }
            return true;
    }
    return false;
}

void expect_decodes(const rapidjson::Value& object, const std::vector<GoField>& fields,
                    const std::string& what) {
    ASSERT_TRUE(object.IsObject()) << what;
    for (const GoField& field : fields) {
        auto found = object.FindMember(field.name);
        ASSERT_NE(found, object.MemberEnd()) << what << " lacks " << field.name;
        EXPECT_TRUE(decodes(found->value, field.type)) << what << "." << field.name;
    }
}

// A JSON number as the exact amount it spells.
int64_t micro_of(const rapidjson::Value& object, const char* key) {
    auto found = object.FindMember(key);
    if (found == object.MemberEnd() || !found->value.IsNumber()) return -1;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    found->value.Accept(writer);
    auto money = parse_money(buffer.GetString());
    return money ? money->micro : -1;
}

class ServiceTokenTest : public ServiceTest {
  protected:
    void SetUp() override {
        ServiceTest::SetUp();
        if (HasFatalFailure()) return;
        db::HoldRequest request = hold_request("proj001", 5'000'000);
        ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
    }

    std::string create_token(const std::string& name, const std::string& role,
                             const std::string& accounts) {
        CliResult result = run_cli({"--config=" + config_path_, "token", "create", name,
                                    "--role=" + role, "--accounts=" + accounts});
        EXPECT_EQ(result.status, 0) << result.err;
        std::string text = result.out;
        if (text.ends_with("\n")) text.pop_back();
        return text.substr(text.rfind('\n') + 1);
    }

    // The advisor's makeRequest, against url.
    static Reply advisor(const std::string& url, const std::string& key, const std::string& path,
                         const std::string& body) {
        return http(url, "POST", path, "", body, {"Authorization: Bearer " + key});
    }
    Reply advisor(const std::string& key, const std::string& path, const std::string& body) {
        return advisor(runner_->url(), key, path, body);
    }
};

TEST_F(ServiceTokenTest, TheAdvisorsRequestsWithAReaderTokenGetAccountShowsFigures) {
    const std::string key = create_token("advisor", "reader", "proj001");
    // GetAccountStatus: map[string]string{"account": ...}, json.Encoder.
    const Reply status = advisor(key, "/api/v1/asba/budget-status", "{\"account\":\"proj001\"}\n");
    ASSERT_EQ(status.status, 200) << status.body;
    rapidjson::Document doc;
    doc.Parse(status.body.c_str());
    ASSERT_FALSE(doc.HasParseError()) << status.body;
    expect_decodes(doc, kBudgetStatus, "BudgetStatus");

    // The same figures as asbb account show -P.
    CliResult shown = run_cli({"--config=" + config_path_, "account", "show", "proj001", "-P", "-n",
                               "format=Budget,Spent,Held,Available"});
    ASSERT_EQ(shown.status, 0) << shown.err;
    std::vector<int64_t> figures;
    std::string line = shown.out.substr(0, shown.out.find('\n'));
    for (size_t start = 0; start <= line.size();) {
        size_t bar = line.find('|', start);
        if (bar == std::string::npos) bar = line.size();
        figures.push_back(parse_money(line.substr(start, bar - start))->micro);
        start = bar + 1;
    }
    ASSERT_EQ(figures.size(), 4u) << shown.out;
    EXPECT_EQ(micro_of(doc, "budget_limit"), figures[0]);
    EXPECT_EQ(micro_of(doc, "budget_used"), figures[1]);
    EXPECT_EQ(micro_of(doc, "budget_held"), figures[2]);
    EXPECT_EQ(micro_of(doc, "budget_available"), figures[3]);
    EXPECT_EQ(figures[2], 5'000'000);
    EXPECT_TRUE(doc["can_afford_aws"].GetBool());

    // CheckAffordability: map[string]interface{}{"account", "estimated_cost": float64}.
    const Reply check = advisor(key, "/api/v1/asba/affordability-check",
                                "{\"account\":\"proj001\",\"estimated_cost\":12.5}\n");
    ASSERT_EQ(check.status, 200) << check.body;
    rapidjson::Document afford;
    afford.Parse(check.body.c_str());
    ASSERT_FALSE(afford.HasParseError()) << check.body;
    expect_decodes(afford, kAffordability, "AffordabilityCheck");
    expect_decodes(afford["budget_impact"], kBudgetImpact, "BudgetImpact");
    expect_decodes(afford["risk_assessment"], kRiskAssessment, "RiskAssessment");
    for (const auto& option : afford["alternative_options"].GetArray()) {
        expect_decodes(option, kAlternativeOption, "AlternativeOption");
    }
    EXPECT_TRUE(afford["affordable"].GetBool());
    // $995 available less the hold a $12.50 job would take (x HoldFactor).
    const int64_t hold_micro = micro_of(afford, "hold_amount");
    EXPECT_GE(hold_micro, 12'500'000);
    EXPECT_EQ(micro_of(afford["budget_impact"], "budget_after_cost"), figures[3] - hold_micro);

    // IsAvailable: GET /health without a header.
    EXPECT_EQ(http(runner_->url(), "GET", "/health", "").status, 200);
    // The use is recorded; the secret is not.
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM api_token WHERE name = 'advisor'"
                     " AND last_used_at IS NOT NULL"),
              1);
}

TEST_F(ServiceTokenTest, ATokenForAnotherAccountGets403) {
    const std::string key = create_token("chem-only", "reader", "chem");
    for (const char* path : {"/api/v1/asba/budget-status", "/api/v1/asba/affordability-check"}) {
        const Reply reply = advisor(key, path, "{\"account\":\"proj001\",\"estimated_cost\":1}\n");
        EXPECT_EQ(reply.status, 403) << path << " " << reply.body;
        EXPECT_EQ(reply.body.find("budget_limit"), std::string::npos);
    }
    // A reader of physics reads proj001 below it.
    const std::string physics = create_token("physics", "reader", "physics");
    EXPECT_EQ(advisor(physics, "/api/v1/asba/budget-status", "{\"account\":\"proj001\"}\n").status,
              200);
}

TEST_F(ServiceTokenTest, UnknownRevokedAndMalformedTokensGet401AndNothingIsRead) {
    const std::string revoked = create_token("gone", "reader", "proj001");
    ASSERT_EQ(run_cli({"--config=" + config_path_, "token", "revoke", "gone"}).status, 0);
    std::string unknown = revoked;
    unknown[10] = unknown[10] == 'a' ? 'b' : 'a';
    const std::string before = fingerprint();
    for (const std::string& header :
         {"Bearer " + revoked, "Bearer " + unknown, std::string("Bearer asbb_xyz"),
          "Bearer " + revoked.substr(5), "Bearer " + revoked + "0",
          std::string("Bearer ' OR 1=1 --"), std::string("Bearer"), "bearer " + revoked}) {
        for (const char* path : {"/api/v1/asba/budget-status", "/api/v1/accounts/proj001"}) {
            const Reply reply =
                http(runner_->url(), std::string(path).ends_with("proj001") ? "GET" : "POST", path,
                     "", "{\"account\":\"proj001\"}\n", {"Authorization: " + header});
            EXPECT_EQ(reply.status, 401) << header << " " << path << " " << reply.body;
            EXPECT_EQ(reply.body.find("budget"), std::string::npos) << reply.body;
        }
    }
    EXPECT_EQ(fingerprint(), before);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM api_token WHERE last_used_at IS NOT NULL"), 0);
}

TEST_F(ServiceTokenTest, FailedAttemptsAreLimitedPerClientAddress) {
    const std::string key = create_token("advisor", "reader", "proj001");
    Config limited = config_;
    limited.token_failure_limit = 3;
    ServiceRunner runner(limited);
    ASSERT_GT(runner.port(), 0);
    std::string wrong = key;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    const std::string body = "{\"account\":\"proj001\"}\n";
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(advisor(runner.url(), wrong, "/api/v1/asba/budget-status", body).status, 401);
    }
    // Over the limit: refused before any lookup, the good token too, from
    // this address; MUNGE users are not affected.
    const Reply limited_reply = advisor(runner.url(), key, "/api/v1/asba/budget-status", body);
    EXPECT_EQ(limited_reply.status, 429) << limited_reply.body;
    EXPECT_NE(limited_reply.body.find("too many failed API token attempts"), std::string::npos);
    EXPECT_EQ(http(runner.url(), "POST", "/api/v1/asba/budget-status", munge_->credential(0), body)
                  .status,
              200);
    // The other service (its own count) still accepts the token.
    EXPECT_EQ(advisor(key, "/api/v1/asba/budget-status", body).status, 200);
}

TEST_F(ServiceTokenTest, ACoordinatorTokenWritesAsItselfAndAReaderCannotWrite) {
    const std::string reader = create_token("advisor", "reader", "proj001");
    // The longest name: its actor, token:NAME, is the journal's 32 characters.
    const std::string coordinator =
        create_token("operations-team-token-0001", "coordinator", "physics");
    const std::string change = R"({"budget_limit": 1500})";
    const std::string before = fingerprint();
    EXPECT_EQ(http(runner_->url(), "PUT", "/api/v1/accounts/proj001", "", change,
                   {"Authorization: Bearer " + reader})
                  .status,
              403);
    EXPECT_EQ(fingerprint(), before);
    const Reply changed = http(runner_->url(), "PUT", "/api/v1/accounts/proj001", "", change,
                               {"Authorization: Bearer " + coordinator});
    EXPECT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(
        scalar("SELECT COUNT(*) FROM journal WHERE actor = 'token:operations-team-token-0001'"), 1);
    // Outside its subtree, and what only administrators may do: 403.
    EXPECT_EQ(http(runner_->url(), "PUT", "/api/v1/accounts/chem", "", change,
                   {"Authorization: Bearer " + coordinator})
                  .status,
              403);
    const std::string everywhere = create_token("all-ops", "coordinator", "all");
    EXPECT_EQ(http(runner_->url(), "GET", "/api/v1/transactions", "", "",
                   {"Authorization: Bearer " + everywhere})
                  .status,
              403);
}

}  // namespace
}  // namespace asbb::test
