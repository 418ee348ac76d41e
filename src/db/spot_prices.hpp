// Spot price history (asbb rates import --spot-history): the price changes of
// each instance type in each availability zone, as AWS lists them, and the
// highest price over a window, which a Spot partition's rate is set to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "core/money.hpp"
#include "db/session.hpp"

namespace asbb::db {

struct SpotPrice {
    std::string instance_type;
    std::string availability_zone;
    int64_t changed_at_s = 0;  // the price holds from then until the zone's next change
    Money price;               // per hour
};

struct SpotRecordResult {
    size_t added = 0;    // changes not stored before
    size_t already = 0;  // the same change, stored by an earlier import
};

// Stores the changes not stored yet, in the caller's transaction. A change
// stored before with another price (an edited file, or two that disagree)
// is an error naming it, after which the caller rolls back: which one is
// right cannot be told.
Expected<SpotRecordResult> record_spot_prices(Session& session,
                                              const std::vector<SpotPrice>& prices, int64_t now_s);

// The highest price of instance_type in any zone from from_s to to_s,
// counting the price each zone had at from_s (its last change before it).
std::optional<Money> highest_spot_price(Session& session, const std::string& instance_type,
                                        int64_t from_s, int64_t to_s);

}  // namespace asbb::db
