// What slurmdbd's association table looks like on this server, read from the
// schema itself rather than guessed from a SLURM version: 22.05 and 23.02 keep
// the tree as a nested set (lft/rgt); 23.11 adds `lineage` (and leaves lft/rgt
// at 0 for associations its own tools add); 25.05 drops lft/rgt; 24.05 adds
// `flags` (UsersAreCoords). See notes/slurm-versions.md §5.
#pragma once

#include <string>

#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

struct AssocSchema {
    bool lineage = false;  // 23.11+: use it whenever it is there
    bool lft_rgt = false;  // 22.05, 23.02 (and stale leftovers in 23.11-24.11)
    bool flags = false;    // 24.05+
};

// The cluster's association table's dialect. Asked of information_schema at
// most once a minute per table and process (slurmdbd changes it only when it
// is upgraded, and may be upgraded while slurmctld runs); safe from several
// threads. Neither lineage nor lft/rgt: a DbError of kind kMisconfigured
// naming the table (asbb cannot read that tree: not an outage).
AssocSchema assoc_schema(Session& session, const SlurmDbName& slurm, const std::string& cluster);

}  // namespace asbb::db
