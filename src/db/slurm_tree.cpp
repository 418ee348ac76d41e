#include "db/slurm_tree.hpp"

#include <algorithm>

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

// Appended to a path query's columns for account_path_and_generation:
// asbb's ledger_generation (the session's own database), in the same
// statement so that it costs no round trip of its own.
constexpr const char* kGenerationColumn =
    ", (SELECT generation FROM ledger_generation WHERE id = 1)";

// 22.05/23.02: every account row whose interval contains the leaf's is an
// ancestor (or the leaf itself); by lft descending they run leaf to root.
// Sorted here, not by ORDER BY: slurmdbd's name columns are TINYTEXT, and
// sorting rows that carry one makes the server build an on-disk temporary
// table, which cost about 0.4 ms of the plugin's 1.5 ms per hold.
AccountPathRead nested_set_path(Session& session, const std::string& table,
                                const std::string& account, bool with_generation) {
    auto rows = session.query(std::string("SELECT p.acct, p.lft") +
                                  (with_generation ? kGenerationColumn : "") + " FROM " + table +
                                  " a JOIN " + table +
                                  " p ON p.user = '' AND p.deleted = 0"
                                  " AND a.lft BETWEEN p.lft AND p.rgt"
                                  " WHERE a.user = '' AND a.deleted = 0 AND a.acct = ?",
                              {account});
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.i64(1) > b.i64(1); });
    AccountPathRead read;
    read.path.reserve(rows.size());
    for (const auto& row : rows) read.path.push_back(row.str(0));
    if (with_generation && !rows.empty()) read.generation = rows[0].u64(2);
    return read;
}

// 23.11+: the leaf's own row names its ancestors ("/physics/proj001/"). An
// account with partition associations has several rows with one lineage.
AccountPathRead lineage_path_of(Session& session, const std::string& table,
                                const std::string& account, bool with_generation) {
    auto rows = session.query(std::string("SELECT lineage") +
                                  (with_generation ? kGenerationColumn : "") + " FROM " + table +
                                  " WHERE user = '' AND deleted = 0 AND acct = ? LIMIT 1",
                              {account});
    if (rows.empty() || rows[0].is_null(0)) return {};
    auto path = lineage_path(rows[0].str(0));
    if (!path || path->front() != account) {
        throw DbError(DbErrorKind::kOther, 0,
                      "account " + account + " in " + table + ": " +
                          (path ? "its lineage ends in another account" : path.error()));
    }
    AccountPathRead read{*path, std::nullopt};
    if (with_generation) read.generation = rows[0].u64(1);
    return read;
}

AccountPathRead read_account_path(Session& session, const SlurmDbName& slurm,
                                  const std::string& cluster, const std::string& account,
                                  bool with_generation) {
    const std::string table = assoc_table(slurm, cluster);
    if (assoc_schema(session, slurm, cluster).lineage) {
        return lineage_path_of(session, table, account, with_generation);
    }
    return nested_set_path(session, table, account, with_generation);
}

}  // namespace

std::vector<std::string> account_path(Session& session, const SlurmDbName& slurm,
                                      const std::string& cluster, const std::string& account) {
    return read_account_path(session, slurm, cluster, account, false).path;
}

AccountPathRead account_path_and_generation(Session& session, const SlurmDbName& slurm,
                                            const std::string& cluster,
                                            const std::string& account) {
    return read_account_path(session, slurm, cluster, account, true);
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
