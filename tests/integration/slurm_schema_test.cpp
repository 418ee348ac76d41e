// SLURM's account tree read from each shape slurmdbd gives its association
// table, on a real MariaDB: 22.05 (nested set lft/rgt), 24.11 (lineage and
// flags added, lft/rgt left at 0 as 23.11+ tools leave them for new rows) and
// 26.05 (lft/rgt dropped). The same tree (root > physics > {proj001, proj002};
// root > chem) must give the same paths, the same tree and the same roles;
// only 24.05+ knows UsersAreCoords. The lineage values are the ones a real
// 24.11.5 and 26.05.5 slurmdbd wrote for this tree (scripts/local-cluster.sh).
#include "db/slurm_schema.hpp"
#include "core/access.hpp"
#include "db/slurm_roles.hpp"
#include "db/usage.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

enum class Shape { k2205, k2411, k2605 };

class SlurmSchema : public LedgerTest, public ::testing::WithParamInterface<Shape> {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        if (GetParam() == Shape::k2205) return;
        const std::string table = "`" + slurm_db_ + "`.lab_assoc_table";
        session().run("ALTER TABLE " + table +
                      " ADD COLUMN id_parent INT UNSIGNED NOT NULL DEFAULT 0,"
                      " ADD COLUMN lineage TEXT, ADD COLUMN flags INT UNSIGNED NOT NULL DEFAULT 0");
        const std::pair<const char*, const char*> lineages[] = {{"root", "/"},
                                                                {"physics", "/physics/"},
                                                                {"proj001", "/physics/proj001/"},
                                                                {"proj002", "/physics/proj002/"},
                                                                {"chem", "/chem/"}};
        for (const auto& [account, lineage] : lineages) {
            session().exec("UPDATE " + table + " SET lineage = ? WHERE user = '' AND acct = ?",
                           {std::string(lineage), std::string(account)});
            session().exec(
                "UPDATE " + table +
                    " SET lineage = CONCAT(?, '0-', user, '/') WHERE user <> '' AND acct = ?",
                {std::string(lineage), std::string(account)});
        }
        if (GetParam() == Shape::k2411) {
            session().run("UPDATE " + table + " SET lft = 0, rgt = 0");  // stale since 23.11
        } else {
            session().run("ALTER TABLE " + table + " DROP COLUMN lft, DROP COLUMN rgt");
        }
    }

    std::vector<std::string> path(const std::string& account) {
        return db::account_path(session(), slurm(), "lab", account);
    }

    Principal roles(const std::string& user) {
        Principal principal;
        principal.uid = 1000;
        principal.user = user;
        db::load_slurm_roles(session(), slurm(), "lab", principal);
        return principal;
    }
};

using Path = std::vector<std::string>;

TEST_P(SlurmSchema, AccountPathsAreLeafFirstAndEndAtRoot) {
    EXPECT_EQ(path("proj001"), (Path{"proj001", "physics", "root"}));
    EXPECT_EQ(path("proj002"), (Path{"proj002", "physics", "root"}));
    EXPECT_EQ(path("physics"), (Path{"physics", "root"}));
    EXPECT_EQ(path("chem"), (Path{"chem", "root"}));
    EXPECT_EQ(path("root"), (Path{"root"}));
    EXPECT_TRUE(path("nosuch").empty());
}

TEST_P(SlurmSchema, TheTreeIsInPreorderWithParentsAndDepths) {
    std::vector<std::string> lines;
    for (const auto& node : db::account_tree(session(), slurm(), "lab")) {
        lines.push_back(node.account + "<" + node.parent + ":" + std::to_string(node.depth));
    }
    // physics before chem in lft order (22.05); chem before physics in
    // lineage order: both are preorders, with the same parents and depths.
    if (GetParam() == Shape::k2205) {
        EXPECT_EQ(lines, (std::vector<std::string>{"root<:0", "physics<root:1", "proj001<physics:2",
                                                   "proj002<physics:2", "chem<root:1"}));
    } else {
        EXPECT_EQ(lines, (std::vector<std::string>{"root<:0", "chem<root:1", "physics<root:1",
                                                   "proj001<physics:2", "proj002<physics:2"}));
    }
}

TEST_P(SlurmSchema, DirectCoordinatorsAndUsersAreCoordsWhereSlurmHasIt) {
    session().run("CREATE TABLE `" + slurm_db_ +
                  "`.user_table (creation_time BIGINT UNSIGNED NOT NULL DEFAULT 0,"
                  " mod_time BIGINT UNSIGNED NOT NULL DEFAULT 0, deleted TINYINT DEFAULT 0,"
                  " name TINYTEXT NOT NULL, admin_level SMALLINT NOT NULL DEFAULT 1)");
    session().run("CREATE TABLE `" + slurm_db_ +
                  "`.acct_coord_table (creation_time BIGINT UNSIGNED NOT NULL DEFAULT 0,"
                  " mod_time BIGINT UNSIGNED NOT NULL DEFAULT 0, deleted TINYINT DEFAULT 0,"
                  " acct TINYTEXT NOT NULL, user TINYTEXT NOT NULL)");
    session().run("INSERT INTO `" + slurm_db_ +
                  "`.acct_coord_table (acct, user) VALUES ('chem', 'carol')");
    const bool has_flags = GetParam() != Shape::k2205;
    if (has_flags) {
        // sacctmgr modify account proj002 set flags=UsersAreCoords
        session().run("UPDATE `" + slurm_db_ +
                      "`.lab_assoc_table SET flags = 65536 WHERE user = '' AND acct = 'proj002'");
    }
    EXPECT_EQ(roles("carol").coordinated, (std::vector<std::string>{"chem"}));
    const Principal bob = roles("bob");
    EXPECT_EQ(bob.coordinated,
              has_flags ? std::vector<std::string>{"proj002"} : std::vector<std::string>{});
    EXPECT_EQ(allowed(bob, Access::kManage, path("proj002")), has_flags);
    EXPECT_FALSE(allowed(bob, Access::kManage, path("proj001")));
    EXPECT_TRUE(roles("alice").coordinated.empty());  // her proj001 is not flagged
    if (has_flags) {
        // Flagged physics: its users would coordinate it, but bob's and
        // alice's associations are in proj001/proj002 below it, and slurmdbd
        // 25.05+ gives UsersAreCoords only to users directly in the account.
        session().run("UPDATE `" + slurm_db_ +
                      "`.lab_assoc_table SET flags = 65536 WHERE user = '' AND acct = 'physics'");
        EXPECT_EQ(roles("bob").coordinated, std::vector<std::string>{"proj002"});
        EXPECT_TRUE(roles("alice").coordinated.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(EachSlurmdbd, SlurmSchema,
                         ::testing::Values(Shape::k2205, Shape::k2411, Shape::k2605),
                         [](const auto& info) {
                             switch (info.param) {
                                 case Shape::k2205:
                                     return std::string("Slurm2205");
                                 case Shape::k2411:
                                     return std::string("Slurm2411");
                                 case Shape::k2605:
                                     break;
                             }
                             return std::string("Slurm2605");
                         });

}  // namespace
}  // namespace asbb::test
