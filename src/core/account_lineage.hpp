// SLURM's association tree as slurmdbd 23.11+ stores it: each association's
// `lineage` is the path of accounts from the root, e.g. root "/", account
// physics under root "/physics/", proj001 under physics "/physics/proj001/",
// user alice in proj001 "/physics/proj001/0-alice/" (and a partition after
// the user: ".../0-alice/aws-cpu/"). The root account is not named in it.
// Pure: the rows are read in src/db.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

// The accounts an account row's lineage names, root first, root itself not
// included: "/physics/proj001/" -> {physics, proj001}, "/" -> {}. A lineage
// that does not start and end with '/', has an empty part, or names a user
// ("0-alice") is an error: an account row never looks like that.
Expected<std::vector<std::string>> lineage_accounts(std::string_view lineage);

// The accounts of any association's lineage, users and partitions left out:
// "/physics/proj001/0-alice/aws-cpu/" -> {physics, proj001}.
Expected<std::vector<std::string>> lineage_accounts_of_association(std::string_view lineage);

// An account row's path leaf first, root last, as asbb's hold levels want
// it: "/physics/proj001/" -> {proj001, physics, root}; "/" -> {root}.
Expected<std::vector<std::string>> lineage_path(std::string_view lineage);

struct LineageRow {
    std::string account;
    std::string lineage;
};

struct TreeNode {
    std::string account;
    std::string parent;  // "" for root
    int depth = 0;       // 0 for root
};

// Account rows (several per account when it has partition associations) in
// tree order: a parent before its children, siblings by name (bytewise),
// each account once. A malformed lineage is an error naming the account.
Expected<std::vector<TreeNode>> tree_from_lineage(std::vector<LineageRow> rows);

}  // namespace asbb
