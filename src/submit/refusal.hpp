// The one line a user reads when a hold does not fit: the plugin's sbatch
// refusal, `asbb estimate` and /budget/check say it in the same words.
#pragma once

#include <cstdint>
#include <string>

#include "core/hold_sizing.hpp"
#include "db/ledger.hpp"

namespace asbb::submit {

// For a result of kNoActivePeriod or kInsufficient that carries a shortfall.
std::string refusal_message(const db::HoldResult& result, const HoldSize& size,
                            int64_t hold_factor_ppm, const std::string& partition);

// "asbb: partition P is budgeted but has no rate; ..."
std::string no_rate_message(const std::string& partition);

}  // namespace asbb::submit
