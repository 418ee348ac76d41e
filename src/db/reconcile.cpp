#include "db/reconcile.hpp"

#include "db/ledger_detail.hpp"

namespace asbb::db {

std::optional<ChargeResult> charge_open_hold(Session& session, const ChargeRequest& request) {
    auto hold = detail::lock_hold(session, request.hold_id);
    if (!hold || !detail::is_open(*hold)) return std::nullopt;
    return charge_hold(session, request);
}

}  // namespace asbb::db
