#include "core/account_lineage.hpp"

#include <algorithm>
#include <set>

namespace asbb {

namespace {

// Splits "/a/b/" into {a, b}; every part non-empty.
Expected<std::vector<std::string>> split_lineage(std::string_view lineage) {
    if (lineage.size() < 1 || lineage.front() != '/' || lineage.back() != '/') {
        return make_error("lineage '" + std::string(lineage) + "' does not start and end with '/'");
    }
    std::vector<std::string> parts;
    size_t at = 1;
    while (at < lineage.size()) {
        const size_t slash = lineage.find('/', at);
        if (slash == at) {
            return make_error("lineage '" + std::string(lineage) + "' has an empty part");
        }
        parts.emplace_back(lineage.substr(at, slash - at));
        at = slash + 1;
    }
    return parts;
}

bool names_a_user(const std::string& part) {
    return part.size() > 2 && part[0] == '0' && part[1] == '-';
}

}  // namespace

Expected<std::vector<std::string>> lineage_accounts(std::string_view lineage) {
    auto parts = split_lineage(lineage);
    if (!parts) return parts;
    for (const auto& part : *parts) {
        if (names_a_user(part)) {
            return make_error("lineage '" + std::string(lineage) + "' of an account names a user");
        }
    }
    return parts;
}

Expected<std::vector<std::string>> lineage_accounts_of_association(std::string_view lineage) {
    auto parts = split_lineage(lineage);
    if (!parts) return parts;
    // Everything from the user part on ("0-alice", then a partition) is not an account.
    std::vector<std::string> accounts = *parts;
    accounts.erase(std::find_if(accounts.begin(), accounts.end(), names_a_user), accounts.end());
    return accounts;
}

Expected<std::vector<std::string>> lineage_path(std::string_view lineage) {
    auto accounts = lineage_accounts(lineage);
    if (!accounts) return accounts;
    std::vector<std::string> path(accounts->rbegin(), accounts->rend());
    path.emplace_back("root");
    return path;
}

Expected<std::vector<TreeNode>> tree_from_lineage(std::vector<LineageRow> rows) {
    // Bytewise order of lineages is a preorder: an account's subtree is
    // exactly the lineages that start with its own, and its own is the
    // smallest of them. (SQL collations may not compare bytewise.)
    std::sort(rows.begin(), rows.end(),
              [](const LineageRow& a, const LineageRow& b) { return a.lineage < b.lineage; });
    std::vector<TreeNode> tree;
    std::set<std::string> seen;
    for (const auto& row : rows) {
        auto accounts = lineage_accounts(row.lineage);
        if (!accounts) return make_error("account " + row.account + ": " + accounts.error());
        const std::string& own = accounts->empty() ? std::string("root") : accounts->back();
        if (own != row.account) {
            return make_error("account " + row.account + ": its lineage '" + row.lineage +
                              "' ends in another account");
        }
        if (!seen.insert(row.account).second) continue;
        TreeNode node{row.account, "", static_cast<int>(accounts->size())};
        if (accounts->size() == 1) node.parent = "root";
        if (accounts->size() > 1) node.parent = (*accounts)[accounts->size() - 2];
        tree.push_back(std::move(node));
    }
    return tree;
}

}  // namespace asbb
