// Shadow mode (issue 12, item 3) through the plugin's engine on a real
// MariaDB: under EnforcePolicy=shadow the holds that fit are placed as
// under enforce, every job enforce would refuse is accepted without a hold
// and recorded with the level that would have refused it, a refused change
// to a job is allowed and recorded, a database that cannot be asked refuses
// nothing, and `asbb shadow report` lists it all by account and level
// (golden, in table, -P, --json and --summary). Under enforce nothing is
// recorded. The e2e suite does the same with real sbatch (e2e_shadow).
#include <fstream>
#include <iterator>

#include "db/check.hpp"
#include "db/rates.hpp"
#include "db/shadow_refusals.hpp"
#include "integration/support/cli_test.hpp"
#include "submit/engine.hpp"

namespace asbb::test {
namespace {

using submit::SubmitDecision;
using submit::SubmitEngine;
using Verdict = SubmitDecision::Verdict;

constexpr int64_t kDollar = 1'000'000;
constexpr int64_t kNow = 1'773'576'000;  // 2026-03-15T12:00:00Z

class Shadow : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kNow);
        CliTest::SetUp();
        db::Rate rate;
        rate.partition = "aws-cpu";
        rate.instance_type = "c5.large";
        rate.node_hour_price = Money{kDollar};  // a job below: $1.00 × 1.2 = $1.20
        db::set_rate(session(), rate, "test", now_s_);
        // physics (above proj001) can hold two such jobs; chem's aws-cpu
        // limit none.
        make_budget("physics", 3 * kDollar);
        make_budget("proj001", 10 * kDollar);
        make_limit(make_budget("chem", 5 * kDollar), "aws-cpu", kDollar);
    }
    void TearDown() override {
        engine_.reset();
        CliTest::TearDown();
        restore_clock();
    }

    // The plugin's engine on this test's databases, its clock at kNow.
    SubmitEngine& engine(const std::string& policy = "EnforcePolicy=shadow\n") {
        const std::string path = write_config(policy + "BreakerSeconds=3600\n");
        auto seams = submit::EngineSeams::real();
        seams.now_s = [] { return kNow; };
        engine_ = std::make_unique<SubmitEngine>(path, dir_, seams);
        return *engine_;
    }

    // One node for an hour: a $1.20 hold on aws-cpu.
    static submit::SubmitInput job(const std::string& account,
                                   const std::string& partition = "aws-cpu") {
        submit::SubmitInput in;
        in.account = account;
        in.partition = partition;
        in.user_name = "alice";
        in.uid = 1001;
        in.shape.min_nodes = 1;
        in.shape.time_limit_min = 60;
        return in;
    }

    // proj001: two jobs fit, two do not (physics); chem: its limit refuses;
    // proj002 on aws-gpu, which has no rate.
    std::vector<SubmitDecision> submit_mix(SubmitEngine& e) {
        std::vector<SubmitDecision> decisions;
        for (int i = 0; i < 4; ++i) decisions.push_back(e.submit(job("proj001")));
        decisions.push_back(e.submit(job("chem")));
        decisions.push_back(e.submit(job("proj002", "aws-gpu")));
        return decisions;
    }

    std::unique_ptr<SubmitEngine> engine_;
};

TEST_F(Shadow, HoldsThatFitArePlacedAndTheRestAcceptedAndRecordedWithTheirLevel) {
    const int64_t journal_before = count("journal");
    auto d = submit_mix(engine());
    ASSERT_EQ(d[0].verdict, Verdict::kAccept) << d[0].log;
    ASSERT_EQ(d[1].verdict, Verdict::kAccept) << d[1].log;
    for (size_t i = 2; i < d.size(); ++i) {
        EXPECT_EQ(d[i].verdict, Verdict::kShadowAccept) << i << ": " << d[i].log;
        EXPECT_TRUE(d[i].hold_id.empty());
        EXPECT_NE(d[i].log.find("[recorded]"), std::string::npos) << d[i].log;
    }
    // Only the two holds that fit moved money, exactly as under enforce.
    EXPECT_EQ(count("hold"), 2);
    EXPECT_EQ(count("journal"), journal_before + 2);
    EXPECT_EQ(scalar("SELECT held_micro FROM budget WHERE account = 'physics'"), 2'400'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());

    const auto refusals = db::list_shadow_refusals(session(), {});
    ASSERT_EQ(refusals.size(), 4u);
    // By account, then level: chem's limit, proj001's physics twice, proj002's none.
    EXPECT_EQ(refusals[0].account, "chem");
    ASSERT_TRUE(refusals[0].level);
    EXPECT_EQ(refusals[0].level->kind, LevelKind::kPartitionLimit);
    EXPECT_EQ(refusals[0].level->partition, "aws-cpu");
    EXPECT_EQ(refusals[0].level->available.micro, kDollar);
    for (int i : {1, 2}) {
        EXPECT_EQ(refusals[i].account, "proj001");
        ASSERT_TRUE(refusals[i].level);
        EXPECT_EQ(refusals[i].level->kind, LevelKind::kAncestor);
        EXPECT_EQ(refusals[i].level->account, "physics");
        EXPECT_EQ(refusals[i].level->available.micro, 600'000);
        EXPECT_EQ(refusals[i].needed.micro, 1'200'000);
        EXPECT_EQ(refusals[i].user_name, "alice");
        EXPECT_EQ(refusals[i].message, d[2].message);  // what sbatch would have said
    }
    EXPECT_EQ(refusals[3].account, "proj002");
    EXPECT_FALSE(refusals[3].level);
    EXPECT_EQ(refusals[3].partition, "aws-gpu");
}

TEST_F(Shadow, EnforceRefusesTheSameJobsAndRecordsNothing) {
    auto d = submit_mix(engine(""));
    EXPECT_EQ(d[0].verdict, Verdict::kAccept);
    EXPECT_EQ(d[1].verdict, Verdict::kAccept);
    for (size_t i = 2; i < d.size(); ++i) EXPECT_EQ(d[i].verdict, Verdict::kReject) << i;
    EXPECT_EQ(d[2].message.find("asbb: job needs $1.20"), 0u) << d[2].message;
    EXPECT_EQ(count("shadow_refusal"), 0);
    EXPECT_EQ(count("hold"), 2);
}

TEST_F(Shadow, ABudgetWithoutAPeriodIsRecordedWithNoAvailableFigure) {
    session().exec("UPDATE budget SET period_end = ? WHERE account = 'chem'", {kNow - 60});
    auto d = engine().submit(job("chem"));
    EXPECT_EQ(d.verdict, Verdict::kShadowAccept) << d.log;
    const auto refusals = db::list_shadow_refusals(session(), {});
    ASSERT_EQ(refusals.size(), 1u);
    ASSERT_TRUE(refusals[0].level);
    EXPECT_EQ(refusals[0].level->account, "chem");
    EXPECT_FALSE(refusals[0].level_had_period);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM shadow_refusal WHERE available_micro IS NULL"), 1);
}

// Shadow mode refuses nothing, not even when the database cannot be asked;
// such an acceptance can only be logged.
TEST_F(Shadow, ADatabaseThatCannotBeAskedRefusesNothingAndIsLogged) {
    engine();  // asbb.conf as in the other tests, then its socket pointed nowhere
    session().run("DROP TABLE shadow_refusal");  // would a record be tried, it would fail
    const std::string path = write_config("EnforcePolicy=shadow\nBreakerSeconds=3600\n");
    std::string text;
    {
        std::ifstream in(path);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    text.replace(text.find("DbSocket="), text.find('\n') - text.find("DbSocket="),
                 "DbSocket=" + dir_ + "/no-such.sock");
    std::ofstream(path) << text;
    engine_ = std::make_unique<SubmitEngine>(path, dir_);
    auto& e = *engine_;
    for (int i = 0; i < 2; ++i) {  // the outage, then the open breaker
        auto d = e.submit(job("proj001"));
        EXPECT_EQ(d.verdict, Verdict::kShadowAccept) << d.log;
        EXPECT_NE(d.message.find("unavailable"), std::string::npos) << d.message;
        EXPECT_NE(d.log.find("[not recorded]"), std::string::npos) << d.log;
    }
    EXPECT_EQ(count("hold"), 0);
}

TEST_F(Shadow, ARefusedChangeToAJobIsAllowedRecordedAndTheHoldKeepsItsSize) {
    auto& e = engine();
    auto placed = e.submit(job("proj001"));
    ASSERT_EQ(placed.verdict, Verdict::kAccept) << placed.log;
    ASSERT_TRUE(db::link_hold(session(), placed.hold_id, "lab", 501, now_s_));
    submit::ModifyInput change;
    change.job_id = 501;
    change.time_limit_min = 24 * 60;  // $28.80: proj001 has $8.80
    auto d = e.modify(change);
    EXPECT_TRUE(d.allow) << d.log;
    EXPECT_NE(d.log.find("[recorded]"), std::string::npos) << d.log;
    EXPECT_EQ(scalar("SELECT held_micro FROM hold WHERE id = ?", {placed.hold_id}), 1'200'000);
    const auto refusals = db::list_shadow_refusals(session(), {});
    ASSERT_EQ(refusals.size(), 1u);
    EXPECT_EQ(refusals[0].job_id, 501);
    EXPECT_EQ(refusals[0].needed.micro, 28'800'000);
    EXPECT_EQ(refusals[0].level->account, "proj001");
    EXPECT_EQ(refusals[0].level->kind, LevelKind::kAccount);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(Shadow, ReportListsByAccountAndLevelInTableParsableJsonAndSummary) {
    submit_mix(engine());
    const std::string x = "\xc3\x97";
    const std::string physics_words =
        "asbb: job needs $1.20 (est. $1.00 " + x +
        " 1.2) on aws-cpu but parent account physics has $0.60 available (budget "
        "2026-03-14T12:00:00..2026-04-14T12:00:00)";
    const std::string chem_words =
        "asbb: job needs $1.20 (est. $1.00 " + x +
        " 1.2) on aws-cpu but the partition limit of account chem on aws-cpu has $1.00 "
        "available (budget 2026-03-14T12:00:00..2026-04-14T12:00:00)";
    expect_output({"shadow", "report", "format=ID,Account,User,Level,Kind,Needed,Available"},
                  "ID Account User  Level        Kind            Needed Available \n"
                  "-- ------- ----- ------------ --------------- ------ --------- \n"
                  " 3 chem    alice chem/aws-cpu partition_limit   1.20      1.00 \n"
                  " 1 proj001 alice physics      ancestor          1.20      0.60 \n"
                  " 2 proj001 alice physics      ancestor          1.20      0.60 \n"
                  " 4 proj002 alice              none                             \n");
    expect_output(
        {"shadow", "report", "-P"},
        "ID|Time|Cluster|Account|User|Partition|JobID|Level|Kind|Needed|Available|"
        "Reason\n"
        "3|2026-03-15T12:00:00|lab|chem|alice|aws-cpu||chem/aws-cpu|partition_limit|1.20|"
        "1.00|" +
            chem_words +
            "\n"
            "1|2026-03-15T12:00:00|lab|proj001|alice|aws-cpu||physics|ancestor|1.20|0.60|" +
            physics_words +
            "\n"
            "2|2026-03-15T12:00:00|lab|proj001|alice|aws-cpu||physics|ancestor|1.20|0.60|" +
            physics_words +
            "\n"
            "4|2026-03-15T12:00:00|lab|proj002|alice|aws-gpu|||none|||asbb: partition "
            "aws-gpu is budgeted but has no rate; ask your admin to run asbb rates set "
            "--partition=aws-gpu\n");
    expect_output({"shadow", "report", "chem", "--json"}, R"~([
  {
    "id": 3,
    "time": "2026-03-15T12:00:00",
    "cluster": "lab",
    "account": "chem",
    "user": "alice",
    "partition": "aws-cpu",
    "job_id": null,
    "level": "chem/aws-cpu",
    "kind": "partition_limit",
    "needed": "1.20",
    "available": "1.00",
    "reason": ")~" + chem_words + R"~("
  }
]
)~");
    expect_output({"shadow", "report", "--summary"},
                  "Account Level        Kind            Refusals Needed First               "
                  "Last                \n"
                  "------- ------------ --------------- -------- ------ ------------------- "
                  "------------------- \n"
                  "chem    chem/aws-cpu partition_limit        1   1.20 2026-03-15T12:00:00 "
                  "2026-03-15T12:00:00 \n"
                  "proj001 physics      ancestor               2   2.40 2026-03-15T12:00:00 "
                  "2026-03-15T12:00:00 \n"
                  "proj002              none                   1   0.00 2026-03-15T12:00:00 "
                  "2026-03-15T12:00:00 \n");
    expect_output({"shadow", "report", "proj001", "--summary", "-P"},
                  "Account|Level|Kind|Refusals|Needed|First|Last\n"
                  "proj001|physics|ancestor|2|2.40|2026-03-15T12:00:00|2026-03-15T12:00:00\n");
    expect_output({"shadow", "report", "--since=2026-03-16", "-n", "-P"}, "");
    expect_output({"shadow", "report", "--until=2026-03-14", "-n", "-P"}, "");
    expect_output(
        {"shadow", "report", "--since=2026-03-15", "--until=2026-03-15", "-n", "-P", "format=ID"},
        "3\n1\n2\n4\n");
    expect_refused({"shadow", "report", "nosuch"}, 1, "SLURM has no account 'nosuch'");
    expect_refused({"shadow", "report", "--since=2026-13-01"}, 2, "--since");
    expect_refused({"shadow", "report", "--since=2026-03-16", "--until=2026-03-15"}, 2,
                   "--until must be after --since");
    expect_refused({"shadow", "report", "proj'001"}, 2, "invalid account name");
    expect_refused({"shadow"}, 2, "usage: asbb shadow report");
}

}  // namespace
}  // namespace asbb::test
