// Who may do what through the asbb service, decided from SLURM's own roles.
// Pure: the caller loads the roles (db/slurm_roles) and the account's place
// in the tree (db::account_path) and asks here.
//
//   root (uid 0), SLURM AdminLevel Operator or Administrator: everything;
//   coordinators of an account (sacctmgr's coordinators): read and manage
//     that account and every account below it;
//   other users: read the accounts they have an association with;
//   an API token (core/api_token.hpp): a reader token reads its accounts and
//     every account below them, a coordinator token reads and manages them
//     as their coordinator would; one for "all" accounts does so everywhere.
//     A token is never a superuser, whatever its accounts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace asbb {

enum class Access { kRead, kManage };

// SLURM's user_table.admin_level (slurmdb_admin_level_t).
inline constexpr int kSlurmAdminOperator = 2;
inline constexpr int kSlurmAdminAdministrator = 3;

struct Principal {
    uint32_t uid = 0;
    std::string user;
    int slurm_admin_level = 0;
    std::vector<std::string> coordinated;  // accounts they coordinate
    std::vector<std::string> associated;   // accounts they have an association with
    // An API token's caller: its name ("" for a MUNGE user), the accounts it
    // reads with their subtrees, and what it may do on every account when
    // made for all of them.
    std::string token;
    std::vector<std::string> readable;
    std::optional<Access> every_account;

    bool superuser() const {
        return token.empty() && (uid == 0 || slurm_admin_level >= kSlurmAdminOperator);
    }
};

// path: the account and its ancestors, leaf first (db::account_path); an
// account SLURM does not know on the cluster is passed as {account}.
bool allowed(const Principal& principal, Access access, const std::vector<std::string>& path);

// "administrator", "operator", "root", "coordinator", "user", "reader
// token" or "coordinator token": what the logs say about a caller.
std::string role_name(const Principal& principal);

}  // namespace asbb
