#include "db/slurm_roles.hpp"

namespace asbb::db {

void load_slurm_roles(Session& session, const SlurmDbName& slurm, const std::string& cluster,
                      Principal& principal) {
    const std::string db = "`" + slurm.database + "`";
    auto level = session.query(
        "SELECT MAX(admin_level) FROM " + db + ".user_table WHERE name = ? AND deleted = 0",
        {principal.user});
    principal.slurm_admin_level =
        level.empty() || level[0].is_null(0) ? 0 : static_cast<int>(level[0].i64(0));
    principal.coordinated.clear();
    for (const auto& row :
         session.query("SELECT DISTINCT acct FROM " + db +
                           ".acct_coord_table WHERE user = ? AND deleted = 0 ORDER BY acct",
                       {principal.user})) {
        principal.coordinated.push_back(row.str(0));
    }
    principal.associated.clear();
    if (cluster.empty()) return;
    for (const auto& row :
         session.query("SELECT DISTINCT acct FROM " + assoc_table(slurm, cluster) +
                           " WHERE user = ? AND deleted = 0 ORDER BY acct",
                       {principal.user})) {
        principal.associated.push_back(row.str(0));
    }
}

bool may_access(Session& session, const SlurmDbName& slurm, const std::string& cluster,
                const Principal& principal, Access access, const std::string& account) {
    if (principal.superuser()) return true;
    std::vector<std::string> path;
    if (!cluster.empty()) path = account_path(session, slurm, cluster, account);
    if (path.empty()) path = {account};
    return allowed(principal, access, path);
}

}  // namespace asbb::db
