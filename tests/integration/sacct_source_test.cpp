// asbb-poller --source=sacct: what real sacct --json prints (captured from
// the local test cluster, tests/integration/data/) is read into the same
// runs, under the same keys, as slurmdbd's job table holds (rows read from
// that table at the same time):
//   - SLURM 22.05 (openapi/dbv0.0.38, state a string): a requeued job's two
//     runs, a 2-node job, an array of 5, a job held and cancelled;
//   - SLURM 24.11.5 and 26.05.5 with the pinned --json=v0.0.42 (state an
//     array of names): a 2-node job, a GPU job, an array of 3, a pending job
//     cancelled, two requeued jobs, a failed job, a job cancelled while
//     running, a het job.
// An answer in another shape (another data_parser, a field missing or of
// another type, 26.05's default v0.0.45) is refused with an error naming
// the SLURM release and the data_parser, and the pass then charges nothing
// and keeps its window. The sacct pass charges each run once and keeps its
// window's position. The pass gets sacct's answer through its readers (the
// e2e poller_test runs the real sacct and compares both sources' journals).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "db/check.hpp"
#include "integration/support/test_db.hpp"
#include "reconcile.hpp"
#include "sacct_runs.hpp"

namespace asbb::test {
namespace {

std::string data_file(const std::string& name) {
    const auto path = std::filesystem::path(__FILE__).parent_path() / "data" / name;
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_FALSE(text.str().empty()) << path;
    return text.str();
}

poller::SacctFormat format_of(const std::string& version_text) {
    auto format = poller::sacct_format_for(version_text);
    EXPECT_TRUE(format) << format.error();
    return format ? *format : poller::SacctFormat{};
}

// lab_job_table's rows of the 22.05 sample's jobs: id_job, id_array_job,
// state, time_submit, time_start, time_end, nodes_alloc, partition, account,
// admin_comment.
const std::vector<JobRun> kTableRows2205 = {
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

// The job table's rows as `mariadb -B` printed them beside a capture:
// id_job, id_array_job, state, time_submit, time_start, time_end,
// nodes_alloc, admin_comment, partition, account (then columns not read).
std::vector<JobRun> table_rows(const std::string& name) {
    std::vector<JobRun> rows;
    std::istringstream lines(data_file(name));
    std::string line;
    std::getline(lines, line);  // the column names
    while (std::getline(lines, line)) {
        std::vector<std::string> cells;
        std::istringstream cell_stream(line);
        for (std::string cell; std::getline(cell_stream, cell, '\t');) cells.push_back(cell);
        if (cells.size() < 10) {
            ADD_FAILURE() << name << ": " << line;
            continue;
        }
        JobRun row;
        row.job_id = std::stoll(cells[0]);
        row.array_job_id = std::stoll(cells[1]);
        row.state = static_cast<uint32_t>(std::stoul(cells[2]));
        row.time_submit = std::stoll(cells[3]);
        row.time_start = std::stoll(cells[4]);
        row.time_end = std::stoll(cells[5]);
        row.nodes_alloc = std::stoll(cells[6]);
        row.admin_comment = cells[7];
        row.partition = cells[8];
        row.account = cells[9];
        rows.push_back(row);
    }
    return rows;
}

std::string describe(const JobRun& r) {
    return std::to_string(r.job_id) + " array=" + std::to_string(r.array_job_id) +
           " state=" + std::to_string(r.state) + " submit=" + std::to_string(r.time_submit) +
           " start=" + std::to_string(r.time_start) + " end=" + std::to_string(r.time_end) +
           " nodes=" + std::to_string(r.nodes_alloc) + " " + r.partition + " " + r.account + " " +
           r.admin_comment + " key=" + std::to_string(run_charge_key(r).value_or(-1)) +
           " over=" + (run_is_final(r) ? "yes" : "no");
}

// The runs by charge key, described, for comparing whole sets.
std::map<int64_t, std::string> by_key(const std::vector<JobRun>& runs) {
    std::map<int64_t, std::string> described;
    for (const auto& run : runs) {
        EXPECT_TRUE(described.emplace(*run_charge_key(run), describe(run)).second)
            << "two runs under one key: " << describe(run);
    }
    return described;
}

std::vector<JobRun> parsed(const std::string& json, const poller::SacctFormat& format) {
    std::vector<std::string> problems;
    auto runs = poller::parse_sacct_json(json, format, problems);
    EXPECT_TRUE(runs) << runs.error();
    EXPECT_TRUE(problems.empty()) << problems.front();
    if (!runs) return {};
    for (const auto& run : *runs)
        EXPECT_EQ(static_cast<int64_t>(run.job_db_inx), run_charge_key(run).value_or(-1));
    return *runs;
}

// The error parse_sacct_json gives, "" when it reads the answer.
std::string refusal(const std::string& json, const poller::SacctFormat& format) {
    std::vector<std::string> problems;
    auto runs = poller::parse_sacct_json(json, format, problems);
    return runs ? "" : runs.error();
}

// A capture changed by edit, as text again (an answer no SLURM gave us).
std::string edited(const std::string& json, const std::function<void(rapidjson::Document&)>& edit) {
    rapidjson::Document document;
    document.Parse(json.data(), json.size());
    EXPECT_FALSE(document.HasParseError());
    edit(document);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document.Accept(writer);
    return buffer.GetString();
}

TEST(SacctRuns, RealSlurm2205OutputGivesTheJobTablesRunsUnderTheSameKeys) {
    EXPECT_EQ(by_key(parsed(data_file("sacct-22.05-json.txt"), format_of("slurm 22.05.8"))),
              by_key(kTableRows2205));
}

TEST(SacctRuns, RealSlurm2411And2605OutputGivesTheJobTablesRunsUnderTheSameKeys) {
    for (const auto& [version, release] :
         {std::pair{"slurm-wlm 24.11.5", "24.11"}, std::pair{"slurm-wlm 26.05.5", "26.05"}}) {
        SCOPED_TRACE(release);
        const std::string prefix = std::string("sacct-") + release;
        const auto runs =
            parsed(data_file(prefix + "-v0.0.42-requeued-failed-het-json.txt"), format_of(version));
        EXPECT_EQ(runs.size(), 14u);
        EXPECT_EQ(by_key(runs), by_key(table_rows(prefix + "-requeued-failed-het-job-table.tsv")));
    }
}

// The captures of four jobs without table rows (a 2-node job, a GPU job, a
// job cancelled while pending, an array of 3): what each run must read as.
TEST(SacctRuns, RealSlurm2411And2605OutputOfFourJobs) {
    // Cancelled while pending: sacct prints a start of NO_VAL, the table 0.
    const std::vector<JobRun> want2411 = {
        {0, 6, 0, 3, 1796160810, 1796160811, 2, "", "aws-cpu", "proj001", 1796160807},
        {0, 7, 0, 3, 1796160810, 1796160811, 1, "", "aws-gpu", "proj001", 1796160807},
        {0, 9, 0, 4, 0, 1796160808, 0, "", "aws-cpu", "chem", 1796160808},
        {0, 10, 8, 3, 1796160810, 1796160811, 1, "", "aws-cpu", "proj002", 1796160808},
        {0, 11, 8, 3, 1796160810, 1796160811, 1, "", "aws-cpu", "proj002", 1796160808},
        {0, 8, 8, 3, 1796160810, 1796160811, 1, "", "aws-cpu", "proj002", 1796160808},
    };
    EXPECT_EQ(
        by_key(parsed(data_file("sacct-24.11-v0.0.42-json.txt"), format_of("slurm-wlm 24.11.5"))),
        by_key(want2411));
    const std::vector<JobRun> want2605 = {
        {0, 1, 0, 3, 1796160831, 1796160833, 2, "", "aws-cpu", "proj001", 1796160829},
        {0, 2, 0, 3, 1796160831, 1796160833, 1, "", "aws-gpu", "proj001", 1796160829},
        {0, 4, 0, 4, 0, 1796160829, 0, "", "aws-cpu", "chem", 1796160829},
        {0, 5, 3, 3, 1796160831, 1796160833, 1, "", "aws-cpu", "proj002", 1796160829},
        {0, 6, 3, 3, 1796160831, 1796160833, 1, "", "aws-cpu", "proj002", 1796160829},
        {0, 3, 3, 3, 1796160831, 1796160833, 1, "", "aws-cpu", "proj002", 1796160829},
    };
    EXPECT_EQ(
        by_key(parsed(data_file("sacct-26.05-v0.0.42-json.txt"), format_of("slurm-wlm 26.05.5"))),
        by_key(want2605));
}

TEST(SacctRuns, TheDefaultFormatOf2605IsRefused) {
    // 26.05's plain --json answers in v0.0.45, whose association has no
    // account; asbb-poller asks for v0.0.42 and refuses any other answer.
    const std::string v45 = data_file("sacct-26.05-v0.0.45-json.txt");
    EXPECT_EQ(refusal(v45, format_of("slurm-wlm 26.05.5")),
              "sacct (SLURM 26.05.5, data_parser/v0.0.45): asked for --json=v0.0.42");
    poller::SacctFormat plain = format_of("slurm-wlm 26.05.5");
    plain.data_parser = "";
    EXPECT_EQ(refusal(v45, plain),
              "sacct (SLURM 26.05.5, data_parser/v0.0.45): asked for plain --json, which 22.05 "
              "and 23.02 answer in openapi/dbv0.0.38 or data_parser/v0.0.39");
}

TEST(SacctRuns, AnAnswerInAnotherShapeIsAnErrorNamingTheVersions) {
    const std::string v42 = data_file("sacct-24.11-v0.0.42-json.txt");
    const auto format = format_of("slurm-wlm 24.11.5");
    const std::string label = "sacct (SLURM 24.11.5, data_parser/v0.0.42): ";
    auto state_of_first = [&](rapidjson::Value value) {
        return edited(
            v42, [&](rapidjson::Document& d) { d["jobs"][0]["state"]["current"].Swap(value); });
    };
    EXPECT_EQ(refusal(state_of_first(rapidjson::Value(3)), format),
              label + "job 6: state.current is neither a string nor an array of strings");
    EXPECT_EQ(refusal(state_of_first(rapidjson::Value(rapidjson::kArrayType)), format),
              label + "job 6: state.current [] has 0 base states, not one");
    EXPECT_EQ(refusal(state_of_first(rapidjson::Value("WEIRD")), format),
              label + "job 6: state.current 'WEIRD' is no SLURM job state");
    EXPECT_EQ(refusal(edited(v42,
                             [](rapidjson::Document& d) {
                                 d["jobs"][2]["state"]["current"].PushBack("EXPEDITING",
                                                                           d.GetAllocator());
                             }),
                      format),
              label + "job 9: state.current 'EXPEDITING' is no SLURM job state");

    // A later data_parser, had we asked for it, that moved a field.
    poller::SacctFormat later = format;
    later.data_parser = "v0.0.46";
    const std::string moved = edited(v42, [](rapidjson::Document& d) {
        d["meta"]["plugin"]["data_parser"].SetString("data_parser/v0.0.46");
        for (auto& job : d["jobs"].GetArray()) job.RemoveMember("allocation_nodes");
    });
    EXPECT_EQ(refusal(moved, later),
              "sacct (SLURM 24.11.5, data_parser/v0.0.46): job 6: allocation_nodes is missing");
    EXPECT_EQ(refusal(moved, format),
              "sacct (SLURM 24.11.5, data_parser/v0.0.46): asked for --json=v0.0.42");

    // No meta at all: the versions sacct --version gave.
    const std::string bare = edited(v42, [](rapidjson::Document& d) { d.RemoveMember("meta"); });
    EXPECT_EQ(refusal(bare, format),
              "sacct (SLURM 24.11.5, data_parser not named): asked for --json=v0.0.42");

    EXPECT_EQ(refusal(edited(v42,
                             [](rapidjson::Document& d) {
                                 d["jobs"][1]["time"]["end"].SetString("soon");
                             }),
                      format),
              label + "job 7: time.end is neither an integer nor {set, infinite, number}");
    EXPECT_EQ(
        refusal(edited(v42, [](rapidjson::Document& d) { d["jobs"][3].RemoveMember("job_id"); }),
                format),
        label + "jobs[3]: job_id is missing");
    EXPECT_EQ(
        refusal(edited(v42, [](rapidjson::Document& d) { d["jobs"][0]["partition"].SetInt(1); }),
                format),
        label + "job 6: partition is not a string");
    EXPECT_EQ(refusal(edited(v42,
                             [](rapidjson::Document& d) {
                                 rapidjson::Value error(rapidjson::kObjectType);
                                 error.AddMember("description", "Unable to connect to slurmdbd",
                                                 d.GetAllocator());
                                 d["errors"].PushBack(error, d.GetAllocator());
                             }),
                      format),
              label + "sacct reported an error: Unable to connect to slurmdbd");
    EXPECT_EQ(refusal("sacct: error: no", format), "sacct (SLURM 24.11.5) printed no JSON object");
}

// 23.02 (data_parser/v0.0.39) prints state.current as a string like 22.05
// and time.limit, array.task_id and het.job_offset as {set, infinite,
// number}; no such capture here, so the 22.05 one is put in that shape.
TEST(SacctRuns, IntegersMayBeObjectsAndStatesStrings) {
    const std::string v38 = data_file("sacct-22.05-json.txt");
    const std::string v39 = edited(v38, [](rapidjson::Document& d) {
        auto& a = d.GetAllocator();
        auto& meta = d["meta"];
        meta.RemoveMember("plugin");
        rapidjson::Value plugins(rapidjson::kObjectType);
        plugins.AddMember("data_parser", "data_parser/v0.0.39", a);
        meta.AddMember("plugins", plugins, a);
        meta["Slurm"]["release"].SetString("23.02.7");
        meta["Slurm"]["version"]["major"].SetInt(23);
        meta["Slurm"]["version"]["minor"].SetInt(2);
        meta["Slurm"]["version"]["micro"].SetInt(7);
        auto no_val = [&](rapidjson::Value& value) {
            rapidjson::Value object(rapidjson::kObjectType);
            object.AddMember("set", !value.IsNull(), a);
            object.AddMember("infinite", false, a);
            object.AddMember("number", value.IsInt64() ? value.GetInt64() : 0, a);
            value.Swap(object);
        };
        for (auto& job : d["jobs"].GetArray()) {
            no_val(job["time"]["limit"]);
            no_val(job["time"]["start"]);
            no_val(job["array"]["task_id"]);
            no_val(job["het"]["job_offset"]);
        }
    });
    EXPECT_EQ(by_key(parsed(v39, format_of("slurm 23.02.7"))), by_key(kTableRows2205));
    // An infinite time is no time.
    const std::string infinite = edited(v39, [](rapidjson::Document& d) {
        d["jobs"][0]["time"]["start"]["infinite"].SetBool(true);
    });
    EXPECT_EQ(refusal(infinite, format_of("slurm 23.02.7")),
              "sacct (SLURM 23.02.7, data_parser/v0.0.39): job 11: time.start is infinite");
    // Meta naming another release than sacct --version: both are named.
    EXPECT_EQ(refusal(infinite, format_of("slurm 23.02.6")),
              "sacct (SLURM 23.02.7, sacct --version 23.02.6, data_parser/v0.0.39): job 11: "
              "time.start is infinite");
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
    EXPECT_EQ(poller::state_from_sacct_name("REVOKED"), 1u << 19);
    EXPECT_EQ(poller::state_from_sacct_name("BOGUS"), std::nullopt);

    // v0.0.40+: the base state's name, then each flag's; slurmdbd's rows
    // hold a base state, or JOB_REQUEUE, JOB_RESIZING or JOB_REVOKED alone.
    using Names = std::vector<std::string>;
    EXPECT_EQ(*poller::state_from_sacct_names(Names{"COMPLETED"}), 3u);
    EXPECT_EQ(*poller::state_from_sacct_names(Names{"PENDING", "REQUEUED"}), 1024u);
    EXPECT_EQ(*poller::state_from_sacct_names(Names{"PENDING", "RESIZING"}), 8192u);
    EXPECT_EQ(*poller::state_from_sacct_names(Names{"PENDING", "REVOKED"}), 1u << 19);
    EXPECT_EQ(*poller::state_from_sacct_names(Names{"PENDING", "REQUEUED", "REQUEUE_HOLD"}),
              1024u | 2048u);
    EXPECT_EQ(*poller::state_from_sacct_names(Names{"CANCELLED", "COMPLETING"}), 4u | 0x8000u);
    EXPECT_EQ(poller::state_from_sacct_names(Names{"REQUEUED"}).error(),
              "[REQUEUED] has 0 base states, not one");
    EXPECT_EQ(poller::state_from_sacct_names(Names{"PENDING", "FAILED"}).error(),
              "[PENDING, FAILED] has 2 base states, not one");
    EXPECT_EQ(poller::state_from_sacct_names(Names{"FAILED", "BOGUS"}).error(),
              "'BOGUS' is no SLURM job state");
}

TEST(SacctRuns, ArgumentsForAWindowAndForJobs) {
    poller::SacctQuery by_id;
    by_id.cluster = "lab";
    by_id.job_ids = {4, 7};
    by_id.format = format_of("slurm 22.05.8");
    EXPECT_EQ(poller::sacct_arguments(by_id),
              (std::vector<std::string>{"--json", "-a", "-X", "-D", "-M", "lab", "-j", "4,7"}));
    for (const auto& [version, json] :
         {std::pair{"slurm 23.02.7", "--json"}, std::pair{"slurm 23.11.10", "--json=v0.0.40"},
          std::pair{"slurm 24.05.8", "--json=v0.0.41"},
          std::pair{"slurm-wlm 24.11.5", "--json=v0.0.42"},
          std::pair{"slurm-wlm 26.05.5", "--json=v0.0.42"}}) {
        by_id.format = format_of(version);
        EXPECT_EQ(poller::sacct_arguments(by_id)[0], json) << version;
    }
    poller::SacctQuery window;
    window.cluster = "lab";
    window.start_s = 1000;
    window.end_s = 2000;
    window.format = format_of("slurm-wlm 24.11.5");
    auto args = poller::sacct_arguments(window);
    ASSERT_EQ(args.size(), 10u);
    EXPECT_EQ(args[0], "--json=v0.0.42");
    EXPECT_EQ(args[6], "-S");
    EXPECT_EQ(args[8], "-E");
}

// The pass over a capture, with holds of this test standing for the ones
// its jobs name.
class SacctPass : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        make_budget("physics", 1000 * 1'000'000);
        make_budget("proj001", 100 * 1'000'000);
    }

    // sacct's answer is file (its hold ids replaced by this test's), and
    // sacct --version prints version.
    void answer_with(const std::string& file, const std::string& version) {
        json_ = data_file(file);
        version_ = version;
        std::set<std::string> named;
        const std::regex tag("asbb:hold=([0-9a-f]{32})");
        for (std::sregex_iterator it(json_.begin(), json_.end(), tag), end; it != end; ++it) {
            named.insert((*it)[1]);
        }
        for (const auto& old_id : named) {
            auto request = hold_request("proj001", 0);
            request.node_hour_price = Money{360'000};  // 100 micro-dollars per node-second
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

    poller::PassOptions options() {
        poller::PassOptions options;
        options.cluster = "lab";
        options.slurm = slurm();
        options.source = poller::RunSource::kSacct;
        options.batch_rows = 4;
        options.sacct_version_reader = [this]() -> Expected<std::string> {
            ++version_reads_;
            return version_;
        };
        options.sacct_reader = [this](const poller::SacctQuery& query) -> Expected<std::string> {
            queries_.push_back(query);
            if (fail_) return make_error(std::string("sacct: error: slurmdbd unreachable"));
            return json_;
        };
        return options;
    }

    poller::PassReport pass() {
        return poller::reconcile_pass(session(), options(), std::vector<poller::LiveJob>{},
                                      1795730000);
    }

    // The message of the pass's failure, "" when it did not fail.
    std::string failure() {
        try {
            pass();
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        return "";
    }

    std::string json_;
    std::string version_ = "slurm 22.05.8";
    bool fail_ = false;
    int version_reads_ = 0;
    std::vector<poller::SacctQuery> queries_;
};

TEST_F(SacctPass, ChargesEachRunOnceAndMovesItsWindow) {
    answer_with("sacct-22.05-json.txt", "slurm 22.05.8");
    fail_ = true;
    EXPECT_THROW(pass(), std::runtime_error);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 0);
    EXPECT_EQ(scalar("SELECT COALESCE(MAX(window_end), 0) FROM poller_sacct_state"), 0);
    ASSERT_EQ(queries_.size(), 1u);
    EXPECT_EQ(queries_[0].start_s, 2 * 86400);  // no position yet: all of history
    EXPECT_EQ(poller::sacct_arguments(queries_[0])[0], "--json");  // 22.05 takes no version

    fail_ = false;
    auto first = pass();
    EXPECT_EQ(first.runs_read, 9);
    EXPECT_EQ(first.runs_charged, 9);
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

// The pass on 24.11 and 26.05 charges every run the job table holds, each
// for what the table says (issue 9: it read 0 runs and charged nothing).
TEST_F(SacctPass, ChargesTheRunsOfSlurm2411And2605AsTheJobTableHasThem) {
    for (const auto& [version, release] :
         {std::pair{"slurm-wlm 24.11.5", "24.11"}, std::pair{"slurm-wlm 26.05.5", "26.05"}}) {
        SCOPED_TRACE(release);
        const std::string prefix = std::string("sacct-") + release;
        answer_with(prefix + "-v0.0.42-requeued-failed-het-json.txt", version);
        queries_.clear();
        version_reads_ = 0;
        const int64_t charges_before = scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'");
        auto report = pass();
        EXPECT_EQ(version_reads_, 1);  // once per pass
        ASSERT_FALSE(queries_.empty());
        for (const auto& query : queries_) {
            EXPECT_EQ(poller::sacct_arguments(query)[0], "--json=v0.0.42");
        }
        int64_t want_micro = 0;
        const auto rows = table_rows(prefix + "-requeued-failed-het-job-table.tsv");
        for (const auto& row : rows) want_micro += run_elapsed_s(row) * row.nodes_alloc * 100;
        EXPECT_EQ(report.runs_read, 14);
        EXPECT_EQ(report.runs_charged, 14);
        EXPECT_EQ(report.runs_without_hold, 0);
        EXPECT_EQ(report.charged.micro, want_micro);
        EXPECT_TRUE(report.problems.empty());
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'") - charges_before,
                  14);
        EXPECT_TRUE(db::check_ledger(session()).empty());
    }
}

// asbb reconcile JOBID on the sacct source: both runs of a requeued job.
TEST_F(SacctPass, ReconcilesOneRequeuedJobOfSlurm2411) {
    answer_with("sacct-24.11-v0.0.42-requeued-failed-het-json.txt", "slurm-wlm 24.11.5");
    auto job = poller::reconcile_job(session(), options(), std::nullopt, 5, 1795730000);
    EXPECT_TRUE(job.known);
    EXPECT_EQ(job.pass.runs_read, 2);
    EXPECT_EQ(job.pass.runs_charged, 2);
    EXPECT_EQ(job.pass.charged.micro, (1 + 3) * 100);  // 1 s before the requeue, 3 s after
    ASSERT_EQ(queries_.size(), 1u);
    EXPECT_EQ(poller::sacct_arguments(queries_[0])[0], "--json=v0.0.42");
}

// An answer it cannot read fails the whole pass: nothing charged, the
// window not moved; so does a sacct --version it cannot read.
TEST_F(SacctPass, AnAnswerItCannotReadFailsThePassAndKeepsTheWindow) {
    answer_with("sacct-24.11-v0.0.42-requeued-failed-het-json.txt", "slurm-wlm 24.11.5");
    const std::string good = json_;
    json_ = edited(good, [](rapidjson::Document& d) {
        d["jobs"][5]["state"]["current"].SetInt(3);  // the last record of the first batch
    });
    EXPECT_EQ(failure(),
              "sacct (SLURM 24.11.5, data_parser/v0.0.42): job 7: state.current is neither a "
              "string nor an array of strings");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 0);
    EXPECT_EQ(scalar("SELECT COALESCE(MAX(window_end), 0) FROM poller_sacct_state"), 0);

    json_ = data_file("sacct-26.05-v0.0.45-json.txt");
    version_ = "slurm-wlm 26.05.5";
    EXPECT_EQ(failure(), "sacct (SLURM 26.05.5, data_parser/v0.0.45): asked for --json=v0.0.42");

    queries_.clear();
    version_ = "sacct: error: Unable to establish controller";
    EXPECT_EQ(failure(),
              "sacct --version printed 'sacct: error: Unable to establish controller', not "
              "'slurm MAJOR.MINOR.MICRO'");
    EXPECT_TRUE(queries_.empty());
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), 0);

    json_ = good;
    version_ = "slurm-wlm 24.11.5";
    EXPECT_EQ(pass().runs_charged, 14);
    EXPECT_EQ(scalar("SELECT window_end FROM poller_sacct_state"), 1795730000);
}

}  // namespace
}  // namespace asbb::test
