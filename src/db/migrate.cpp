#include "db/migrate.hpp"

#include "core/names.hpp"

namespace asbb::db {

namespace {

std::string quoted_database(const std::string& database) {
    auto valid = validate_sql_identifier(database);
    if (!valid) throw DbError(DbErrorKind::kOther, 0, valid.error());
    return "`" + *valid + "`";
}

// Releases the server-side lock however the migration ends.
class MigrationLock {
  public:
    explicit MigrationLock(Session& session) : session_(session) {
        auto rows = session_.query("SELECT GET_LOCK('asbb_migrate', 60)");
        if (rows.empty() || rows[0].is_null(0) || rows[0].i64(0) != 1) {
            throw DbError(DbErrorKind::kLockWaitTimeout, 0,
                          "another asbb database migrate is running (waited 60 s)");
        }
    }
    ~MigrationLock() {
        try {
            session_.query("SELECT RELEASE_LOCK('asbb_migrate')");
        } catch (...) {
            // The lock dies with the connection anyway.
        }
    }

  private:
    Session& session_;
};

constexpr unsigned kErNeedSuperWithBinlog = 1419;  // ER_BINLOG_CREATE_ROUTINE_NEED_SUPER

// The migrations create triggers and procedures. A file that cannot has
// already made its tables (MariaDB commits DDL at once), so a rerun after
// the admin fixes the grants would stop at "table exists": a half-made
// schema. So the same kinds of statement are tried first on a scratch table,
// before any file runs. Binary logging (every Galera node, any replication
// source) needs SUPER or log_bin_trust_function_creators for triggers, on
// top of the TRIGGER and CREATE ROUTINE grants.
void probe_routine_rights(Session& session, const std::string& database) {
    session.run("DROP TABLE IF EXISTS asbb_migrate_probe");
    session.run("CREATE TABLE asbb_migrate_probe (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB");
    try {
        session.run(
            "CREATE TRIGGER asbb_migrate_probe_t BEFORE INSERT ON asbb_migrate_probe"
            " FOR EACH ROW SET NEW.id = NEW.id");
        session.run("CREATE OR REPLACE PROCEDURE asbb_migrate_probe_p() SELECT 1");
        session.run("DROP PROCEDURE asbb_migrate_probe_p");
    } catch (const DbError& e) {
        session.run("DROP TABLE IF EXISTS asbb_migrate_probe");
        const std::string fix =
            e.code() == kErNeedSuperWithBinlog
                ? "run it as a user with SUPER, or set log_bin_trust_function_creators=1 on"
                  " the server (on every node of a Galera cluster)"
                : "its DB user needs TRIGGER and CREATE ROUTINE on " + database;
        throw DbError(DbErrorKind::kMisconfigured, e.code(),
                      "asbb database migrate cannot create triggers and procedures in " + database +
                          " (" + e.what() + "); nothing was applied: " + fix);
    }
    session.run("DROP TABLE asbb_migrate_probe");  // and its trigger
}

}  // namespace

int schema_version(Session& session, const std::string& database) {
    const std::string db = quoted_database(database);
    auto exists = session.query(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = ?"
        " AND table_name = 'schema_version'",
        {database});
    if (exists.empty()) return 0;
    auto rows = session.query("SELECT COALESCE(MAX(version), 0) FROM " + db + ".schema_version");
    return rows.empty() ? 0 : static_cast<int>(rows[0].i64(0));
}

int bundled_schema_version() {
    const auto& migrations = bundled_migrations();
    return migrations.empty() ? 0 : migrations.back().version;
}

void require_bundled_schema(Session& session, const std::string& database,
                            const std::string& program) {
    const int have = schema_version(session, database);
    const int need = bundled_schema_version();
    if (have < need) {
        throw DbError(DbErrorKind::kMisconfigured, 0,
                      "database " + database + " is at asbb migration " + std::to_string(have) +
                          ", " + program + " needs " + std::to_string(need) +
                          ": run asbb database migrate");
    }
}

MigrateReport migrate(Session& session, const std::string& database) {
    const std::string db = quoted_database(database);
    MigrationLock lock(session);
    session.run("CREATE DATABASE IF NOT EXISTS " + db +
                " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    session.run("CREATE TABLE IF NOT EXISTS " + db +
                ".schema_version (version INT NOT NULL PRIMARY KEY,"
                " file_name VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL) ENGINE=InnoDB");
    session.run("USE " + db);

    MigrateReport report;
    int current = schema_version(session, database);
    if (current < bundled_schema_version()) probe_routine_rights(session, database);
    for (const Migration& migration : bundled_migrations()) {
        if (migration.version <= current) continue;
        try {
            // DDL commits implicitly in MariaDB, so a file cannot be rolled
            // back as a whole; each file is written to be applied once and
            // its version is recorded right after it succeeds.
            session.run_script(migration.sql);
        } catch (const DbError& e) {
            throw DbError(e.kind(), e.code(),
                          "migration " + migration.file_name + " failed: " + e.what());
        }
        session.exec(
            "INSERT INTO schema_version (version, file_name, applied_at)"
            " VALUES (?, ?, UNIX_TIMESTAMP())",
            {int64_t{migration.version}, migration.file_name});
        report.applied.push_back(migration.file_name);
        current = migration.version;
    }
    report.version_after = current;
    return report;
}

}  // namespace asbb::db
