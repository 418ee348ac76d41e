#include "db/slurm_roles.hpp"

#include <set>

#include "core/account_lineage.hpp"
#include "db/slurm_schema.hpp"

namespace asbb::db {

namespace {

constexpr int64_t kAssocFlagUsersAreCoords = 1 << 16;  // ASSOC_FLAG_USER_COORD, SLURM 24.05+

// SLURM 24.05's implicit coordinators: an account flagged UsersAreCoords
// makes the users with an association directly in it its coordinators (and
// so of its sub-accounts). They are not rows of acct_coord_table. slurmdbd
// 25.05 and later grant exactly that (as_mysql_user.c: lineage LIKE
// '%/<acct>/0-%'); 24.05-24.11 also granted it to users further down, which
// asbb does not follow: it grants budget rights no wider than current SLURM.
// Matched on lineage parts in C++, not with LIKE, whose '_' would match any
// character of an account name.
void add_implicit_coordinators(Session& session, const SlurmDbName& slurm,
                               const std::string& cluster, Principal& principal) {
    const AssocSchema schema = assoc_schema(session, slurm, cluster);
    if (!schema.flags || !schema.lineage) return;
    const std::string table = assoc_table(slurm, cluster);
    std::set<std::string> flagged;
    for (const auto& row :
         session.query("SELECT DISTINCT acct FROM " + table +
                           " WHERE user = '' AND deleted = 0 AND (flags & ?) <> 0",
                       {kAssocFlagUsersAreCoords})) {
        flagged.insert(row.str(0));
    }
    if (flagged.empty()) return;
    std::set<std::string> coordinated(principal.coordinated.begin(), principal.coordinated.end());
    for (const auto& row :
         session.query("SELECT lineage FROM " + table + " WHERE user = ? AND deleted = 0",
                       {principal.user})) {
        auto accounts = lineage_accounts_of_association(row.str_or(0, ""));
        // a user row slurmdbd wrote oddly grants nothing
        if (!accounts || accounts->empty()) continue;
        if (flagged.count(accounts->back()) != 0) coordinated.insert(accounts->back());
    }
    principal.coordinated.assign(coordinated.begin(), coordinated.end());
}

}  // namespace

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
    add_implicit_coordinators(session, slurm, cluster, principal);
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
