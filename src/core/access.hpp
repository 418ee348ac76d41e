// Who may do what through the asbb service, decided from SLURM's own roles.
// Pure: the caller loads the roles (db/slurm_roles) and the account's place
// in the tree (db::account_path) and asks here.
//
//   root (uid 0), SLURM AdminLevel Operator or Administrator: everything;
//   coordinators of an account (sacctmgr's coordinators): read and manage
//     that account and every account below it;
//   other users: read the accounts they have an association with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace asbb {

// SLURM's user_table.admin_level (slurmdb_admin_level_t).
inline constexpr int kSlurmAdminOperator = 2;
inline constexpr int kSlurmAdminAdministrator = 3;

struct Principal {
    uint32_t uid = 0;
    std::string user;
    int slurm_admin_level = 0;
    std::vector<std::string> coordinated;  // accounts they coordinate
    std::vector<std::string> associated;   // accounts they have an association with

    bool superuser() const { return uid == 0 || slurm_admin_level >= kSlurmAdminOperator; }
};

enum class Access { kRead, kManage };

// path: the account and its ancestors, leaf first (db::account_path); an
// account SLURM does not know on the cluster is passed as {account}.
bool allowed(const Principal& principal, Access access, const std::vector<std::string>& path);

// "administrator", "operator", "root", "coordinator" or "user": what
// /health and the logs say about a caller.
std::string role_name(const Principal& principal);

}  // namespace asbb
