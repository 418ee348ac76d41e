#include "db/slurm_schema.hpp"

#include <chrono>
#include <map>
#include <mutex>

#include "core/names.hpp"

namespace asbb::db {

namespace {

constexpr std::chrono::seconds kSchemaTtl{60};

struct Cached {
    AssocSchema schema;
    std::chrono::steady_clock::time_point read_at;
};

std::mutex cache_mutex;
std::map<std::string, Cached> cache;  // "database.table" -> what it has

AssocSchema read_schema(Session& session, const std::string& database, const std::string& table) {
    AssocSchema schema;
    for (const auto& row : session.query("SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                                         " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND "
                                         "COLUMN_NAME IN ('lineage', 'lft', 'flags')",
                                         {database, table})) {
        const std::string& column = row.str(0);
        if (column == "lineage") schema.lineage = true;
        if (column == "lft") schema.lft_rgt = true;
        if (column == "flags") schema.flags = true;
    }
    if (!schema.lineage && !schema.lft_rgt) {
        // information_schema shows a user only the columns it may read, so
        // a missing grant looks exactly like a missing table.
        throw DbError(DbErrorKind::kMisconfigured, 0,
                      "slurmdbd's table " + database + "." + table +
                          " shows neither lineage nor lft/rgt: it is missing, SELECT on it is "
                          "denied to this user, or its schema is one asbb cannot read");
    }
    return schema;
}

}  // namespace

AssocSchema assoc_schema(Session& session, const SlurmDbName& slurm, const std::string& cluster) {
    auto valid = normalize_cluster_name(cluster);
    if (!valid || *valid != cluster) {
        throw DbError(DbErrorKind::kOther, 0, "invalid cluster name '" + cluster + "'");
    }
    const std::string table = cluster + "_assoc_table";
    const std::string key = slurm.database + "." + table;
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(cache_mutex);
        auto it = cache.find(key);
        if (it != cache.end() && now - it->second.read_at < kSchemaTtl) return it->second.schema;
    }
    // Read outside the lock: a slow server must not stall the other callers.
    AssocSchema schema = read_schema(session, slurm.database, table);
    std::lock_guard lock(cache_mutex);
    cache[key] = {schema, now};
    return schema;
}

}  // namespace asbb::db
