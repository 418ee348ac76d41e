#include "submit/refusal.hpp"

#include "core/rejection.hpp"
#include "util/local_time.hpp"

namespace asbb::submit {

std::string refusal_message(const db::HoldResult& result, const HoldSize& size,
                            int64_t hold_factor_ppm, const std::string& partition) {
    const Shortfall& s = *result.shortfall;
    const std::string period = format_period(s.period_start, s.period_end);
    if (result.outcome == db::HoldOutcome::kNoActivePeriod) {
        return no_active_period_message(s.account, period);
    }
    const ShortfallText text{s.kind, s.account, partition, period, s.available};
    return insufficient_funds_message(size.hold, size.estimate, hold_factor_ppm, text);
}

std::string no_rate_message(const std::string& partition) {
    return "asbb: partition " + partition +
           " is budgeted but has no rate; ask your admin to run asbb rates set --partition=" +
           partition;
}

}  // namespace asbb::submit
