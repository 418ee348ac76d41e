// asbb-poller --source=sacct: what SLURM 22.05's `sacct --json -a -X -D`
// really prints (tests/integration/data/sacct-22.05-json.txt, captured from
// the local test cluster: a requeued job's two runs, a 2-node job, an array of
// 5, a job held and cancelled) is read into the same runs, under the same
// keys, as slurmdbd's job table holds (the rows below were read from that
// table at the same time); and the sacct pass charges each run once, keeps
// its window's position, and changes nothing when sacct fails. The pass gets
// sacct's answer through its reader (the e2e poller_test runs the real sacct
// and compares both sources' journals).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "db/check.hpp"
#include "integration/support/test_db.hpp"
#include "reconcile.hpp"
#include "sacct_runs.hpp"

namespace asbb::test {
namespace {

std::string sample() {
    const auto path =
        std::filesystem::path(__FILE__).parent_path() / "data" / "sacct-22.05-json.txt";
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// lab_job_table's rows of those jobs: id_job, id_array_job, state,
// time_submit, time_start, time_end, nodes_alloc, partition, account,
// admin_comment.
const std::vector<JobRun> kTableRows = {
    {0, 11, 0, 1024, 1795727067, 1795727076, 1, "asbb:hold=01a219ac88f89bcd0003091518966ed6",
     "aws-cpu", "proj001", 1795727067},
    {0, 11, 0, 3, 1795727079, 1795727099, 1, "asbb:hold=01a219ac88f89bcd0003091518966ed6",
     "aws-cpu", "proj001", 1795727077},
    {0, 13, 0, 3, 1795727070, 1795727090, 2, "asbb:hold=01a219ac8c41b8b83dc1bc2f721ba6b2",
     "aws-cpu", "proj002", 1795727068},
    {0, 16, 16, 3, 1795727077, 1795727080, 1, "asbb:hold=01a219ac90d3376625e0d12bbdb9a62d",
     "aws-cpu", "proj002", 1795727069},
    {0, 17, 0, 4, 1795727070, 1795727070, 0, "asbb:hold=01a219ac92934f554c38d00fdfbefeae",
     "aws-cpu", "proj001", 1795727069},
    {0, 18, 16, 3, 1795727070, 1795727073, 1, "asbb:hold=01a219ac90d3376625e0d12bbdb9a62d",
     "aws-cpu", "proj002", 1795727069},
    {0, 19, 16, 3, 1795727073, 1795727076, 1, "asbb:hold=01a219ac90d3376625e0d12bbdb9a62d",
     "aws-cpu", "proj002", 1795727069},
    {0, 20, 16, 3, 1795727073, 1795727076, 1, "asbb:hold=01a219ac90d3376625e0d12bbdb9a62d",
     "aws-cpu", "proj002", 1795727069},
    {0, 21, 16, 3, 1795727073, 1795727076, 1, "asbb:hold=01a219ac90d3376625e0d12bbdb9a62d",
     "aws-cpu", "proj002", 1795727069},
};

std::string describe(const JobRun& r) {
    return std::to_string(r.job_id) + " array=" + std::to_string(r.array_job_id) +
           " state=" + std::to_string(r.state) + " submit=" + std::to_string(r.time_submit) +
           " start=" + std::to_string(r.time_start) + " end=" + std::to_string(r.time_end) +
           " nodes=" + std::to_string(r.nodes_alloc) + " " + r.partition + " " + r.account + " " +
           r.admin_comment + " key=" + std::to_string(run_charge_key(r).value_or(-1)) +
           " over=" + (run_is_over(r) ? "yes" : "no");
}

TEST(SacctRuns, RealSlurm2205OutputGivesTheJobTablesRunsUnderTheSameKeys) {
    std::vector<std::string> problems;
    auto runs = poller::parse_sacct_json(sample(), problems);
    ASSERT_TRUE(runs) << runs.error();
    EXPECT_TRUE(problems.empty());
    std::map<int64_t, std::string> from_sacct, from_table;
    for (const auto& run : *runs) {
        EXPECT_EQ(static_cast<int64_t>(run.job_db_inx), run_charge_key(run).value_or(-1));
        from_sacct[run.job_db_inx] = describe(run);
    }
    for (const auto& row : kTableRows) from_table[*run_charge_key(row)] = describe(row);
    EXPECT_EQ(from_sacct, from_table);
}

TEST(SacctRuns, KeysAndStates) {
    JobRun run;
    run.job_id = 11;
    run.time_submit = 1795727067;
    EXPECT_EQ(run_charge_key(run), int64_t{1795727067} * 67108864 + 11);
    run.job_id = 67'108'864;  // above any SLURM job id
    EXPECT_EQ(run_charge_key(run), std::nullopt);
    EXPECT_EQ(poller::state_from_sacct_name("REQUEUED"), 1024u);
    EXPECT_EQ(poller::state_from_sacct_name("OUT_OF_MEMORY"), 11u);
    EXPECT_EQ(poller::state_from_sacct_name("BOGUS"), std::nullopt);

    std::vector<std::string> problems;
    EXPECT_FALSE(poller::parse_sacct_json("sacct: error: no", problems));
    auto odd = poller::parse_sacct_json(
        R"({"jobs":[{"job_id":5,"time":{"submission":1},"state":{"current":"WEIRD"}}]})", problems);
    ASSERT_TRUE(odd);
    EXPECT_TRUE(odd->empty());
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0], "job 5: unknown sacct state 'WEIRD'; left out");
}

TEST(SacctRuns, ArgumentsForAWindowAndForJobs) {
    poller::SacctQuery by_id;
    by_id.cluster = "lab";
    by_id.job_ids = {4, 7};
    EXPECT_EQ(poller::sacct_arguments(by_id),
              (std::vector<std::string>{"--json", "-a", "-X", "-D", "-M", "lab", "-j", "4,7"}));
    poller::SacctQuery window;
    window.cluster = "lab";
    window.start_s = 1000;
    window.end_s = 2000;
    auto args = poller::sacct_arguments(window);
    ASSERT_EQ(args.size(), 10u);
    EXPECT_EQ(args[6], "-S");
    EXPECT_EQ(args[8], "-E");
}

// The pass over the sample, with holds of this test standing for the ones
// the sample's jobs name.
class SacctPass : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        make_budget("physics", 1000 * 1'000'000);
        make_budget("proj001", 100 * 1'000'000);
        json_ = sample();
        for (const char* old_id :
             {"01a219ac88f89bcd0003091518966ed6", "01a219ac8c41b8b83dc1bc2f721ba6b2",
              "01a219ac90d3376625e0d12bbdb9a62d", "01a219ac92934f554c38d00fdfbefeae"}) {
            auto request = hold_request("proj001", 0);
            request.node_hour_price = Money{360'000};
            request.shape = JobShape{2, 3600, 5};
            request.size = *size_hold(request.shape, request.node_hour_price, 1'200'000);
            ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome,
                      db::HoldOutcome::kPlaced);
            for (size_t at = json_.find(old_id); at != std::string::npos;
                 at = json_.find(old_id, at)) {
                json_.replace(at, 32, request.id.hex());
            }
        }
    }

    poller::PassReport pass() {
        poller::PassOptions options;
        options.cluster = "lab";
        options.slurm = slurm();
        options.source = poller::RunSource::kSacct;
        options.batch_rows = 4;
        options.sacct_reader = [this](const poller::SacctQuery& query) -> Expected<std::string> {
            queries_.push_back(query);
            if (fail_) return make_error(std::string("sacct: error: slurmdbd unreachable"));
            return json_;
        };
        return poller::reconcile_pass(session(), options, std::vector<poller::LiveJob>{},
                                      1795730000);
    }

    std::string json_;
    bool fail_ = false;
    std::vector<poller::SacctQuery> queries_;
};

TEST_F(SacctPass, ChargesEachRunOnceAndMovesItsWindow) {
    fail_ = true;
    EXPECT_THROW(pass(), std::runtime_error);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 0);
    EXPECT_EQ(scalar("SELECT COALESCE(MAX(window_end), 0) FROM poller_sacct_state"), 0);
    ASSERT_EQ(queries_.size(), 1u);
    EXPECT_EQ(queries_[0].start_s, 2 * 86400);  // no position yet: all of history

    fail_ = false;
    auto first = pass();
    EXPECT_EQ(first.runs_read, 9);
    EXPECT_EQ(first.runs_charged, 9);
    // $0.36 per node-hour = 100 micro-dollars per node-second:
    // 9 + 20 (job 11) + 20 x 2 (13) + 3 + 3 + 3 + 3 + 3 (array) + 0 (17).
    EXPECT_EQ(first.charged.micro, (9 + 20 + 40 + 15) * 100);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT job_db_inx) FROM journal WHERE kind = 'charge'"), 9);
    EXPECT_EQ(scalar("SELECT window_end FROM poller_sacct_state"), 1795730000);
    EXPECT_TRUE(db::check_ledger(session()).empty());

    queries_.clear();
    auto second = pass();  // the same answer again: nothing charged twice
    EXPECT_EQ(second.runs_charged, 0);
    EXPECT_EQ(second.runs_already_charged, 9);
    ASSERT_FALSE(queries_.empty());
    EXPECT_EQ(queries_[0].start_s, 1795730000 - 600);  // the overlap
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 9);
}

}  // namespace
}  // namespace asbb::test
