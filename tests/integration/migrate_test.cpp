// asbb database migrate: applies the bundled files in order, a second run is
// a no-op, and a failing file stops the run naming the file.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "db/migrate.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

class Migrate : public LedgerTest {};

TEST_F(Migrate, SecondRunAppliesNothing) {
    // SetUp already migrated db_; migrating again changes nothing.
    db::ConnectParams admin = server_params();
    admin.multi_statements = true;
    db::MariaSession session(admin);
    auto report = db::migrate(session, db_);
    EXPECT_TRUE(report.applied.empty());
    EXPECT_EQ(report.version_after, db::bundled_migrations().back().version);
    EXPECT_EQ(db::schema_version(session, db_), report.version_after);
}

TEST_F(Migrate, ThroughTheCliOnAFreshDatabase) {
    const std::string fresh = db_ + "_fresh";
    const std::string path = dir_ + "/fresh.conf";
    {
        std::ofstream file(path);
        file << "DbSocket=" << std::getenv("ASBB_TEST_DB_SOCKET")
             << "\nDbUser=root\nDbName=" << fresh << "\nClusterName=lab\n";
    }
    chmod(path.c_str(), 0600);
    auto first = run_cli({"--config=" + path, "database", "migrate"});
    EXPECT_EQ(first.status, 0) << first.err;
    EXPECT_NE(first.out.find("applied 001_ledger.sql"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("applied 002_rates.sql"), std::string::npos) << first.out;
    EXPECT_NE(
        first.out.find("schema version " + std::to_string(db::bundled_migrations().back().version)),
        std::string::npos)
        << first.out;
    auto second = run_cli({"--config=" + path, "database", "migrate"});
    EXPECT_EQ(second.status, 0) << second.err;
    EXPECT_NE(second.out.find("nothing to do"), std::string::npos) << second.out;
    session().run("DROP DATABASE `" + fresh + "`");
}

TEST_F(Migrate, FailingMigrationNamesTheFile) {
    // A database where the budget table already exists in another shape:
    // 001 cannot apply, and the error says which file and why.
    const std::string clash = db_ + "_clash";
    db::ConnectParams admin = server_params();
    admin.multi_statements = true;
    db::MariaSession session(admin);
    session.run("CREATE DATABASE `" + clash + "`");
    session.run("CREATE TABLE `" + clash + "`.budget (x INT)");
    try {
        db::migrate(session, clash);
        ADD_FAILURE() << "migrate succeeded on a clashing schema";
    } catch (const db::DbError& e) {
        EXPECT_NE(std::string(e.what()).find("001_ledger.sql"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
    }
    EXPECT_EQ(db::schema_version(session, clash), 0);
    session.run("DROP DATABASE `" + clash + "`");
}

TEST_F(Migrate, AUserWhoCannotCreateTriggersIsRefusedBeforeAnyFileRuns) {
    // 001 makes its tables, then its triggers: without the probe the tables
    // would stay and every rerun would stop at "table exists".
    const std::string fresh = db_ + "_rights";
    const std::string user = "asbb_rights_" + std::to_string(getpid());
    session().run("CREATE DATABASE `" + fresh + "`");
    session().run("CREATE USER '" + user + "'@'localhost' IDENTIFIED BY 'rights-pass'");
    session().run("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, EXECUTE ON `" +
                  fresh + "`.* TO '" + user + "'@'localhost'");
    db::ConnectParams limited = server_params();
    limited.user = user;
    limited.password = "rights-pass";
    limited.multi_statements = true;
    {
        db::MariaSession as_user(limited);
        try {
            db::migrate(as_user, fresh);
            ADD_FAILURE() << "migrate succeeded without the TRIGGER grant";
        } catch (const db::DbError& e) {
            EXPECT_EQ(e.kind(), db::DbErrorKind::kMisconfigured) << e.what();
            EXPECT_NE(std::string(e.what()).find("nothing was applied"), std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find("needs TRIGGER and CREATE ROUTINE on " + fresh),
                      std::string::npos)
                << e.what();
        }
    }
    auto tables_in = [&](const std::string& database) {
        return scalar(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?"
            " AND table_name <> 'schema_version'",
            {database});
    };
    EXPECT_EQ(tables_in(fresh), 0) << "no table of 001 and no probe table is left";
    // Once the admin grants what was missing, the same migrate just works.
    session().run("GRANT TRIGGER, CREATE ROUTINE, ALTER ROUTINE ON `" + fresh + "`.* TO '" + user +
                  "'@'localhost'");
    {
        db::MariaSession as_user(limited);
        auto report = db::migrate(as_user, fresh);
        EXPECT_EQ(report.version_after, db::bundled_schema_version());
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?"
                     " AND table_name = 'asbb_migrate_probe'",
                     {fresh}),
              0);
    session().run("DROP USER '" + user + "'@'localhost'");
    session().run("DROP DATABASE `" + fresh + "`");
}

}  // namespace
}  // namespace asbb::test
