#include "core/alert_rule.hpp"

#include <algorithm>

#include "core/budget_health.hpp"
#include "core/split.hpp"

namespace asbb {

std::string_view alert_basis_name(AlertBasis basis) {
    return basis == AlertBasis::kSpent ? "spent" : "committed";
}

Expected<AlertBasis> parse_alert_basis(std::string_view text) {
    if (text == "spent") return AlertBasis::kSpent;
    if (text == "committed") return AlertBasis::kCommitted;
    return make_error("must be spent or committed (spent + held), got '" + std::string(text) + "'");
}

Expected<std::vector<int>> parse_alert_thresholds(std::string_view text) {
    std::vector<int> thresholds;
    for (std::string_view item : split_on(text)) {
        int value = 0;
        bool digits = !item.empty() && item.size() <= 4;
        for (char c : item) digits = digits && c >= '0' && c <= '9';
        if (digits) {
            for (char c : item) value = value * 10 + (c - '0');
        }
        if (!digits || value < 1 || value > 1000) {
            return make_error("each threshold must be a whole percent from 1 to 1000, got '" +
                              std::string(item) + "'");
        }
        if (std::find(thresholds.begin(), thresholds.end(), value) != thresholds.end()) {
            return make_error("threshold " + std::to_string(value) + " is given twice");
        }
        thresholds.push_back(value);
    }
    if (thresholds.empty()) return make_error("give at least one threshold, e.g. 50,80,90,100");
    std::sort(thresholds.begin(), thresholds.end());
    return thresholds;
}

std::string format_alert_thresholds(const std::vector<int>& thresholds_pct) {
    std::string text;
    for (int pct : thresholds_pct) text += (text.empty() ? "" : ",") + std::to_string(pct);
    return text;
}

Money alert_used(AlertBasis basis, Money spent, Money held) {
    return basis == AlertBasis::kSpent ? spent : Money{spent.micro + held.micro};
}

bool threshold_reached(Money used, Money allocated, int threshold_pct) {
    if (allocated.micro <= 0) return used.micro > 0;
    // 128 bits: a budget near the int64 limit times 100 does not overflow.
    return static_cast<__int128>(used.micro) * 100 >=
           static_cast<__int128>(allocated.micro) * threshold_pct;
}

std::string alert_subject(const AlertFacts& facts) {
    const Money used = alert_used(facts.basis, facts.spent, facts.held);
    const std::string verb = facts.basis == AlertBasis::kSpent ? "spent" : "committed";
    return "asbb: " + facts.account + (facts.cluster.empty() ? "" : " on " + facts.cluster) +
           " has " + verb + " " + percent_hundredths_text(used, facts.allocated) +
           "% of its budget (threshold " + std::to_string(facts.threshold_pct) + "%)";
}

std::string alert_mail_body(const AlertFacts& facts, const std::string& period_text) {
    const Money available{facts.allocated.micro - facts.spent.micro - facts.held.micro};
    std::string body;
    body += "The budget of account " + facts.account + " has reached its " +
            std::to_string(facts.threshold_pct) + "% alert threshold.\n\n";
    body += "  Cluster:    " + (facts.cluster.empty() ? std::string("all") : facts.cluster) + "\n";
    body += "  Period:     " + period_text + "\n";
    body += "  Allocated:  " + format_money_exact(facts.allocated) + "\n";
    body += "  Spent:      " + format_money_exact(facts.spent) + "\n";
    body += "  Held:       " + format_money_exact(facts.held) + " (for jobs queued or running)\n";
    body += "  Available:  " + format_money_exact(available) + "\n";
    body += "  Compared:   " +
            std::string(facts.basis == AlertBasis::kSpent ? "spent" : "spent + held") +
            " with the allocation\n\n";
    body +=
        "Jobs that would take the budget past its allocation are refused at\n"
        "submission. Details: asbb account show " +
        facts.account +
        "\n"
        "This threshold alerts once per period; a deposit that brings the budget\n"
        "back below it re-arms it. (asbb alert " +
        std::to_string(facts.alert_id) + ", budget " + std::to_string(facts.budget_id) + ")\n";
    return body;
}

}  // namespace asbb
