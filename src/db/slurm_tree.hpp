// SLURM's account tree, read from slurmdbd's own tables (read only). Budgets
// are SLURM accounts: the association tree in <cluster>_assoc_table (a
// nested set: lft/rgt; account rows have user = '') is asbb's account model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/session.hpp"

namespace asbb::db {

struct SlurmDbName {
    std::string database;  // validated SQL identifier, e.g. slurm_acct_db
};

// The account and its ancestors, leaf first, root last. Empty when the
// account has no live association on that cluster.
std::vector<std::string> account_path(Session& session, const SlurmDbName& slurm,
                                      const std::string& cluster, const std::string& account);

struct AccountPathRead {
    std::vector<std::string> path;       // as account_path
    std::optional<uint64_t> generation;  // set when the path is not empty
};

// account_path and asbb's ledger generation (db/ledger_view.hpp) in one
// statement: the plugin's first round trip.
AccountPathRead account_path_and_generation(Session& session, const SlurmDbName& slurm,
                                            const std::string& cluster, const std::string& account);

// True when SLURM knows the account (acct_table, not deleted).
bool slurm_account_exists(Session& session, const SlurmDbName& slurm, const std::string& account);

// True when the cluster is registered in slurmdbd (cluster_table).
bool slurm_cluster_exists(Session& session, const SlurmDbName& slurm, const std::string& cluster);

// `db`.`<cluster>_assoc_table`, from validated names only.
std::string assoc_table(const SlurmDbName& slurm, const std::string& cluster);

}  // namespace asbb::db
