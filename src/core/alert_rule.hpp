// Threshold alerts (AlertThresholds): which thresholds a budget's use has
// reached, and the words of the alert. Pure: the poller stores, mails and
// posts what this decides.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/money.hpp"

namespace asbb {

// What counts as "used": spent alone, or spent + held. Committed is the
// default because it is what refuses jobs: a budget at 95% committed turns
// jobs away soon even if little is spent yet.
enum class AlertBasis { kSpent, kCommitted };

std::string_view alert_basis_name(AlertBasis basis);
Expected<AlertBasis> parse_alert_basis(std::string_view text);

// "50,80,90,100": percents from 1 to 1000 (above 100 warns of an overrun),
// each once; returned in ascending order.
Expected<std::vector<int>> parse_alert_thresholds(std::string_view text);
std::string format_alert_thresholds(const std::vector<int>& thresholds_pct);

Money alert_used(AlertBasis basis, Money spent, Money held);

// used / allocated >= threshold / 100, exactly. A budget with nothing
// allocated has reached every threshold once anything is used.
bool threshold_reached(Money used, Money allocated, int threshold_pct);

// What one alert says (the mail, the webhook and the listing).
struct AlertFacts {
    int64_t alert_id = 0;
    std::string account;
    std::string cluster;  // "" for a budget on every cluster
    int64_t budget_id = 0;
    int64_t period_start_s = 0;
    int64_t period_end_s = 0;
    int threshold_pct = 0;
    AlertBasis basis = AlertBasis::kCommitted;
    Money allocated;
    Money spent;
    Money held;
    int64_t fired_at_s = 0;
};

// "asbb: proj001 has used 81.25% of its budget (threshold 80%)"
std::string alert_subject(const AlertFacts& facts);
// The mail's body; dates are given as the caller formats them.
std::string alert_mail_body(const AlertFacts& facts, const std::string& period_text);

}  // namespace asbb
