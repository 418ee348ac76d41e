#include "core/access.hpp"

#include <algorithm>

namespace asbb {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

bool allowed(const Principal& principal, Access access, const std::vector<std::string>& path) {
    if (principal.superuser()) return true;
    if (principal.every_account &&
        (access == Access::kRead || *principal.every_account == Access::kManage)) {
        return true;
    }
    if (path.empty()) return false;
    // A coordinator of any account on the path coordinates this one; a
    // reader token for any of them reads it.
    for (const auto& account : path) {
        if (contains(principal.coordinated, account)) return true;
        if (access == Access::kRead && contains(principal.readable, account)) return true;
    }
    return access == Access::kRead && contains(principal.associated, path.front());
}

std::string role_name(const Principal& principal) {
    if (!principal.token.empty()) {
        const bool manages =
            !principal.coordinated.empty() || principal.every_account == Access::kManage;
        return manages ? "coordinator token" : "reader token";
    }
    if (principal.uid == 0) return "root";
    if (principal.slurm_admin_level >= kSlurmAdminAdministrator) return "administrator";
    if (principal.slurm_admin_level >= kSlurmAdminOperator) return "operator";
    if (!principal.coordinated.empty()) return "coordinator";
    return "user";
}

}  // namespace asbb
