// Charges, releases, expiries, deposits, withdrawals and adjustments.
#include <algorithm>

#include "db/alerts.hpp"
#include "db/ledger_detail.hpp"

namespace asbb::db {

using detail::hold_entry;
using detail::is_open;
using detail::lock_hold;

namespace detail {

JournalEntry charge_entry(const OpenHold& hold, const ChargeRequest& request,
                          int64_t from_hold_micro) {
    JournalEntry charge = hold_entry(hold, request.hold_id, "charge", request.now_s);
    charge.amount_micro = request.actual.micro;
    charge.held_delta_micro = -from_hold_micro;
    charge.spent_delta_micro = request.actual.micro;
    charge.cluster = request.cluster;
    charge.job_db_inx = request.job_db_inx;
    charge.actor = request.actor;
    charge.reason = request.reason;
    const int64_t overrun_micro = request.actual.micro - from_hold_micro;
    if (overrun_micro > 0) {
        // Kept within the column: the overrun note is the part that must
        // survive, so the caller's text gives way (bytes are never fewer than
        // characters, and the cut backs up to a UTF-8 character's start).
        const std::string note =
            "overrun: " + format_money_exact(Money{overrun_micro}) + " beyond its hold";
        size_t room = kMaxReasonChars - note.size() - 2;
        if (charge.reason.size() > room) {
            while (room > 0 && (static_cast<unsigned char>(charge.reason[room]) & 0xC0) == 0x80) {
                --room;
            }
            charge.reason.resize(room);
        }
        charge.reason = charge.reason.empty() ? note : charge.reason + "; " + note;
    }
    return charge;
}

}  // namespace detail

ChargeResult charge_hold(Session& session, const ChargeRequest& request) {
    auto hold = lock_hold(session, request.hold_id);
    if (!hold) return {ChargeOutcome::kUnknownHold, {}, {}, {}};
    // Money a job spent is recorded even when its hold has already ended
    // (expired, released, or closed before a late row arrived): it is charged
    // in full as an overrun, since nothing is held for it any more.
    const bool open = is_open(*hold);
    if (request.job_id) hold->job_id = request.job_id;

    const int64_t from_hold =
        open ? std::clamp<int64_t>(request.actual.micro, 0, hold->held_micro) : 0;
    JournalEntry charge = detail::charge_entry(*hold, request, from_hold);
    try {
        // The journal row goes first: its unique (cluster, job_db_inx) key is
        // what makes a second charge of the same job run a no-op.
        insert_journal(session, charge);
    } catch (const DbError& e) {
        if (e.kind() == DbErrorKind::kDuplicateKey)
            return {ChargeOutcome::kAlreadyCharged, {}, {}, {}};
        throw;
    }
    apply_level_deltas(session, hold->levels, -from_hold, request.actual.micro, request.now_s);

    ChargeResult result{open ? ChargeOutcome::kCharged : ChargeOutcome::kChargedAfterClose,
                        request.actual, Money{0}, Money{request.actual.micro - from_hold}};
    int64_t still_held = hold->held_micro - from_hold;
    if (open && request.final_charge && still_held > 0) {
        JournalEntry release = hold_entry(*hold, request.hold_id, "release", request.now_s);
        release.amount_micro = still_held;
        release.held_delta_micro = -still_held;
        release.cluster = request.cluster;
        release.actor = request.actor;
        release.reason = "rest of hold after final charge";
        insert_journal(session, release);
        apply_level_deltas(session, hold->levels, -still_held, 0, request.now_s);
        result.released = Money{still_held};
        still_held = 0;
    }
    session.exec(
        "UPDATE hold SET held_micro = ?, charged_micro = charged_micro + ?, job_id = ?,"
        " state = IF(?, 'charged', state), updated_at = ? WHERE id = ?",
        {still_held, request.actual.micro, optional_param(hold->job_id),
         int64_t{open && request.final_charge ? 1 : 0}, request.now_s, request.hold_id});
    return result;
}

ReleaseResult release_hold(Session& session, const std::string& hold_id, ReleaseKind kind,
                           const std::string& reason, const std::string& actor, int64_t now_s) {
    auto hold = lock_hold(session, hold_id);
    if (!hold || !is_open(*hold)) return {false, {}};
    const char* kind_text = kind == ReleaseKind::kExpire ? "expire" : "release";
    JournalEntry entry = hold_entry(*hold, hold_id, kind_text, now_s);
    entry.amount_micro = hold->held_micro;
    entry.held_delta_micro = -hold->held_micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    apply_level_deltas(session, hold->levels, -hold->held_micro, 0, now_s);
    const char* state = kind == ReleaseKind::kExpire  ? "expired"
                        : kind == ReleaseKind::kClose ? "charged"
                                                      : "released";
    session.exec("UPDATE hold SET held_micro = 0, state = ?, updated_at = ? WHERE id = ?",
                 {std::string(state), now_s, hold_id});
    return {true, Money{hold->held_micro}};
}

void deposit(Session& session, int64_t budget_id, Money amount, const std::string& reason,
             const std::string& actor, int64_t now_s) {
    session.exec(
        "UPDATE budget SET allocated_micro = allocated_micro + ?, updated_at = ? WHERE id = ?",
        {amount.micro, now_s, budget_id});
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = "deposit";
    entry.budget_id = budget_id;
    entry.amount_micro = amount.micro;
    entry.allocated_delta_micro = amount.micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    rearm_alerts(session, budget_id, now_s);
}

Expected<Money> withdraw(Session& session, int64_t budget_id, Money amount,
                         const std::string& reason, const std::string& actor, int64_t now_s) {
    uint64_t changed = session.exec(
        "UPDATE budget SET allocated_micro = allocated_micro - ?, updated_at = ? WHERE id = ?"
        " AND allocated_micro - spent_micro - held_micro >= ?",
        {amount.micro, now_s, budget_id, amount.micro});
    if (changed != 1) {
        auto rows = session.query(
            "SELECT allocated_micro - spent_micro - held_micro FROM budget WHERE id = ?",
            {budget_id});
        Money available{rows.empty() ? 0 : rows[0].i64(0)};
        return make_error("cannot withdraw " + format_money_exact(amount) + ": only " +
                          format_money_exact(available) + " is available");
    }
    JournalEntry entry;
    entry.now_s = now_s;
    entry.kind = "withdraw";
    entry.budget_id = budget_id;
    entry.amount_micro = amount.micro;
    entry.allocated_delta_micro = -amount.micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    return amount;
}

bool adjust_spent(Session& session, const std::string& hold_id, Money delta,
                  const std::string& reason, const std::string& actor, int64_t now_s,
                  SpentCorrection kind) {
    auto hold = lock_hold(session, hold_id);
    if (!hold || hold->levels.empty()) return false;
    JournalEntry entry =
        hold_entry(*hold, hold_id, kind == SpentCorrection::kTrueUp ? "true_up" : "adjust", now_s);
    // A correction of a job's charge names the job's cluster, as its charge does.
    entry.cluster = hold->cluster;
    entry.amount_micro = delta.micro;
    entry.spent_delta_micro = delta.micro;
    entry.actor = actor;
    entry.reason = reason;
    insert_journal(session, entry);
    apply_level_deltas(session, hold->levels, 0, delta.micro, now_s);
    session.exec("UPDATE hold SET charged_micro = charged_micro + ?, updated_at = ? WHERE id = ?",
                 {delta.micro, now_s, hold_id});
    return true;
}

}  // namespace asbb::db
