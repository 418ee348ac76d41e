// asbb job-context: the JSON aws-slurm-burst reads, on a real ledger. It
// must validate against etc/job-context.schema.json and carry the exact
// figures of the hold and of every level it counts against.
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDollar = 1'000'000;

std::string schema_path() {
    return std::string(ASBB_SOURCE_DIR) + "/etc/job-context.schema.json";
}

// "" when the document is valid, else where it is not.
std::string schema_violation(const rapidjson::Document& document) {
    std::ifstream file(schema_path());
    std::stringstream text;
    text << file.rdbuf();
    rapidjson::Document schema_json;
    schema_json.Parse(text.str().c_str());
    if (schema_json.HasParseError()) return "schema does not parse";
    rapidjson::SchemaDocument schema(schema_json);
    rapidjson::SchemaValidator validator(schema);
    if (document.Accept(validator)) return "";
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    return std::string(where.GetString()) + " fails " + validator.GetInvalidSchemaKeyword();
}

class CliJobContext : public CliTest {
  protected:
    void SetUp() override {
        CliTest::SetUp();
        // No cluster here: a job the ledger has not linked must not reach a
        // slurmctld, and must say why it cannot.
        setenv("SLURM_CONF", (dir_ + "/no-slurm.conf").c_str(), 1);
    }
    void TearDown() override {
        unsetenv("SLURM_CONF");
        CliTest::TearDown();
    }

    // physics $500 with aws-cpu limited to $50; proj001 $100; a $12 hold
    // (estimate $10) of alice's job 4242 on proj001, linked.
    std::string place_linked_hold() {
        const int64_t physics = make_budget("physics", 500 * kDollar);
        make_limit(physics, "aws-cpu", 50 * kDollar);
        make_budget("proj001", 100 * kDollar);
        auto request = hold_request("proj001", 12 * kDollar);
        request.size = HoldSize{Money{10 * kDollar}, Money{12 * kDollar}};
        request.node_hour_price = Money{10 * kDollar};
        request.hold_factor_ppm = 1'200'000;
        EXPECT_EQ(db::place_hold(session(), slurm(), request).outcome, db::HoldOutcome::kPlaced);
        EXPECT_TRUE(db::link_hold(session(), request.id.hex(), "lab", 4242, now_s_));
        return request.id.hex();
    }
};

TEST_F(CliJobContext, ALinkedJobsContextValidatesAndCarriesEveryLevel) {
    const std::string hold_id = place_linked_hold();
    auto result = asbb({"job-context", "--job-id=4242"});
    ASSERT_EQ(result.status, 0) << result.err;
    rapidjson::Document json;
    json.Parse(result.out.c_str());
    ASSERT_FALSE(json.HasParseError()) << result.out;
    EXPECT_EQ(schema_violation(json), "") << result.out;

    EXPECT_EQ(json["job_id"].GetInt64(), 4242);
    EXPECT_STREQ(json["account"].GetString(), "proj001");
    EXPECT_STREQ(json["partition"].GetString(), "aws-cpu");
    EXPECT_STREQ(json["user"].GetString(), "alice");
    EXPECT_STREQ(json["hold"]["id"].GetString(), hold_id.c_str());
    EXPECT_STREQ(json["hold"]["state"].GetString(), "linked");
    EXPECT_STREQ(json["hold"]["estimate"].GetString(), "10.00");
    EXPECT_STREQ(json["hold"]["amount"].GetString(), "12.00");
    EXPECT_STREQ(json["hold"]["held"].GetString(), "12.00");
    EXPECT_STREQ(json["hold"]["hold_factor"].GetString(), "1.2");
    EXPECT_STREQ(json["hold"]["price_lock"]["node_hour"].GetString(), "10.00");

    // proj001: 100 - 12 = 88; physics: 500 - 12 = 488; its aws-cpu limit: 50 - 12 = 38
    const auto& levels = json["levels"];
    ASSERT_EQ(levels.Size(), 3u);
    EXPECT_STREQ(levels[0]["kind"].GetString(), "account");
    EXPECT_STREQ(levels[0]["account"].GetString(), "proj001");
    EXPECT_STREQ(levels[0]["available"].GetString(), "88.00");
    EXPECT_STREQ(levels[1]["kind"].GetString(), "ancestor");
    EXPECT_STREQ(levels[1]["account"].GetString(), "physics");
    EXPECT_STREQ(levels[1]["available"].GetString(), "488.00");
    EXPECT_STREQ(levels[2]["kind"].GetString(), "partition_limit");
    EXPECT_STREQ(levels[2]["partition"].GetString(), "aws-cpu");
    EXPECT_STREQ(levels[2]["limit"].GetString(), "50.00");
    EXPECT_STREQ(levels[2]["available"].GetString(), "38.00");

    // the tightest level is the limit: the job may spend its 12 plus 38
    EXPECT_STREQ(json["available"].GetString(), "38.00");
    EXPECT_STREQ(json["partition_limit_left"].GetString(), "38.00");
    EXPECT_STREQ(json["max_total_cost"].GetString(), "50.00");
    EXPECT_TRUE(json["cost_constraints"]["max_total_cost"].IsNumber());
    EXPECT_STREQ(json["execution_metadata"]["tags"]["asbb:hold"].GetString(), hold_id.c_str());
}

TEST_F(CliJobContext, AfterTheChargeTheHoldNoLongerAddsToTheCeiling) {
    const std::string hold_id = place_linked_hold();
    db::ChargeRequest charge;
    charge.hold_id = hold_id;
    charge.actual = Money{7 * kDollar};
    charge.cluster = "lab";
    charge.job_id = 4242;
    charge.job_db_inx = 1;
    charge.now_s = now_s_;
    db::in_transaction(session(), [&] { return db::charge_hold(session(), charge); });

    auto result = asbb({"job-context", "--job-id=4242"});
    ASSERT_EQ(result.status, 0) << result.err;
    rapidjson::Document json;
    json.Parse(result.out.c_str());
    EXPECT_EQ(schema_violation(json), "") << result.out;
    EXPECT_STREQ(json["hold"]["state"].GetString(), "charged");
    EXPECT_STREQ(json["hold"]["held"].GetString(), "0.00");
    EXPECT_STREQ(json["hold"]["charged"].GetString(), "7.00");
    // limit: 50 - 7 spent = 43, and nothing held any more
    EXPECT_STREQ(json["max_total_cost"].GetString(), "43.00");
}

TEST_F(CliJobContext, AJobWithoutAHoldIsOneLineAndExitOne) {
    place_linked_hold();
    // A malformed job id is a usage error (2); a job the ledger or SLURM
    // cannot place is a user error (1).
    struct Case {
        std::vector<std::string> args;
        int status;
        std::string needle;
    };
    for (const auto& [args, status, needle] : std::vector<Case>{
             {{"job-context", "--job-id=77"}, 1, "cannot read slurm.conf"},
             {{"job-context", "--job-id=4242", "--cluster=other"}, 1, "no hold linked to it"},
             {{"job-context", "--job-id=abc"}, 2, "is not a SLURM job id"},
             {{"job-context", "--job-id=0"}, 2, "is not a SLURM job id"},
             {{"job-context", "--job-id=12_"}, 2, "is not a SLURM job id"},
             {{"job-context", "--job-id=99999999999"}, 2, "is not a SLURM job id"},
             {{"job-context", "--job-id=1'; DROP TABLE hold; --"}, 2, "is not a SLURM job id"},
         }) {
        auto result = asbb(args);
        EXPECT_EQ(result.status, status) << args[1];
        EXPECT_EQ(result.err.rfind("asbb: error: ", 0), 0u) << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
    }
    EXPECT_EQ(asbb({"job-context"}).status, 2);
    EXPECT_EQ(count("hold"), 1);
}

TEST_F(CliJobContext, AnArrayTaskIdNamesItsArraysHold) {
    place_linked_hold();
    auto result = asbb({"job-context", "--job-id=4242_3"});
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_NE(result.out.find("\"job_id\": 4242,"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace asbb::test
