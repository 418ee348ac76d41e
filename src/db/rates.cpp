#include "db/rates.hpp"

namespace asbb::db {

namespace {

constexpr const char* kRateColumns =
    "cluster, partition_name, instance_type, node_hour_price_micro, default_time_limit_s,"
    " updated_at, cpus_per_node, gpus_per_node, market";

Rate rate_from_row(const Row& row) {
    Rate rate{row.str(0),     row.str(1), row.str(2),     Money{row.i64(3)},
              row.opt_i64(4), row.i64(5), row.opt_i64(6), row.opt_i64(7)};
    rate.market = row.str(8) == "spot" ? RateMarket::kSpot : RateMarket::kOnDemand;
    return rate;
}

}  // namespace

const char* market_name(RateMarket market) {
    return market == RateMarket::kSpot ? "spot" : "on-demand";
}

void set_rate(Session& session, const Rate& rate, const std::string& actor, int64_t now_s) {
    Param default_time = nullptr;
    if (rate.default_time_limit_s) default_time = *rate.default_time_limit_s;
    Param cpus = nullptr;
    if (rate.cpus_per_node) cpus = *rate.cpus_per_node;
    Param gpus = nullptr;
    if (rate.gpus_per_node) gpus = *rate.gpus_per_node;
    session.exec(
        "INSERT INTO rate (cluster, partition_name, instance_type, node_hour_price_micro,"
        " default_time_limit_s, updated_at, actor, cpus_per_node, gpus_per_node, market)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON DUPLICATE KEY UPDATE instance_type = VALUES(instance_type),"
        " node_hour_price_micro = VALUES(node_hour_price_micro),"
        " default_time_limit_s = VALUES(default_time_limit_s), updated_at = VALUES(updated_at),"
        " actor = VALUES(actor), cpus_per_node = VALUES(cpus_per_node),"
        " gpus_per_node = VALUES(gpus_per_node), market = VALUES(market)",
        {rate.cluster, rate.partition, rate.instance_type, rate.node_hour_price.micro, default_time,
         now_s, actor, cpus, gpus, std::string(market_name(rate.market))});
}

bool set_rate_price(Session& session, const std::string& cluster, const std::string& partition,
                    const std::string& instance_type, Money node_hour_price,
                    const std::string& actor, int64_t now_s) {
    // Matched rows, not changed ones (CLIENT_FOUND_ROWS is not set): count
    // them with a SELECT so that an unchanged price still reads as found.
    const auto found = session.query(
        "SELECT 1 FROM rate WHERE cluster = ? AND partition_name = ? AND instance_type = ?"
        " FOR UPDATE",
        {cluster, partition, instance_type});
    if (found.empty()) return false;
    session.exec(
        "UPDATE rate SET node_hour_price_micro = ?, updated_at = ?, actor = ?"
        " WHERE cluster = ? AND partition_name = ? AND instance_type = ?",
        {node_hour_price.micro, now_s, actor, cluster, partition, instance_type});
    return true;
}

bool delete_rate(Session& session, const std::string& cluster, const std::string& partition) {
    return session.exec("DELETE FROM rate WHERE cluster = ? AND partition_name = ?",
                        {cluster, partition}) > 0;
}

std::vector<Rate> list_rates(Session& session) {
    std::vector<Rate> rates;
    for (const auto& row : session.query(std::string("SELECT ") + kRateColumns +
                                         " FROM rate ORDER BY cluster, partition_name")) {
        rates.push_back(rate_from_row(row));
    }
    return rates;
}

std::optional<Rate> find_rate(Session& session, const std::string& cluster,
                              const std::string& partition) {
    // `cluster = ''` is 0 for the cluster's own row, so that row comes first.
    auto rows = session.query(std::string("SELECT ") + kRateColumns +
                                  " FROM rate WHERE partition_name = ? AND cluster IN (?, '')"
                                  " ORDER BY cluster = '' LIMIT 1",
                              {partition, cluster});
    if (rows.empty()) return std::nullopt;
    return rate_from_row(rows[0]);
}

PartitionRate partition_rate(const Rate& rate) {
    return {rate.node_hour_price, rate.cpus_per_node, rate.default_time_limit_s,
            rate.gpus_per_node};
}

}  // namespace asbb::db
