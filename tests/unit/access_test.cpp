// core/access: who may read and change which account (issue 6).
#include "core/access.hpp"

#include <gtest/gtest.h>

#include "core/budget_health.hpp"

namespace asbb {
namespace {

const std::vector<std::string> kProj001 = {"proj001", "physics", "root"};
const std::vector<std::string> kPhysics = {"physics", "root"};
const std::vector<std::string> kChem = {"chem", "root"};

Principal person(uint32_t uid, const std::string& user, int admin_level,
                 std::vector<std::string> coordinated, std::vector<std::string> associated) {
    Principal p;
    p.uid = uid;
    p.user = user;
    p.slurm_admin_level = admin_level;
    p.coordinated = std::move(coordinated);
    p.associated = std::move(associated);
    return p;
}

TEST(Access, RootAndSlurmAdminsMayDoEverything) {
    const Principal root = person(0, "root", 0, {}, {});
    const Principal admin = person(1001, "ann", kSlurmAdminAdministrator, {}, {});
    const Principal op = person(1002, "otto", kSlurmAdminOperator, {}, {});
    for (const Principal& p : {root, admin, op}) {
        EXPECT_TRUE(allowed(p, Access::kManage, kChem));
        EXPECT_TRUE(allowed(p, Access::kRead, {"unknown"}));
    }
    EXPECT_EQ(role_name(root), "root");
    EXPECT_EQ(role_name(admin), "administrator");
    EXPECT_EQ(role_name(op), "operator");
}

TEST(Access, CoordinatorsManageTheirSubtreeOnly) {
    const Principal coord = person(1003, "bob", 1, {"physics"}, {"proj002"});
    EXPECT_TRUE(allowed(coord, Access::kManage, kPhysics));
    EXPECT_TRUE(allowed(coord, Access::kManage, kProj001));
    EXPECT_TRUE(allowed(coord, Access::kRead, kProj001));
    EXPECT_FALSE(allowed(coord, Access::kRead, kChem));
    EXPECT_FALSE(allowed(coord, Access::kManage, {"root"}));
    EXPECT_EQ(role_name(coord), "coordinator");
}

TEST(Access, UsersReadTheirAssociationsOnly) {
    const Principal user = person(1001, "alice", 1, {}, {"proj001"});
    EXPECT_TRUE(allowed(user, Access::kRead, kProj001));
    EXPECT_FALSE(allowed(user, Access::kManage, kProj001));
    EXPECT_FALSE(allowed(user, Access::kRead, kPhysics));  // not the parent
    EXPECT_FALSE(allowed(user, Access::kRead, {}));
    EXPECT_EQ(role_name(user), "user");
}

TEST(BudgetHealth, ScoreDecisionAndPercent) {
    const int64_t day = 86'400;
    // Half the period gone, a quarter spent: all good.
    BudgetFigures on_track{Money{100'000'000}, Money{25'000'000}, Money{0}, 0, 100 * day};
    BudgetHealth h = budget_health(on_track, 50 * day);
    EXPECT_EQ(h.health_score, 75);
    EXPECT_EQ(h.risk_level, "low");
    EXPECT_EQ(h.days_remaining, 50);
    EXPECT_EQ(h.burn_rate_per_day, Money{500'000});
    EXPECT_EQ(burst_decision(true, h.health_score), "PREFER_AWS");
    // A tenth of the period gone, 70% committed: 30 left, less half of 60 ahead.
    BudgetFigures racing{Money{100'000'000}, Money{50'000'000}, Money{20'000'000}, 0, 100 * day};
    EXPECT_EQ(budget_health(racing, 10 * day).health_score, 0);
    EXPECT_EQ(budget_health(racing, 10 * day).risk_level, "high");
    EXPECT_EQ(burst_decision(true, 0), "EMERGENCY_ONLY");
    EXPECT_EQ(burst_decision(true, 45), "EITHER");
    EXPECT_EQ(burst_decision(false, 100), "PREFER_LOCAL");
    // Overspent (a charge overran): nothing left.
    BudgetFigures over{Money{10'000'000}, Money{12'000'000}, Money{0}, 0, day};
    EXPECT_EQ(budget_health(over, day / 2).health_score, 0);
    EXPECT_EQ(percent_hundredths_text(Money{1'000'000}, Money{8'000'000}), "12.50");
    EXPECT_EQ(percent_hundredths_text(Money{1}, Money{0}), "0");
}

}  // namespace
}  // namespace asbb
