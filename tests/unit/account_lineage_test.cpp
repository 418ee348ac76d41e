// SLURM 23.11+'s association lineage ("/physics/proj001/0-alice/aws-cpu/"),
// read into accounts, paths and the tree; anything else is an error, never a
// silently shorter path.
#include "core/account_lineage.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

using Names = std::vector<std::string>;

TEST(AccountLineage, AnAccountRowsLineageNamesItsAncestorsRootFirstWithoutRoot) {
    EXPECT_EQ(*lineage_accounts("/"), Names{});
    EXPECT_EQ(*lineage_accounts("/physics/"), Names{"physics"});
    EXPECT_EQ(*lineage_accounts("/physics/proj001/"), (Names{"physics", "proj001"}));
    EXPECT_EQ(*lineage_accounts("/a-b/c.d/e_f/"), (Names{"a-b", "c.d", "e_f"}));
}

TEST(AccountLineage, PathIsLeafFirstAndEndsAtRoot) {
    EXPECT_EQ(*lineage_path("/"), Names{"root"});
    EXPECT_EQ(*lineage_path("/physics/proj001/"), (Names{"proj001", "physics", "root"}));
}

TEST(AccountLineage, UsersAndPartitionsAreNotAccounts) {
    EXPECT_EQ(*lineage_accounts_of_association("/physics/proj001/0-alice/"),
              (Names{"physics", "proj001"}));
    EXPECT_EQ(*lineage_accounts_of_association("/physics/proj001/0-alice/aws-cpu/"),
              (Names{"physics", "proj001"}));
    EXPECT_EQ(*lineage_accounts_of_association("/0-root/"), Names{});
    EXPECT_FALSE(lineage_accounts("/physics/0-alice/"));  // not an account row
}

TEST(AccountLineage, MalformedLineagesAreErrors) {
    for (const char* bad : {"", "physics/", "/physics", "//", "/physics//proj001/", "x"}) {
        EXPECT_FALSE(lineage_accounts(bad)) << bad;
        EXPECT_FALSE(lineage_path(bad)) << bad;
    }
}

TEST(AccountLineage, TreeIsAPreorderWithEachAccountOnce) {
    auto tree = tree_from_lineage({{"proj002", "/physics/proj002/"},
                                   {"root", "/"},
                                   {"physics-x", "/physics-x/"},
                                   {"proj001", "/physics/proj001/"},
                                   {"physics", "/physics/"},
                                   {"proj001", "/physics/proj001/"}});  // a partition's row
    ASSERT_TRUE(tree) << tree.error();
    std::vector<std::string> lines;
    for (const auto& n : *tree)
        lines.push_back(n.account + "<" + n.parent + ":" + std::to_string(n.depth));
    // '-' sorts before '/': physics-x comes before physics' subtree, which
    // stays together.
    EXPECT_EQ(lines, (Names{"root<:0", "physics-x<root:1", "physics<root:1", "proj001<physics:2",
                            "proj002<physics:2"}));
}

TEST(AccountLineage, ARowWhoseLineageEndsInAnotherAccountIsAnError) {
    EXPECT_FALSE(tree_from_lineage({{"proj001", "/physics/proj002/"}}));
    EXPECT_FALSE(tree_from_lineage({{"physics", "/"}}));
}

}  // namespace
}  // namespace asbb
