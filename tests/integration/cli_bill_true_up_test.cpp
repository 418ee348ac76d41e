// asbb bill import with BillNodeTag (issue 11's attribution and true-up) on
// the real MariaDB server, with job rows shaped as slurmdbd writes them
// (nodelist, tres_alloc): a month's instance-hours are placed on the runs
// that held each node, split by CPUs × seconds, the rest is idle; each hold
// whose runs were billed gets one true_up journal row of billed minus
// charged, so the budgets' spent follows the bill; a newer version of the
// month reverses those rows and writes its own; the same file twice, or a
// dry run, changes nothing; and `asbb check` stays clean.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/job_run.hpp"
#include "db/budgets.hpp"
#include "db/check.hpp"
#include "db/ledger.hpp"
#include "integration/support/cli_test.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kDec2 = 1'796'212'800;     // 2026-12-02T12:00:00Z
constexpr int64_t kNov5At4 = 1'793'851'200;  // 2026-11-05T04:00:00Z
constexpr int64_t kMinute = 60;
constexpr int64_t kNov1 = 1'793'491'200;  // 2026-11-01T00:00:00Z
constexpr int64_t kDec1 = 1'796'083'200;  // 2026-12-01T00:00:00Z
constexpr uint32_t kComplete = 3;

const std::string kHeader =
    "bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,"
    "lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ResourceId,lineItem/UsageType,"
    "lineItem/UnblendedCost,resourceTags/user:Name\n";

// One line of the report, from hour (after 04:00 on 2026-11-05) for an hour.
std::string line(int hour, const std::string& resource, const std::string& usage,
                 const std::string& cost, const std::string& node) {
    auto stamp = [](int h) { return "2026-11-05T0" + std::to_string(4 + h) + ":00:00Z"; };
    return "123456789012,2026-11-01T00:00:00Z,Usage," + stamp(hour) + "," + stamp(hour + 1) + "," +
           resource + "," + usage + "," + cost + "," + node + "\n";
}

// cpu1 for two hours, cpu2 for one, all $0.36 an hour (one a hair over);
// an instance that names no node, and a volume (not instance-hours).
std::string report(const std::string& cpu1_first_hour = "0.36") {
    return kHeader + line(0, "i-01", "USE1-BoxUsage:c5.large", cpu1_first_hour, "cpu1") +
           line(1, "i-01", "USE1-BoxUsage:c5.large", "3.600000004E-1", "cpu1") +
           line(0, "i-02", "USE1-BoxUsage:c5.large", "0.36", "cpu2") +
           line(0, "i-09", "USE1-BoxUsage:c5.large", "0.1", "") +
           line(0, "vol-1", "USE1-EBS:VolumeUsage.gp3", "0.01", "");
}

class CliBillTrueUp : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kDec2);
        CliTest::SetUp();
        config_ = "--config=" + write_config("BillNodeTag=Name\n");
        files_ = dir_ + "/bill";
        std::filesystem::create_directory(files_);
        physics_ = make_budget("physics", 100'000'000);
        proj001_ = make_budget("proj001", 50'000'000);
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }
    std::string write(const std::string& name, const std::string& text) {
        const std::string path = files_ + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    // A run of a proj001 job on nodes from start to end (minutes after 04:00)
    // with cpus CPUs in all; charged at $0.36 per node-hour unless not.
    void run(int64_t job_id, const std::string& nodes, int64_t node_count, int64_t cpus,
             int64_t start_min, int64_t end_min, bool charged = true) {
        const int64_t start = kNov5At4 + start_min * kMinute;
        const int64_t end = kNov5At4 + end_min * kMinute;
        session().exec("INSERT INTO `" + slurm_db_ +
                           "`.lab_job_table (id_assoc, id_job, state, time_submit, time_start,"
                           " time_end, nodes_alloc, `partition`, nodelist, tres_alloc)"
                           " VALUES (3, ?, ?, ?, ?, ?, ?, 'aws-cpu', ?, ?)",
                       {job_id, int64_t{kComplete}, start - 5, start, end, node_count, nodes,
                        "1=" + std::to_string(cpus) + ",4=" + std::to_string(node_count)});
        if (charged) charge(job_id, node_count, start_min, end_min);
    }
    // Charges the run of job_id (from start to end minutes after 04:00) at
    // $0.36 per node-hour, on a hold of its own.
    void charge(int64_t job_id, int64_t node_count, int64_t start_min, int64_t end_min) {
        const int64_t start = kNov5At4 + start_min * kMinute;
        const int64_t end = kNov5At4 + end_min * kMinute;
        auto hold = hold_request("proj001", 1'000'000);
        ASSERT_EQ(db::place_hold(session(), slurm(), hold).outcome, db::HoldOutcome::kPlaced);
        JobRun placed;
        placed.job_id = job_id;
        placed.time_submit = start - 5;
        db::ChargeRequest charge;
        charge.hold_id = hold.id.hex();
        charge.actual = Money{(end - start) * node_count * 100};  // $0.36 per node-hour
        charge.cluster = "lab";
        charge.job_id = job_id;
        charge.job_db_inx = run_charge_key(placed);
        charge.actor = "test";
        charge.now_s = now_s_;
        ASSERT_EQ(db::charge_hold(session(), charge).outcome, db::ChargeOutcome::kCharged);
        holds_[job_id] = hold.id.hex();
    }

    // Jobs 51, 52, 53 charged; 54 never (no budget took it).
    void four_jobs() {
        run(51, "cpu1", 1, 2, 0, 30);      // $0.18 charged
        run(52, "cpu1", 1, 6, 15, 75);     // $0.36
        run(53, "cpu[1-2]", 2, 4, 0, 30);  // $0.36: 2 CPUs on each node
        run(54, "cpu2", 1, 1, 30, 45, false);
    }

    // A budget of account for November, the billed month (make_budget's
    // periods hold now: December).
    int64_t november_budget(const std::string& account) {
        db::NewBudget budget;
        budget.account = account;
        budget.period_start = kNov1;
        budget.period_end = kDec1;
        budget.allocation = Money{5'000'000};
        budget.actor = "test";
        budget.now_s = now_s_;
        auto id = db::create_budget(session(), slurm(), budget);
        EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error());
        return id.ok() ? *id : 0;
    }
    int64_t spent(int64_t budget_id) {
        return scalar("SELECT spent_micro FROM budget WHERE id = ?", {budget_id});
    }
    std::string true_ups() {
        std::string text;
        for (const auto& row : session().query(
                 "SELECT job_id, amount_micro FROM journal WHERE kind = 'true_up' ORDER BY id")) {
            text += row.str(0) + ":" + row.str(1) + " ";
        }
        return text;
    }

    std::string files_;
    int64_t physics_ = 0;
    int64_t proj001_ = 0;
    std::map<int64_t, std::string> holds_;
};

TEST_F(CliBillTrueUp, PlacesInstanceHoursOnTheJobsByCpuSecondsAndTruesUpTheirCharges) {
    four_jobs();
    EXPECT_EQ(spent(proj001_), 900'000);
    const std::string imported = out({"bill", "import", write("v1.csv", report()), "-P", "-n",
                                      "format=ID,Instances,Jobs,Uncharged,Idle,Untagged,TrueUp,"
                                      "Action"});
    // cpu1 04:00-04:15: 51 and 53 (2 CPUs each) share $0.09; 04:15-04:30:
    // 51, 52, 53 share $0.09 by 2:6:2; 04:30-05:15: 52 alone, $0.27 (and a
    // tenth of a nano-dollar); the rest of 05:00-06:00 is idle, $0.27.
    // cpu2 04:00-04:30: 53, $0.18; 04:30-04:45: 54 (uncharged), $0.09;
    // then idle, $0.09. Billed: 51 $0.063, 52 $0.324, 53 $0.243.
    EXPECT_EQ(imported, "1|1.18|0.63|0.09|0.36|0.10|-0.27|imported\n");
    EXPECT_EQ(true_ups(), "51:-117000 52:-36000 53:-117000 ");
    EXPECT_EQ(spent(proj001_), 630'000);  // what the bill says the jobs cost
    EXPECT_EQ(spent(physics_), 630'000);  // every level of the holds
    // usage show: Billed is what the bill placed on the budget's holds.
    auto budget_line = [&](const std::string& account) {
        const std::string text = out({"usage", "show", account, "-P", "-n", "format=Spent,Billed"});
        return text.substr(0, text.find('\n'));  // the budget's line, before the roll-up
    };
    EXPECT_EQ(budget_line("proj001"), "0.63|0.63");
    EXPECT_EQ(budget_line("physics"), "0.63|0.63");
    EXPECT_EQ(scalar("SELECT charged_micro FROM hold WHERE id = ?", {holds_[52]}), 324'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
    EXPECT_EQ(out({"bill", "show", "proj001", "-P", "-n",
                   "format=Period,Import,JobID,Account,Runs,Billed,Charged,TrueUp"}),
              "2026-11|1|51|proj001|1|0.063|0.18|-0.117\n"
              "2026-11|1|52|proj001|1|0.324|0.36|-0.036\n"
              "2026-11|1|53|proj001|1|0.243|0.36|-0.117\n");
    // Idle by node, with the partitions its runs used.
    EXPECT_EQ(out({"bill", "show", "--idle", "-P", "-n"}),
              "2026-11|123456789012|1|cpu1|aws-cpu|0.27\n"
              "2026-11|123456789012|1|cpu2|aws-cpu|0.09\n");
    expect_refused({"bill", "show", "--idle", "--jobs"}, 2, "--idle takes only --month");
    // Per account: the three holds of $1.00 each (estimate and hold), summed.
    EXPECT_EQ(out({"bill", "show", "--accounts", "-P", "-n",
                   "format=Period,Account,Jobs,Estimate,HoldAmount,Charged,Billed,TrueUp"}),
              "2026-11|proj001|3|3.00|3.00|0.90|0.63|-0.27\n");
    expect_refused({"bill", "show", "--accounts", "--jobs"}, 2,
                   "give one of --jobs and --accounts");
    const std::string reason =
        session().query("SELECT reason FROM journal WHERE kind = 'true_up' AND job_id = 52")[0].str(
            0);
    EXPECT_EQ(reason,
              "AWS bill 2026-11 (payer 123456789012, import #1): billed 0.324, charged 0.36");
    EXPECT_EQ(out({"transactions", "proj001", "--type=true_up", "-P", "-n", "format=JobID,Amount"}),
              "53|-0.117\n52|-0.036\n51|-0.117\n");
}

TEST_F(CliBillTrueUp, ANewerVersionReversesTheTrueUpsOfTheOneItReplaces) {
    four_jobs();
    out({"bill", "import", write("v1.csv", report())});
    // cpu1's first hour doubled: 51 $0.126, 52 $0.558, 53 $0.306.
    EXPECT_EQ(out({"bill", "import", write("v2.csv", report("0.72")), "-P", "-n",
                   "format=ID,Jobs,TrueUp,Action"}),
              "2|0.99|0.09|replaced #1\n");
    EXPECT_EQ(true_ups(),
              "51:-117000 52:-36000 53:-117000 "  // v1
              "51:117000 52:36000 53:117000 "     // v1 reversed
              "51:-54000 52:198000 53:-54000 ");  // v2
    EXPECT_EQ(spent(proj001_), 990'000);          // v2's jobs, not v1's and v2's
    EXPECT_TRUE(db::check_ledger(session()).empty());
    EXPECT_EQ(out({"bill", "show", "--jobs", "-P", "-n", "format=Import,JobID,TrueUp"}),
              "2|51|-0.054\n2|52|0.198\n2|53|-0.054\n");
    // The same content again, under another name: nothing at all.
    const std::string before = ledger_state();
    EXPECT_EQ(
        out({"bill", "import", write("copy.csv", report("0.72")), "-P", "-n", "format=Action"}),
        "unchanged: the same as #2\n");
    EXPECT_EQ(ledger_state(), before);
}

TEST_F(CliBillTrueUp, ADryRunShowsTheTrueUpAndWritesNothing) {
    four_jobs();
    const std::string before = ledger_state();
    EXPECT_EQ(out({"bill", "import", write("v1.csv", report()), "--dry-run", "-P", "-n",
                   "format=Jobs,Idle,TrueUp,Action"}),
              "0.63|0.36|-0.27|would import\n");
    EXPECT_EQ(ledger_state(), before);
    EXPECT_EQ(true_ups(), "");
}

TEST_F(CliBillTrueUp, AReportWithoutTheTagIsRefusedAndNothingWritten) {
    four_jobs();
    const std::string untagged = write(
        "untagged.csv",
        "bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,"
        "lineItem/UsageStartDate,lineItem/UnblendedCost,lineItem/ResourceId,lineItem/UsageType\n"
        "123456789012,2026-11-01T00:00:00Z,Usage,2026-11-05T04:00:00Z,0.36,i-01,BoxUsage:c5\n");
    expect_refused(
        {"bill", "import", untagged}, 1,
        untagged + ": BillNodeTag=Name: the report has no resourceTags/user:Name column");
    // A CUR 2.0 map that is not JSON names its column.
    const std::string bad_map =
        write("bad-map.csv",
              "bill_payer_account_id,bill_billing_period_start_date,line_item_line_item_type,"
              "line_item_usage_start_date,line_item_unblended_cost,line_item_resource_id,"
              "line_item_usage_type,resource_tags\n"
              "123456789012,2026-11-01T00:00:00Z,Usage,2026-11-05T04:00:00Z,0.36,i-01,BoxUsage:c5,"
              "name=cpu1\n");
    expect_refused({"bill", "import", bad_map}, 1,
                   bad_map + ": line 2: resource_tags: not a JSON object of tags");
    expect_refused({"bill", "show", "nosuch"}, 1, "SLURM has no account 'nosuch'");
    expect_refused({"bill", "show", "--jobs", "--all-versions"}, 2,
                   "--all-versions lists imports, not jobs");
}

// A tag value that no SLURM node can have (spaces, quotes, unicode, 65
// characters) places the line on no node: it is counted as Untagged.
TEST_F(CliBillTrueUp, ATagValueThatIsNoNodeNameCountsAsUntagged) {
    run(51, "cpu1", 1, 2, 0, 60);
    const std::string text =
        kHeader + line(0, "i-01", "USE1-BoxUsage:c5.large", "0.36", "cpu1") +
        line(0, "i-02", "USE1-BoxUsage:c5.large", "0.5", "\"Compute node, 2\"") +
        line(0, "i-03", "USE1-BoxUsage:c5.large", "0.25", std::string("n\xc3\xb6") + "de") +
        line(0, "i-04", "USE1-BoxUsage:c5.large", "0.125", std::string(65, 'n'));
    EXPECT_EQ(out({"bill", "import", write("odd.csv", text), "-P", "-n",
                   "format=Instances,Jobs,Idle,Untagged"}),
              "1.235|0.36|0.00|0.875\n");
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

TEST_F(CliBillTrueUp, ReadsTheNodeFromACur2ResourceTagsMap) {
    run(51, "cpu1", 1, 2, 0, 60);  // $0.36 charged, alone on cpu1 for the hour
    const std::string cur2 =
        write("cur2.csv",
              "bill_payer_account_id,bill_billing_period_start_date,line_item_line_item_type,"
              "line_item_usage_start_date,line_item_usage_end_date,line_item_unblended_cost,"
              "line_item_resource_id,line_item_usage_type,resource_tags\n"
              "123456789012,2026-11-01T00:00:00Z,Usage,2026-11-05T04:00:00Z,2026-11-05T05:00:00Z,"
              "0.4,i-01,USE1-BoxUsage:c5.large,\"{\"\"user_Name\"\":\"\"cpu1\"\",\"\"user_team\"\":"
              "\"\"x\"\"}\"\n");
    EXPECT_EQ(out({"bill", "import", cur2, "-P", "-n", "format=Jobs,Idle,TrueUp"}),
              "0.40|0.00|0.04\n");
    EXPECT_EQ(spent(proj001_), 400'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// BillSharedCosts=proportional: the volume's $0.118 is shared by instance
// cost ($1.18 in all), a tenth of each bucket's instance cost, so every
// job's billed cost carries its part and the buckets add up to Total.
TEST_F(CliBillTrueUp, ProportionalSharingPutsTheNonInstanceLinesOnTheJobs) {
    config_ = "--config=" + write_config("BillNodeTag=Name\nBillSharedCosts=proportional\n");
    four_jobs();
    std::string text = report();
    const std::string volume = "USE1-EBS:VolumeUsage.gp3,0.01,";
    text.replace(text.find(volume), volume.size(), "USE1-EBS:VolumeUsage.gp3,0.118,");
    EXPECT_EQ(out({"bill", "import", write("v1.csv", text), "-P", "-n",
                   "format=Instances,Total,Jobs,Uncharged,Idle,Untagged,Shared,Unattributed,"
                   "TrueUp"}),
              "1.18|1.298|0.693|0.099|0.396|0.11|0.063|0.00|-0.207\n");
    EXPECT_EQ(
        out({"bill", "show", "--jobs", "-P", "-n", "format=JobID,Billed,Shared,Charged,TrueUp"}),
        "51|0.0693|0.0063|0.18|-0.1107\n52|0.3564|0.0324|0.36|-0.0036\n"
        "53|0.2673|0.0243|0.36|-0.0927\n");
    EXPECT_EQ(spent(proj001_), 693'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// IdleCostAccount: idle node time, untagged instance-hours and the volume
// (unattributed) are charged to proj002's budget for November and to its
// budgeted ancestor's, one hold-less true_up row each; a newer version of
// the month reverses them. While physics (budgeted, for December) has no
// November budget the import is refused and nothing is written.
TEST_F(CliBillTrueUp, TheIdleCostAccountIsChargedWithWhatNoJobTook) {
    config_ = "--config=" + write_config("BillNodeTag=Name\nIdleCostAccount=proj002\n");
    four_jobs();
    const std::string v1 = write("v1.csv", report());
    expect_refused({"bill", "import", v1}, 1,
                   "IdleCostAccount=proj002: physics has no active budget covering 2026-11: "
                   "create one (asbb account create) or unset IdleCostAccount");
    const int64_t physics_nov = november_budget("physics");
    const int64_t proj002_nov = november_budget("proj002");
    EXPECT_EQ(
        out({"bill", "import", v1, "-P", "-n", "format=Idle,Untagged,Unattributed,IdleCharged"}),
        "0.36|0.10|0.01|0.47\n");
    EXPECT_EQ(out({"bill", "show", "-P", "-n", "format=ID,IdleAccount"}), "1|proj002\n");
    EXPECT_EQ(spent(proj002_nov), 470'000);
    EXPECT_EQ(spent(physics_nov), 470'000);
    EXPECT_EQ(spent(proj001_), 630'000);  // the jobs' true-ups, as without it
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'true_up' AND hold_id IS NULL"), 2);
    EXPECT_TRUE(db::check_ledger(session()).empty());
    // v2 drops the volume: its idle charge is 0.46, v1's is reversed.
    std::string v2_text = report();
    v2_text.erase(v2_text.rfind("123456789012,"));  // the volume, the last line
    EXPECT_EQ(
        out({"bill", "import", write("v2.csv", v2_text), "-P", "-n", "format=IdleCharged,Action"}),
        "0.46|replaced #1\n");
    EXPECT_EQ(spent(proj002_nov), 460'000);
    EXPECT_EQ(spent(physics_nov), 460'000);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// Instances without the tag: the same lines by instance id, and no tag column.
std::string report_by_instance() {
    std::string text =
        "bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/LineItemType,"
        "lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ResourceId,lineItem/UsageType,"
        "lineItem/UnblendedCost\n";
    auto untagged = [](const std::string& tagged_line) {
        return tagged_line.substr(0, tagged_line.rfind(',')) + "\n";
    };
    const std::string cpu1 = "i-0a1b2c3d4e5f60718";
    const std::string cpu2 = "i-0b2c3d4e5f6071829";
    return text + untagged(line(0, cpu1, "USE1-BoxUsage:c5.large", "0.36", "")) +
           untagged(line(1, cpu1, "USE1-BoxUsage:c5.large", "3.600000004E-1", "")) +
           untagged(line(0, cpu2, "USE1-BoxUsage:c5.large", "0.36", "")) +
           untagged(line(0, "i-0999999999999999a", "USE1-BoxUsage:c5.large", "0.1", "")) +
           untagged(line(0, "vol-1", "USE1-EBS:VolumeUsage.gp3", "0.01", ""));
}

const std::string kResumeLog =
    std::string(ASBB_SOURCE_DIR) + "/tests/fixtures/resume-log/slurm_resume.log";

// Acceptance 4 of issue 11: ParallelCluster's resume log, loaded with `asbb
// bill map`, places the same lines on the same nodes as the tag does.
TEST_F(CliBillTrueUp, TheNodeMapFromAResumeLogGivesTheSameAttributionAsTheTag) {
    config_ = "--config=" + write_config("");  // no BillNodeTag
    four_jobs();
    EXPECT_EQ(out({"bill", "map", "--resume-log=" + kResumeLog, "-P", "-n"}),
              "lab|slurm_resume.log|3|2|3|3|0|0|loaded\n");
    EXPECT_EQ(out({"bill", "map", "show", "-P", "-n", "format=Node,InstanceID,Start,End"}),
              "cpu1|i-0a1b2c3d4e5f60718|2026-11-05T03:55:41|\n"
              "cpu2|i-0b2c3d4e5f6071829|2026-11-05T03:55:41|\n"
              "cpu2|i-0c3d4e5f607182930|2026-11-05T07:11:30|\n");
    EXPECT_EQ(out({"bill", "import", write("v1.csv", report_by_instance()), "-P", "-n",
                   "format=ID,Instances,Jobs,Uncharged,Idle,Untagged,TrueUp,Action"}),
              "1|1.18|0.63|0.09|0.36|0.10|-0.27|imported\n");  // as with BillNodeTag=Name
    EXPECT_EQ(true_ups(), "51:-117000 52:-36000 53:-117000 ");
    EXPECT_EQ(out({"bill", "show", "-P", "-n", "format=ID,Tag,Map"}), "1||3\n");
    EXPECT_TRUE(db::check_ledger(session()).empty());
    // The same log again: nothing new; a dry run of a CSV that ends a span.
    const std::string before = ledger_state();
    EXPECT_EQ(out({"bill", "map", "--resume-log=" + kResumeLog, "-P", "-n",
                   "format=Added,Ended,Unchanged"}),
              "0|0|3\n");
    const std::string ends = write("ends.csv",
                                   "node,instance_id,start,end\n"
                                   "cpu1,i-0a1b2c3d4e5f60718,2026-11-05T03:55:41Z,"
                                   "2026-11-05T09:00:00Z\n");
    EXPECT_EQ(out({"bill", "map", "--csv=" + ends, "--dry-run", "-P", "-n",
                   "format=Added,Ended,Unchanged,Action"}),
              "0|1|0|would load\n");
    EXPECT_EQ(ledger_state(), before);
    expect_refused({"bill", "map", "--csv=" + ends, "--resume-log=" + kResumeLog}, 2,
                   "give one of --resume-log=FILE and --csv=FILE");
    expect_refused({"bill", "map", "--csv=" + dir_ + "/none.csv"}, 1, dir_ + "/none.csv: ");
}

// Runs charged after an import change the attribution: the same report
// imported again is a new version whose true-ups replace the old ones; with
// nothing changed it is still a no-op.
TEST_F(CliBillTrueUp, TheSameReportImportedAfterMoreRunsWereChargedIsANewVersion) {
    four_jobs();
    const std::string v1 = write("v1.csv", report());
    EXPECT_EQ(out({"bill", "import", v1, "-P", "-n", "format=Jobs,Uncharged,TrueUp,Action"}),
              "0.63|0.09|-0.27|imported\n");
    charge(54, 1, 30, 45);  // $0.09 for its 15 minutes: what the bill gives it
    EXPECT_EQ(out({"bill", "import", v1, "-P", "-n", "format=ID,Jobs,Uncharged,TrueUp,Action"}),
              "2|0.72|0.00|-0.27|replaced #1\n");
    EXPECT_EQ(true_ups(),
              "51:-117000 52:-36000 53:-117000 "
              "51:117000 52:36000 53:117000 "
              "51:-117000 52:-36000 53:-117000 ");  // 54: billed = charged, no row
    EXPECT_EQ(out({"bill", "show", "--jobs", "-P", "-n", "format=JobID,Billed,Charged,TrueUp"}),
              "51|0.063|0.18|-0.117\n52|0.324|0.36|-0.036\n53|0.243|0.36|-0.117\n"
              "54|0.09|0.09|0.00\n");
    EXPECT_EQ(spent(proj001_), 720'000);
    const std::string before = ledger_state();
    EXPECT_EQ(out({"bill", "import", v1, "-P", "-n", "format=Action"}),
              "unchanged: the same as #2\n");
    EXPECT_EQ(ledger_state(), before);
    EXPECT_TRUE(db::check_ledger(session()).empty());
}

// A run across the month's end was charged for all of its time; November's
// bill is compared with November's part of that charge only.
TEST_F(CliBillTrueUp, ARunAcrossTheMonthsEndIsComparedWithItsPartInTheMonth) {
    constexpr int64_t kNov30At2330 = 1'796'081'400;  // 2026-11-30T23:30:00Z
    const int64_t minutes = (kNov30At2330 - kNov5At4) / kMinute;
    run(61, "cpu1", 1, 8, minutes, minutes + 60);  // $0.36 charged, half of it in December
    const std::string last_hour =
        write("nov.csv", kHeader +
                             "123456789012,2026-11-01T00:00:00Z,Usage,2026-11-30T23:00:00Z,"
                             "2026-12-01T00:00:00Z,i-01,USE1-BoxUsage:c5.large,0.36,cpu1\n");
    EXPECT_EQ(out({"bill", "import", last_hour, "-P", "-n", "format=Jobs,Idle,TrueUp"}),
              "0.18|0.18|0.00\n");
    EXPECT_EQ(out({"bill", "show", "--jobs", "-P", "-n", "format=JobID,Billed,Charged,TrueUp"}),
              "61|0.18|0.18|0.00\n");
    EXPECT_EQ(true_ups(), "");  // nothing to true up: no journal row of zero
    EXPECT_EQ(spent(proj001_), 360'000);
}

}  // namespace
}  // namespace asbb::test
