#include "db/spot_prices.hpp"

namespace asbb::db {

Expected<SpotRecordResult> record_spot_prices(Session& session,
                                              const std::vector<SpotPrice>& prices, int64_t now_s) {
    SpotRecordResult result;
    for (const auto& p : prices) {
        // A duplicate key changes nothing (0 rows), so it is then compared.
        if (session.exec(
                "INSERT INTO spot_price (instance_type, availability_zone, changed_at,"
                " price_micro, imported_at) VALUES (?, ?, ?, ?, ?)"
                " ON DUPLICATE KEY UPDATE imported_at = imported_at",
                {p.instance_type, p.availability_zone, p.changed_at_s, p.price.micro, now_s}) > 0) {
            ++result.added;
            continue;
        }
        const auto stored = session.query(
            "SELECT price_micro FROM spot_price"
            " WHERE instance_type = ? AND availability_zone = ? AND changed_at = ?",
            {p.instance_type, p.availability_zone, p.changed_at_s});
        if (stored.empty() || stored[0].i64(0) != p.price.micro) {
            return make_error(
                "the Spot price of " + p.instance_type + " in " + p.availability_zone + " at " +
                std::to_string(p.changed_at_s) + " is " + format_money_exact(p.price) +
                " here but was imported as " +
                (stored.empty() ? "nothing" : format_money_exact(Money{stored[0].i64(0)})));
        }
        ++result.already;
    }
    return result;
}

std::optional<Money> highest_spot_price(Session& session, const std::string& instance_type,
                                        int64_t from_s, int64_t to_s) {
    const auto rows = session.query(
        "SELECT MAX(p.price_micro) FROM spot_price p WHERE p.instance_type = ?"
        " AND (p.changed_at BETWEEN ? AND ?"
        "      OR p.changed_at = (SELECT MAX(q.changed_at) FROM spot_price q"
        "                         WHERE q.instance_type = p.instance_type"
        "                           AND q.availability_zone = p.availability_zone"
        "                           AND q.changed_at < ?))",
        {instance_type, from_s, to_s, from_s});
    if (rows.empty()) return std::nullopt;
    const auto highest = rows[0].opt_i64(0);
    if (!highest) return std::nullopt;
    return Money{*highest};
}

}  // namespace asbb::db
