// The levels a hold counts against: what they are, what to answer when they
// cannot take money, and the locked view of an open hold.
#include "db/ledger_detail.hpp"

namespace asbb::db::detail {

bool is_reserve_short(const DbError& error) {
    return error.code() == kReserveShortErrno;
}

namespace {

std::string joined(const std::vector<int64_t>& ids) {
    std::string text;
    for (int64_t id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
    return text;
}

std::string hold_reason(const JobShape& shape, const std::string& origin) {
    std::string reason = std::string(kHoldReasonPrefix) + std::to_string(shape.nodes) +
                         " node(s), " + std::to_string(shape.time_limit_s) + " s, " +
                         std::to_string(shape.array_tasks) + " task(s)";
    if (!origin.empty()) reason += " (" + origin + ")";
    return reason;
}

}  // namespace

LevelLists level_lists(const std::vector<HoldLevel>& levels) {
    LevelLists lists;
    for (const HoldLevel& level : levels) {
        lists.levels += (lists.levels.empty() ? "" : ",") + std::to_string(level.budget_id) + ":" +
                        std::to_string(level.partition_limit_id.value_or(0));
    }
    const LockOrder order = lock_order(levels);
    lists.budget_ids = joined(order.budget_ids);
    lists.limit_ids = joined(order.limit_ids);
    return lists;
}

LevelLists level_lists(const std::vector<PlannedLevel>& levels) {
    std::vector<HoldLevel> ids;
    ids.reserve(levels.size());
    for (const PlannedLevel& level : levels) ids.push_back({level.budget_id, level.limit_id});
    return level_lists(ids);
}

Params insert_hold_params(const HoldRequest& request, const std::vector<PlannedLevel>& levels) {
    LevelLists lists = level_lists(levels);
    return {request.id.hex(),
            request.cluster,
            request.account,
            request.partition,
            request.user_name,
            request.uid ? Param{int64_t{*request.uid}} : Param{nullptr},
            request.shape.nodes,
            request.shape.time_limit_s,
            request.shape.array_tasks,
            request.node_hour_price.micro,
            request.hold_factor_ppm,
            request.size.estimate.micro,
            request.size.hold.micro,
            request.now_s,
            request.actor,
            hold_reason(request.shape, request.shape_origin),
            std::move(lists.levels),
            std::move(lists.budget_ids),
            std::move(lists.limit_ids)};
}

HoldResult refusal_result(const std::vector<PlannedLevel>& levels,
                          const std::vector<LevelFunds>& funds, Money amount,
                          const std::string& partition) {
    const int count = static_cast<int>(levels.size());
    if (auto refusal = blame_level(levels, funds, amount, partition)) {
        return {
            refusal->no_active_period ? HoldOutcome::kNoActivePeriod : HoldOutcome::kInsufficient,
            refusal->shortfall, count};
    }
    // Funds were freed between the refusal and this look.
    const PlannedLevel& first = levels.front();
    const Money available = funds.empty() ? Money{0} : funds.front().budget_available;
    return {
        HoldOutcome::kInsufficient,
        Shortfall{first.kind, first.account, "", available, first.period_start, first.period_end},
        count};
}

std::vector<PlannedLevel> levels_of_hold(Session& session, const std::string& hold_id) {
    // The first level is the account's own budget only when it has one: a
    // hold of an unbudgeted account starts at an ancestor, and a refusal
    // must call it that, as placing the hold did.
    auto rows = session.query(
        "SELECT l.budget_id, b.account, b.period_start, b.period_end, l.partition_limit_id,"
        " b.account = h.account FROM hold_level l JOIN budget b ON b.id = l.budget_id"
        " JOIN hold h ON h.id = l.hold_id WHERE l.hold_id = ? ORDER BY l.level_no",
        {hold_id});
    std::vector<PlannedLevel> levels;
    for (const Row& r : rows) {
        levels.push_back({r.i64(0), r.str(1),
                          r.i64(5) != 0 ? LevelKind::kAccount : LevelKind::kAncestor, r.i64(2),
                          r.i64(3), r.opt_i64(4)});
    }
    return levels;
}

std::optional<OpenHold> lock_hold(Session& session, const std::string& hold_id) {
    auto rows = session.query(
        "SELECT state, held_micro, partition_name, user_name, job_id, cluster FROM hold"
        " WHERE id = ? FOR UPDATE",
        {hold_id});
    if (rows.empty()) return std::nullopt;
    OpenHold hold{rows[0].str(0), rows[0].i64(1),     rows[0].str(2),
                  rows[0].str(3), rows[0].opt_i64(4), load_hold_levels(session, hold_id),
                  rows[0].str(5)};
    return hold;
}

bool is_open(const OpenHold& hold) {
    return hold.state == "pending" || hold.state == "linked";
}

JournalEntry hold_entry(const OpenHold& hold, const std::string& hold_id, std::string kind,
                        int64_t now_s) {
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = std::move(kind);
    entry.budget_id = hold.levels.front().budget_id;
    entry.hold_id = hold_id;
    entry.partition = hold.partition;
    entry.user_name = hold.user_name;
    entry.job_id = hold.job_id;
    return entry;
}

}  // namespace asbb::db::detail
