// Integration tests run against the real MariaDB server that
// scripts/test.sh starts. Each test gets two fresh databases: asbb's own
// (migrated) and a stand-in for slurmdbd's slurm_acct_db holding the tables
// asbb reads (cluster_table, acct_table, <cluster>_assoc_table) with the
// columns and nested-set layout slurmdbd 22.05 writes. The e2e tests use a
// real slurmdbd; these focus on the ledger.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/hold_id.hpp"
#include "db/ledger.hpp"
#include "db/mariadb_session.hpp"

namespace asbb::test {

// Connection to the test server; fails the test when scripts/test.sh did
// not start one (a skipped test would hide a broken setup).
db::ConnectParams server_params(const std::string& database = "");

// Demo tree, cluster "lab": root > physics > {proj001, proj002}; root > chem.
class LedgerTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    std::unique_ptr<db::MariaSession> connect();  // a new session on the asbb database
    db::Session& session() { return *session_; }
    db::SlurmDbName slurm() const { return {slurm_db_}; }

    // A budget covering now (period = now-1d .. now+30d), returns its id.
    int64_t make_budget(const std::string& account, int64_t amount_micro,
                        const std::string& cluster = "");
    int64_t make_limit(int64_t budget_id, const std::string& partition, int64_t limit_micro);
    db::HoldRequest hold_request(const std::string& account, int64_t amount_micro,
                                 const std::string& partition = "aws-cpu");
    int64_t count(const std::string& table);
    int64_t scalar(const std::string& sql, const db::Params& params = {});

    // Writes an asbb.conf for the CLI pointing at this test's databases.
    std::string write_config(const std::string& extra = "");

    std::string db_;
    std::string slurm_db_;
    std::string dir_;  // a temp directory for this test
    int64_t now_s_ = 0;

  private:
    std::unique_ptr<db::MariaSession> session_;
};

// Runs the CLI in-process.
struct CliResult {
    int status = 0;
    std::string out;
    std::string err;
};
CliResult run_cli(const std::vector<std::string>& args);

}  // namespace asbb::test
