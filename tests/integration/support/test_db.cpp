#include "integration/support/test_db.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "cli/cli.hpp"
#include "db/budgets.hpp"
#include "db/migrate.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::test {

namespace {

std::string random_suffix() {
    std::random_device device;
    std::uniform_int_distribution<uint64_t> pick;
    std::ostringstream text;
    text << std::hex << pick(device);
    return text.str();
}

// slurmdbd 22.05's columns for the rows asbb reads (see
// notes/slurm-lab-findings.md §5.2); the rest of its columns are not used.
constexpr const char* kSlurmTables = R"(
CREATE TABLE cluster_table (creation_time BIGINT UNSIGNED NOT NULL, mod_time BIGINT UNSIGNED NOT NULL,
  deleted TINYINT DEFAULT 0, name TINYTEXT NOT NULL, PRIMARY KEY (name(42))) DEFAULT CHARSET=latin1;
CREATE TABLE acct_table (creation_time BIGINT UNSIGNED NOT NULL, mod_time BIGINT UNSIGNED NOT NULL,
  deleted TINYINT DEFAULT 0, name TINYTEXT NOT NULL, description TEXT NOT NULL, organization TEXT NOT NULL,
  PRIMARY KEY (name(42))) DEFAULT CHARSET=latin1;
CREATE TABLE lab_assoc_table (creation_time BIGINT UNSIGNED NOT NULL, mod_time BIGINT UNSIGNED NOT NULL,
  deleted TINYINT DEFAULT 0, is_def TINYINT DEFAULT 0, id_assoc INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user TINYTEXT NOT NULL DEFAULT '', acct TINYTEXT NOT NULL, `partition` TINYTEXT NOT NULL DEFAULT '',
  parent_acct TINYTEXT NOT NULL DEFAULT '', lft INT NOT NULL, rgt INT NOT NULL,
  PRIMARY KEY (id_assoc), UNIQUE KEY udex (user(42), acct(42), `partition`(42)), KEY lft (lft))
  DEFAULT CHARSET=latin1;
CREATE TABLE lab_job_table (job_db_inx BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  mod_time BIGINT UNSIGNED NOT NULL DEFAULT 0, deleted TINYINT DEFAULT 0, account TINYTEXT,
  admin_comment TEXT, id_assoc INT UNSIGNED NOT NULL, id_job INT UNSIGNED NOT NULL,
  id_array_job INT UNSIGNED NOT NULL DEFAULT 0, id_array_task INT UNSIGNED NOT NULL DEFAULT 4294967294,
  state INT UNSIGNED NOT NULL, time_submit BIGINT UNSIGNED NOT NULL DEFAULT 0,
  time_start BIGINT UNSIGNED NOT NULL DEFAULT 0, time_end BIGINT UNSIGNED NOT NULL DEFAULT 0,
  nodes_alloc INT UNSIGNED NOT NULL DEFAULT 0, `partition` TINYTEXT NOT NULL, nodelist TEXT,
  tres_alloc TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job_db_inx), UNIQUE KEY (id_job, time_submit)) DEFAULT CHARSET=latin1;
INSERT INTO cluster_table VALUES (0, 0, 0, 'lab');
INSERT INTO acct_table (creation_time, mod_time, name, description, organization) VALUES
  (0, 0, 'root', 'root', 'root'), (0, 0, 'physics', 'physics', 'physics'),
  (0, 0, 'proj001', 'project', 'physics'), (0, 0, 'proj002', 'project', 'physics'),
  (0, 0, 'chem', 'chem', 'chem');
INSERT INTO lab_assoc_table (creation_time, mod_time, user, acct, parent_acct, lft, rgt, is_def) VALUES
  (0, 0, '', 'root', '', 1, 16, 0),
  (0, 0, '', 'physics', 'root', 2, 11, 0),
  (0, 0, '', 'proj001', 'physics', 3, 6, 0),
  (0, 0, 'alice', 'proj001', '', 4, 5, 1),
  (0, 0, '', 'proj002', 'physics', 7, 10, 0),
  (0, 0, 'bob', 'proj002', '', 8, 9, 1),
  (0, 0, '', 'chem', 'root', 12, 15, 0),
  (0, 0, 'carol', 'chem', '', 13, 14, 1);
)";

}  // namespace

db::ConnectParams server_params(const std::string& database) {
    const char* socket = std::getenv("ASBB_TEST_DB_SOCKET");
    if (socket == nullptr || *socket == '\0') {
        ADD_FAILURE() << "ASBB_TEST_DB_SOCKET is not set: run the tests through scripts/test.sh, "
                         "which starts the MariaDB server they need";
        throw std::runtime_error("no test database server");
    }
    db::ConnectParams params;
    params.socket = socket;
    params.user = "root";  // unix_socket authentication: the tests run as root
    params.database = database;
    params.lock_wait_timeout_s = 10;
    params.statement_timeout_ms = 30'000;
    return params;
}

void LedgerTest::SetUp() {
    const std::string suffix = random_suffix();
    db_ = "asbb_it_" + suffix;
    slurm_db_ = "slurm_it_" + suffix;
    now_s_ = now_epoch_s();
    db::ConnectParams admin = server_params();
    admin.multi_statements = true;
    db::MariaSession setup(admin);
    db::migrate(setup, db_);
    setup.run("CREATE DATABASE `" + slurm_db_ + "`");
    setup.run("USE `" + slurm_db_ + "`");
    setup.run_script(kSlurmTables);
    session_ = connect();

    char dir_template[] = "/tmp/asbb-it-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
}

void LedgerTest::TearDown() {
    session_.reset();
    try {
        db::MariaSession cleanup(server_params());
        cleanup.run("DROP DATABASE IF EXISTS `" + db_ + "`");
        cleanup.run("DROP DATABASE IF EXISTS `" + slurm_db_ + "`");
    } catch (...) {
        // The server may be gone in a fault test; the next run uses new names.
    }
    if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
}

std::unique_ptr<db::MariaSession> LedgerTest::connect() {
    return std::make_unique<db::MariaSession>(server_params(db_));
}

int64_t LedgerTest::make_budget(const std::string& account, int64_t amount_micro,
                                const std::string& cluster) {
    db::NewBudget budget;
    budget.account = account;
    budget.cluster = cluster;
    budget.period_start = now_s_ - 86'400;
    budget.period_end = now_s_ + 30 * 86'400;
    budget.allocation = Money{amount_micro};
    budget.actor = "test";
    budget.now_s = now_s_;
    auto id = db::create_budget(session(), slurm(), budget);
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error());
    return id.ok() ? *id : 0;
}

int64_t LedgerTest::make_limit(int64_t budget_id, const std::string& partition,
                               int64_t limit_micro) {
    auto done =
        db::set_partition_limit(session(), budget_id, partition, Money{limit_micro}, now_s_);
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error());
    return scalar("SELECT id FROM partition_limit WHERE budget_id = ? AND partition_name = ?",
                  {budget_id, partition});
}

db::HoldRequest LedgerTest::hold_request(const std::string& account, int64_t amount_micro,
                                         const std::string& partition) {
    db::HoldRequest request;
    request.id = new_hold_id();
    request.cluster = "lab";
    request.account = account;
    request.partition = partition;
    request.user_name = "alice";
    request.uid = 1001;
    request.shape = JobShape{1, 3600, 1};
    request.node_hour_price = Money{amount_micro};
    request.hold_factor_ppm = kPpm;
    request.size = HoldSize{Money{amount_micro}, Money{amount_micro}};
    request.now_s = now_s_;
    request.actor = "test";
    return request;
}

int64_t LedgerTest::count(const std::string& table) {
    return scalar("SELECT COUNT(*) FROM `" + table + "`");
}

int64_t LedgerTest::scalar(const std::string& sql, const db::Params& params) {
    auto rows = session().query(sql, params);
    if (rows.empty() || rows[0].is_null(0)) return 0;
    return rows[0].i64(0);
}

std::string LedgerTest::write_config(const std::string& extra) {
    const std::string path = dir_ + "/asbb.conf";
    std::ofstream file(path);
    file << "DbSocket=" << std::getenv("ASBB_TEST_DB_SOCKET") << "\n"
         << "DbUser=root\nDbPass=\nDbName=" << db_ << "\nSlurmDbName=" << slurm_db_ << "\n"
         << "ClusterName=lab\nSlurmUser=root\n"
         // The test site's budgeted partitions, as on the e2e cluster.
         << (extra.find("BudgetedPartitions=") == std::string::npos
                 ? "BudgetedPartitions=aws-cpu,aws-gpu\n"
                 : "")
         << extra;
    file.close();
    chmod(path.c_str(), 0600);
    return path;
}

CliResult run_cli(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    int status = cli::run(args, out, err);
    return {status, out.str(), err.str()};
}

}  // namespace asbb::test
