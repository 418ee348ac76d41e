// A user's roles as SLURM records them (read only): AdminLevel from
// user_table, the accounts they coordinate from acct_coord_table, and the
// accounts they have associations with on a cluster.
#pragma once

#include <string>

#include "core/access.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

// Fills principal's slurm_admin_level, coordinated and associated for
// principal.user; a user SLURM does not know keeps none.
void load_slurm_roles(Session& session, const SlurmDbName& slurm, const std::string& cluster,
                      Principal& principal);

// May principal do this to the account? Its place in the tree is read from
// the cluster's associations (an account SLURM does not know there counts
// as a tree of its own).
bool may_access(Session& session, const SlurmDbName& slurm, const std::string& cluster,
                const Principal& principal, Access access, const std::string& account);

}  // namespace asbb::db
