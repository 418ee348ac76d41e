// The rate card: what one node of a budgeted partition costs per hour, per
// cluster (or for every cluster: cluster = ''). A partition without a rate is
// not budgeted and its jobs pass the plugin without a database call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "core/hold_plan.hpp"
#include "core/money.hpp"
#include "db/session.hpp"

namespace asbb::db {

// How the partition's instances are bought. A Spot rate's price is set from
// Spot price history (asbb rates import --spot-history), not the Price List.
enum class RateMarket { kOnDemand, kSpot };
const char* market_name(RateMarket market);  // "on-demand", "spot"

struct Rate {
    std::string cluster;  // '' = every cluster
    std::string partition;
    std::string instance_type;
    Money node_hour_price;
    std::optional<int64_t> default_time_limit_s;
    int64_t updated_at = 0;
    std::optional<int64_t> cpus_per_node;  // of the instance type; sizes -n without -N
    std::optional<int64_t> gpus_per_node =
        std::nullopt;  // of the instance type; sizes --gpus without -N
    RateMarket market = RateMarket::kOnDemand;
};

// Inserts or replaces the rate of (cluster, partition).
void set_rate(Session& session, const Rate& rate, const std::string& actor, int64_t now_s);

// Sets only the price of (cluster, partition), and only while its instance
// type is still instance_type: an import does not overwrite a `rates set`
// that changed the partition in between. False when no such rate.
bool set_rate_price(Session& session, const std::string& cluster, const std::string& partition,
                    const std::string& instance_type, Money node_hour_price,
                    const std::string& actor, int64_t now_s);

// Removes a rate: the partition is no longer budgeted. False when none.
bool delete_rate(Session& session, const std::string& cluster, const std::string& partition);

// All rates, ordered by cluster then partition.
std::vector<Rate> list_rates(Session& session);

// The rate that applies to a partition on a cluster: the cluster's own one,
// else the all-clusters one, else none.
std::optional<Rate> find_rate(Session& session, const std::string& cluster,
                              const std::string& partition);

// What a hold needs of a rate.
PartitionRate partition_rate(const Rate& rate);

}  // namespace asbb::db
