// Acceptance (issue 4): asbb-poller killed with SIGKILL at random points
// while it charges 1,000 finished jobs, 50 times; after a final run every job
// is charged exactly once and the ledger adds up. The real poller binary
// runs (--charge-only: there is no slurmctld here) in small batches so that
// kills land between, inside and after its transactions.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "db/check.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

constexpr int kJobs = 1000;
constexpr int kKills = 50;
constexpr int64_t kPriceMicro = 3'600;  // per node-hour: 1 micro-dollar per node-second

std::string poller_binary() {
    auto self = std::filesystem::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path() / "poller" / "asbb-poller").string();
}

// Starts the poller; returns its pid.
pid_t start_poller(const std::string& config) {
    const std::string binary = poller_binary();
    pid_t pid = fork();
    if (pid == 0) {
        // its log is not this test's output
        freopen("/dev/null", "w", stdout);
        const std::string config_arg = "--config=" + config;
        execl(binary.c_str(), binary.c_str(), "--once", "--charge-only", "--batch-rows=40",
              config_arg.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

int wait_status(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

class PollerCrash : public LedgerTest {};

TEST_F(PollerCrash, KilledFiftyTimesMidBatchEveryJobIsChargedOnce) {
    ASSERT_TRUE(std::filesystem::exists(poller_binary())) << poller_binary();
    make_budget("proj001", 1'000'000 * 1'000'000LL);
    const std::string config = write_config("SpoolDir=" + dir_ + "\n");
    // Jobs finish in waves of 20 while the poller runs: each wave's holds,
    // then their finished rows as slurmdbd writes them; then a poller that
    // is killed after a random 0-40 ms, which lands before, inside and
    // after its transactions of 40 rows.
    std::mt19937 random(20261126);
    int64_t expected_micro = 0;
    constexpr int kWave = kJobs / kKills;
    for (int kill_no = 0; kill_no < kKills; ++kill_no) {
        std::string rows;
        db::Params params;
        for (int w = 0; w < kWave; ++w) {
            const int i = kill_no * kWave + w;
            auto request = hold_request("proj001", 0);
            request.node_hour_price = Money{kPriceMicro};
            request.size = HoldSize{Money{10'000}, Money{10'000}};
            ASSERT_EQ(db::place_hold(session(), slurm(), request).outcome,
                      db::HoldOutcome::kPlaced);
            const int64_t elapsed = 10 + i % 50;
            const int64_t nodes = 1 + i % 3;
            expected_micro += elapsed * nodes;
            rows += w == 0 ? "(?, 3, ?, 3, ?, 1000, ?, ?, 'aws-cpu')"
                           : ", (?, 3, ?, 3, ?, 1000, ?, ?, 'aws-cpu')";
            params.insert(params.end(), {"asbb:hold=" + request.id.hex(), int64_t{1000 + i},
                                         int64_t{1'700'000'000 + i}, 1000 + elapsed, nodes});
        }
        session().exec("INSERT INTO `" + slurm_db_ +
                           "`.lab_job_table (admin_comment, id_assoc, id_job, state, time_submit,"
                           " time_start, time_end, nodes_alloc, `partition`) VALUES " +
                           rows,
                       params);
        pid_t pid = start_poller(config);
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 40)(random)));
        kill(pid, SIGKILL);
        wait_status(pid);
        // Now and then start from the very beginning, as a poller whose
        // position was lost would.
        if (kill_no % 10 == 9) session().exec("UPDATE poller_state SET high_water_inx = 0");
    }
    const int64_t charged_before_final =
        scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'");
    int status = wait_status(start_poller(config));
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "final run status " << status;

    RecordProperty("charged_before_final_run", std::to_string(charged_before_final));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE kind = 'charge'"), kJobs);
    EXPECT_EQ(scalar("SELECT COUNT(DISTINCT job_db_inx) FROM journal WHERE kind = 'charge'"),
              kJobs);
    EXPECT_EQ(scalar("SELECT SUM(amount_micro) FROM journal WHERE kind = 'charge'"),
              expected_micro);
    EXPECT_EQ(scalar("SELECT spent_micro FROM budget WHERE account = 'proj001'"), expected_micro);
    auto mismatches = db::check_ledger(session());
    EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches";
}

}  // namespace
}  // namespace asbb::test
