#include "core/alert_rule.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace asbb {
namespace {

constexpr int64_t kDollar = 1'000'000;

TEST(AlertRule, ThresholdReachedIsExact) {
    const Money allocated{100 * kDollar};
    EXPECT_FALSE(threshold_reached(Money{80 * kDollar - 1}, allocated, 80));
    EXPECT_TRUE(threshold_reached(Money{80 * kDollar}, allocated, 80));
    EXPECT_TRUE(threshold_reached(Money{101 * kDollar}, allocated, 100));
    EXPECT_FALSE(threshold_reached(Money{119 * kDollar}, allocated, 120));
    // No overflow near the int64 limit.
    const int64_t huge = std::numeric_limits<int64_t>::max() / 2;
    EXPECT_TRUE(threshold_reached(Money{huge}, Money{huge}, 100));
    EXPECT_FALSE(threshold_reached(Money{huge - 1}, Money{huge}, 100));
    // Nothing allocated: reached once anything is used, never before.
    EXPECT_FALSE(threshold_reached(Money{0}, Money{0}, 50));
    EXPECT_TRUE(threshold_reached(Money{1}, Money{0}, 1000));
}

TEST(AlertRule, BasisDecidesWhatIsUsed) {
    EXPECT_EQ(alert_used(AlertBasis::kSpent, Money{5}, Money{7}).micro, 5);
    EXPECT_EQ(alert_used(AlertBasis::kCommitted, Money{5}, Money{7}).micro, 12);
    EXPECT_EQ(*parse_alert_basis("spent"), AlertBasis::kSpent);
    EXPECT_FALSE(parse_alert_basis("Spent").ok());  // config folds case first
}

TEST(AlertRule, ThresholdsAreSortedAndChecked) {
    EXPECT_EQ(*parse_alert_thresholds("100,50,80"), (std::vector<int>{50, 80, 100}));
    EXPECT_EQ(format_alert_thresholds({50, 80, 100}), "50,80,100");
    EXPECT_FALSE(parse_alert_thresholds(" 50").ok());
    EXPECT_FALSE(parse_alert_thresholds("+50").ok());
}

TEST(AlertRule, SubjectAndBodySayWhatHappened) {
    AlertFacts facts;
    facts.alert_id = 7;
    facts.account = "proj001";
    facts.cluster = "lab";
    facts.budget_id = 3;
    facts.threshold_pct = 80;
    facts.basis = AlertBasis::kCommitted;
    facts.allocated = Money{1000 * kDollar};
    facts.spent = Money{600 * kDollar};
    facts.held = Money{212'500'000};
    EXPECT_EQ(alert_subject(facts),
              "asbb: proj001 on lab has committed 81.25% of its budget (threshold 80%)");
    facts.cluster.clear();
    facts.basis = AlertBasis::kSpent;
    EXPECT_EQ(alert_subject(facts), "asbb: proj001 has spent 60.00% of its budget (threshold 80%)");
    const std::string body = alert_mail_body(facts, "2026-01-01 to 2026-12-31");
    EXPECT_NE(body.find("  Cluster:    all\n  Period:     2026-01-01 to 2026-12-31\n"
                        "  Allocated:  1000.00\n  Spent:      600.00\n"),
              std::string::npos)
        << body;
    EXPECT_NE(body.find("  Available:  187.50\n"), std::string::npos) << body;
    EXPECT_NE(body.find("(asbb alert 7, budget 3)"), std::string::npos) << body;
}

}  // namespace
}  // namespace asbb
