// Placing a hold: one CALL of asbb_place_hold_ids on levels core::plan_hold
// chose, and the read-only check that estimates use.
#include "db/ledger_detail.hpp"
#include "db/ledger_view.hpp"

namespace asbb::db {

using detail::insert_hold_params;
using detail::refusal_result;

namespace {

constexpr const char* kPlaceHold =
    "CALL asbb_place_hold_ids(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// asbb_place_hold_ids's answer (see sql/010_hold_path_ids.sql for its rows).
HoldResult answer_of(const std::vector<Row>& rows, const HoldRequest& request,
                     const std::vector<PlannedLevel>& levels) {
    if (rows.empty()) throw DbError(DbErrorKind::kOther, 0, "asbb_place_hold_ids answered nothing");
    const std::string& outcome = rows[0].str(0);
    const int count = static_cast<int>(levels.size());
    if (outcome == "placed") return {HoldOutcome::kPlaced, std::nullopt, count};
    if (outcome == "stale") return {HoldOutcome::kStale, std::nullopt, 0};
    if (outcome == "exists") {
        const bool same =
            rows[0].str(2) == request.account && rows[0].i64(3) == request.size.hold.micro;
        return {same ? HoldOutcome::kAlreadyPlaced : HoldOutcome::kIdConflict, std::nullopt, 0};
    }
    if (outcome != "short" || rows.size() != levels.size()) {
        throw DbError(DbErrorKind::kOther, 0, "asbb_place_hold_ids answered '" + outcome + "'");
    }
    std::vector<LevelFunds> funds;
    for (const Row& row : rows) {
        LevelFunds level;
        level.budget_available = Money{row.i64(2)};
        level.in_period = row.i64(3) != 0;
        if (!row.is_null(4)) level.limit_available = Money{row.i64(4)};
        funds.push_back(level);
    }
    return refusal_result(levels, funds, request.size.hold, request.partition);
}

}  // namespace

HoldResult place_planned_hold(Session& session, const HoldRequest& request,
                              const std::vector<PlannedLevel>& levels, uint64_t generation) {
    if (levels.empty()) return {HoldOutcome::kNotBudgeted, std::nullopt, 0};
    Params params;
    params.reserve(20);
    params.emplace_back(Unsigned{generation});
    for (Param& param : insert_hold_params(request, levels)) params.push_back(std::move(param));
    for (int attempt = 0;; ++attempt) {
        try {
            return answer_of(session.query(kPlaceHold, params), request, levels);
        } catch (const DbError& e) {
            // The procedure rolls back what it began, unless the server cut
            // it short (max_statement_time): roll back here as well.
            try_rollback(session);
            // Same hold id every time: a retry never places it twice.
            if (e.kind() != DbErrorKind::kDeadlock ||
                !backoff_for_retry(session, e, attempt, kDeadlockRetries)) {
                throw;
            }
        }
    }
}

HoldResult plan_verdict(const HoldPlan& plan) {
    switch (plan.outcome) {
        case PlanOutcome::kUnknownAccount:
            return {HoldOutcome::kUnknownAccount, std::nullopt, 0};
        case PlanOutcome::kNoActivePeriod:
            return {HoldOutcome::kNoActivePeriod, plan.shortfall, 0};
        case PlanOutcome::kHold:
            return {HoldOutcome::kPlaced, std::nullopt, static_cast<int>(plan.levels.size())};
        case PlanOutcome::kPartitionNotBudgeted:
        case PlanOutcome::kNoRate:
        case PlanOutcome::kBadShape:
        case PlanOutcome::kAccountNotBudgeted:
            break;
    }
    return {HoldOutcome::kNotBudgeted, std::nullopt, 0};
}

HoldResult place_hold(Session& session, const SlurmDbName& slurm, const HoldRequest& request) {
    // The levels may change between planning and placing (an admin adds a
    // budget); the procedure then says so and nothing is written.
    for (int attempt = 0; attempt < 3; ++attempt) {
        const uint64_t generation = read_ledger_generation(session);
        DbLedgerView view(session, slurm, request.cluster);
        const HoldPlan plan = plan_levels(request.account, request.partition, request.now_s, view);
        if (plan.outcome != PlanOutcome::kHold) return plan_verdict(plan);
        HoldResult placed = place_planned_hold(session, request, plan.levels, generation);
        if (placed.outcome != HoldOutcome::kStale) return placed;
    }
    throw DbError(DbErrorKind::kDeadlock, 0, "the budgets kept changing while a hold was placed");
}

HoldResult check_levels(Session& session, const std::vector<PlannedLevel>& levels, Money amount,
                        const std::string& partition, int64_t now_s) {
    if (levels.empty()) return {HoldOutcome::kNotBudgeted, std::nullopt, 0};
    const std::vector<LevelFunds> funds = read_level_funds(session, levels, now_s);
    const int count = static_cast<int>(levels.size());
    // A hold of nothing fits anywhere in its period, even on an overrun budget.
    auto refusal = blame_level(levels, funds, amount, partition);
    if (refusal && (refusal->no_active_period || amount.micro > 0)) {
        return {
            refusal->no_active_period ? HoldOutcome::kNoActivePeriod : HoldOutcome::kInsufficient,
            refusal->shortfall, count};
    }
    return {HoldOutcome::kPlaced, std::nullopt, static_cast<int>(levels.size())};
}

}  // namespace asbb::db
