// Schema migrations: the numbered files in sql/ (NNN_name.sql), compiled into
// the binary so an installed asbb needs no data files to migrate. Applied in
// order, each recorded in schema_version; a second run applies nothing.
#pragma once

#include <string>
#include <vector>

#include "db/session.hpp"

namespace asbb::db {

struct Migration {
    int version = 0;
    std::string file_name;  // e.g. 001_ledger.sql
    std::string sql;
};

// Every migration shipped with this build, in version order.
const std::vector<Migration>& bundled_migrations();

struct MigrateReport {
    std::vector<std::string> applied;  // file names applied by this run
    int version_after = 0;
};

// Creates the database if missing, then applies the missing migrations.
// Serialized across concurrent runs with a named server lock. A failing
// migration throws DbError whose message names the file and carries the
// server's message; the migrations before it stay applied.
// `session` must allow multi-statements.
MigrateReport migrate(Session& session, const std::string& database);

// Highest applied version (0 for an empty database).
int schema_version(Session& session, const std::string& database);

// Highest version this build bundles.
int bundled_schema_version();

// Throws DbError kMisconfigured when the database is behind this build
// ("database asbb is at asbb migration 7, <program> needs 8: run asbb
// database migrate"). A newer database is accepted: migrations only add, so an older
// program keeps working during an upgrade.
void require_bundled_schema(Session& session, const std::string& database,
                            const std::string& program);

}  // namespace asbb::db
