// Charging a hold once from outside the poller (the service's POST
// /api/v1/budget/reconcile): the hold is locked first, so two reconciles of
// the same hold cannot both charge it; a closed hold is left alone.
#pragma once

#include <optional>

#include "db/ledger.hpp"

namespace asbb::db {

// Runs inside the caller's transaction. Nullopt: no such hold, or it is
// closed already (charged, released, expired).
std::optional<ChargeResult> charge_open_hold(Session& session, const ChargeRequest& request);

}  // namespace asbb::db
