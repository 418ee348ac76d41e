// asbb database migrate on a Galera node, which writes a binary log: a user
// without SUPER can create triggers only when the server trusts routine
// creators (log_bin_trust_function_creators). Without it, migrate refuses
// before any file runs and says what to set; with it, the same user
// migrates. Skips unless scripts/test.sh started the cluster
// (ASBB_TEST_GALERA_PORTS, ASBB_TEST_GALERA_SOCKET: node 1's socket).
#include <unistd.h>

#include <cstdlib>

#include "db/migrate.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

class GaleraMigrate : public LedgerTest {
  protected:
    void SetUp() override {
        const char* socket = std::getenv("ASBB_TEST_GALERA_SOCKET");
        if (std::getenv("ASBB_TEST_GALERA_PORTS") == nullptr || socket == nullptr) {
            GTEST_SKIP() << "no Galera cluster (ASBB_TEST_GALERA_PORTS, ASBB_TEST_GALERA_SOCKET)";
        }
        setenv("ASBB_TEST_DB_SOCKET", socket, 1);  // node 1, as root
        LedgerTest::SetUp();
        started_ = true;
    }
    void TearDown() override {
        if (!started_) return;
        // node 1's setting as galera-cluster.sh starts it (not replicated)
        session().run("SET GLOBAL log_bin_trust_function_creators = ON");
        LedgerTest::TearDown();
    }
    bool started_ = false;
};

TEST_F(GaleraMigrate, WithoutSuperItNamesTheSettingAndAppliesNothing) {
    const std::string fresh = db_ + "_binlog";
    const std::string user = "asbb_binlog_" + std::to_string(getpid());
    session().run("SET GLOBAL log_bin_trust_function_creators = OFF");
    session().run("CREATE DATABASE `" + fresh + "`");
    session().run("CREATE USER '" + user + "'@'localhost' IDENTIFIED BY 'binlog-pass'");
    session().run("GRANT ALL ON `" + fresh + "`.* TO '" + user + "'@'localhost'");
    db::ConnectParams limited = server_params();
    limited.user = user;
    limited.password = "binlog-pass";
    limited.multi_statements = true;
    {
        db::MariaSession as_user(limited);
        try {
            db::migrate(as_user, fresh);
            ADD_FAILURE() << "migrate made triggers without SUPER on a binary-logging node";
        } catch (const db::DbError& e) {
            EXPECT_EQ(e.kind(), db::DbErrorKind::kMisconfigured) << e.what();
            EXPECT_EQ(e.code(), 1419u) << e.what();
            EXPECT_NE(std::string(e.what()).find("set log_bin_trust_function_creators=1"),
                      std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find("nothing was applied"), std::string::npos)
                << e.what();
        }
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?"
                     " AND table_name <> 'schema_version'",
                     {fresh}),
              0);
    session().run("SET GLOBAL log_bin_trust_function_creators = ON");
    {
        db::MariaSession as_user(limited);
        EXPECT_EQ(db::migrate(as_user, fresh).version_after, db::bundled_schema_version());
    }
    session().run("DROP USER '" + user + "'@'localhost'");
    session().run("DROP DATABASE `" + fresh + "`");
}

}  // namespace
}  // namespace asbb::test
