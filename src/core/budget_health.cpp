#include "core/budget_health.hpp"

#include <algorithm>

namespace asbb {

namespace {

int64_t clamp_pct(int64_t value) {
    return std::clamp<int64_t>(value, 0, 100);
}

}  // namespace

BudgetHealth budget_health(const BudgetFigures& f, int64_t now_s) {
    BudgetHealth h;
    const int64_t duration = std::max<int64_t>(1, f.period_end - f.period_start);
    const int64_t elapsed = std::clamp<int64_t>(now_s - f.period_start, 0, duration);
    h.days_remaining = std::max<int64_t>(0, (f.period_end - now_s) / 86'400);
    const int64_t committed = f.spent.micro + f.held.micro;
    const int64_t available = f.allocated.micro - committed;
    int64_t available_pct = 0;
    int64_t committed_pct = 100;
    if (f.allocated.micro > 0) {
        available_pct =
            available <= 0 ? 0 : *mul_div_round_half_up(available, 100, 1, f.allocated.micro);
        committed_pct =
            committed <= 0
                ? 0
                : mul_div_round_half_up(committed, 100, 1, f.allocated.micro).value_or(100);
    }
    const int64_t elapsed_pct = *mul_div_round_half_up(elapsed, 100, 1, duration);
    const int64_t ahead = std::max<int64_t>(0, committed_pct - elapsed_pct);
    h.health_score = static_cast<int>(clamp_pct(available_pct - ahead / 2));
    h.risk_level = h.health_score >= 60 ? "low" : h.health_score >= 30 ? "medium" : "high";
    const int64_t elapsed_days_x = std::max<int64_t>(1, elapsed);
    h.burn_rate_per_day =
        Money{f.spent.micro <= 0
                  ? 0
                  : mul_div_round_half_up(f.spent.micro, 86'400, 1, elapsed_days_x).value_or(0)};
    return h;
}

std::string burst_decision(bool fits, int health_score) {
    if (!fits) return "PREFER_LOCAL";
    if (health_score >= 60) return "PREFER_AWS";
    if (health_score >= 30) return "EITHER";
    if (health_score >= 10) return "PREFER_LOCAL";
    return "EMERGENCY_ONLY";
}

std::string percent_hundredths_text(Money part, Money whole) {
    if (whole.micro <= 0 || part.micro <= 0) return "0";
    auto hundredths = mul_div_round_half_up(part.micro, 10'000, 1, whole.micro);
    if (!hundredths) return "0";
    std::string frac = std::to_string(*hundredths % 100);
    if (frac.size() < 2) frac.insert(0, 1, '0');
    return std::to_string(*hundredths / 100) + "." + frac;
}

}  // namespace asbb
