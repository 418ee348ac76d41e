#include "db/slurm_tree.hpp"

#include "core/account_lineage.hpp"
#include "core/names.hpp"
#include "db/slurm_schema.hpp"

namespace asbb::db {

namespace {

// Identifiers cannot be parameters; these checks are what stands between a
// config value and the SQL text, so they are repeated here on purpose.
std::string checked_identifier(const std::string& name) {
    auto valid = validate_sql_identifier(name);
    if (!valid) throw DbError(DbErrorKind::kOther, 0, valid.error());
    return *valid;
}

std::string checked_cluster(const std::string& cluster) {
    auto valid = normalize_cluster_name(cluster);
    if (!valid || *valid != cluster) {
        throw DbError(DbErrorKind::kOther, 0, "invalid cluster name '" + cluster + "'");
    }
    return *valid;
}

}  // namespace

std::string assoc_table(const SlurmDbName& slurm, const std::string& cluster) {
    return "`" + checked_identifier(slurm.database) + "`.`" + checked_cluster(cluster) +
           "_assoc_table`";
}

namespace {

// 22.05/23.02: every account row whose interval contains the leaf's is an
// ancestor (or the leaf itself); ordering by lft descending walks leaf to root.
std::vector<std::string> nested_set_path(Session& session, const std::string& table,
                                         const std::string& account) {
    auto rows = session.query("SELECT p.acct FROM " + table + " a JOIN " + table +
                                  " p ON p.user = '' AND p.deleted = 0"
                                  " AND a.lft BETWEEN p.lft AND p.rgt"
                                  " WHERE a.user = '' AND a.deleted = 0 AND a.acct = ?"
                                  " ORDER BY p.lft DESC",
                              {account});
    std::vector<std::string> path;
    path.reserve(rows.size());
    for (const auto& row : rows) path.push_back(row.str(0));
    return path;
}

// 23.11+: the leaf's own row names its ancestors ("/physics/proj001/"). An
// account with partition associations has several rows with one lineage.
std::vector<std::string> lineage_path_of(Session& session, const std::string& table,
                                         const std::string& account) {
    auto rows = session.query(
        "SELECT lineage FROM " + table + " WHERE user = '' AND deleted = 0 AND acct = ? LIMIT 1",
        {account});
    if (rows.empty() || rows[0].is_null(0)) return {};
    auto path = lineage_path(rows[0].str(0));
    if (!path || path->front() != account) {
        throw DbError(DbErrorKind::kOther, 0,
                      "account " + account + " in " + table + ": " +
                          (path ? "its lineage ends in another account" : path.error()));
    }
    return *path;
}

}  // namespace

std::vector<std::string> account_path(Session& session, const SlurmDbName& slurm,
                                      const std::string& cluster, const std::string& account) {
    const std::string table = assoc_table(slurm, cluster);
    if (assoc_schema(session, slurm, cluster).lineage) {
        return lineage_path_of(session, table, account);
    }
    return nested_set_path(session, table, account);
}

bool slurm_account_exists(Session& session, const SlurmDbName& slurm, const std::string& account) {
    auto rows = session.query("SELECT 1 FROM `" + checked_identifier(slurm.database) +
                                  "`.acct_table WHERE name = ? AND deleted = 0",
                              {account});
    return !rows.empty();
}

bool slurm_cluster_exists(Session& session, const SlurmDbName& slurm, const std::string& cluster) {
    auto rows = session.query("SELECT 1 FROM `" + checked_identifier(slurm.database) +
                                  "`.cluster_table WHERE name = ? AND deleted = 0",
                              {cluster});
    return !rows.empty();
}

}  // namespace asbb::db
