// Charging many job runs, and closing many holds, at once (the poller's
// batches): the same ledger changes as charge_hold / release_hold called once
// per item, in order, but with a fixed number of statements per few hundred
// items instead of about eight per item.
#include <algorithm>
#include <map>
#include <unordered_set>

#include "db/chunks.hpp"
#include "db/ledger_detail.hpp"

namespace asbb::db {

namespace {

using detail::OpenHold;

struct LevelDelta {
    int64_t held_micro = 0;
    int64_t spent_micro = 0;
};

// Locks the holds (in id order, as one statement per chunk does) and reads
// their levels; unknown ids are absent from the result.
std::map<std::string, OpenHold> lock_holds(Session& session, const std::vector<std::string>& ids) {
    std::map<std::string, OpenHold> holds;
    for_chunks(ids.size(), [&](size_t at, size_t size) {
        Params params(ids.begin() + static_cast<std::ptrdiff_t>(at),
                      ids.begin() + static_cast<std::ptrdiff_t>(at + size));
        for (const auto& row : session.query("SELECT id, state, held_micro, partition_name, "
                                             "user_name, job_id, cluster FROM hold"
                                             " WHERE id IN (" +
                                                 placeholders(size) + ") ORDER BY id FOR UPDATE",
                                             params)) {
            holds[row.str(0)] = OpenHold{row.str(1),     row.i64(2), row.str(3), row.str(4),
                                         row.opt_i64(5), {},         row.str(6)};
        }
        for (const auto& row :
             session.query("SELECT hold_id, budget_id, partition_limit_id FROM hold_level WHERE "
                           "hold_id IN (" +
                               placeholders(size) + ") ORDER BY hold_id, level_no",
                           params)) {
            holds[row.str(0)].levels.push_back({row.i64(1), row.opt_i64(2)});
        }
    });

    return holds;
}

void apply_deltas(Session& session, const std::map<int64_t, LevelDelta>& budget_deltas,
                  const std::map<int64_t, LevelDelta>& limit_deltas, int64_t now_s) {
    // Budgets, then limits, each by id descending (db::lock_order, the one
    // lock order): one statement per budget and per limit for the whole batch.
    for (auto it = budget_deltas.rbegin(); it != budget_deltas.rend(); ++it) {
        const auto& [id, delta] = *it;
        session.exec(
            "UPDATE budget SET held_micro = held_micro + ?, spent_micro = spent_micro + ?,"
            " updated_at = ? WHERE id = ?",
            {delta.held_micro, delta.spent_micro, now_s, id});
    }
    for (auto it = limit_deltas.rbegin(); it != limit_deltas.rend(); ++it) {
        const auto& [id, delta] = *it;
        session.exec(
            "UPDATE partition_limit SET held_micro = held_micro + ?, spent_micro = spent_micro + ?,"
            " updated_at = ? WHERE id = ?",
            {delta.held_micro, delta.spent_micro, now_s, id});
    }
}

void insert_journal_rows(Session& session, const std::vector<JournalEntry>& entries) {
    for_chunks(entries.size(), [&](size_t at, size_t size) {
        Params params;
        params.reserve(size * 15);
        for (size_t i = at; i < at + size; ++i) {
            const JournalEntry& e = entries[i];
            for (Param p :
                 {Param{e.now_s}, Param{e.kind}, Param{e.budget_id}, optional_param(e.hold_id),
                  Param{e.amount_micro}, Param{e.allocated_delta_micro}, Param{e.held_delta_micro},
                  Param{e.spent_delta_micro}, optional_param(e.cluster), optional_param(e.job_id),
                  optional_param(e.job_db_inx), optional_param(e.partition),
                  optional_param(e.user_name), Param{e.actor}, Param{e.reason}}) {
                params.push_back(std::move(p));
            }
        }
        session.exec(
            "INSERT INTO journal (created_at, kind, budget_id, hold_id, amount_micro,"
            " allocated_delta_micro, held_delta_micro, spent_delta_micro, cluster, job_id,"
            " job_db_inx, partition_name, user_name, actor, reason) VALUES " +
                placeholders(size, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            params);
    });
}

}  // namespace

std::vector<ChargeResult> charge_holds(Session& session,
                                       const std::vector<ChargeRequest>& requests) {
    std::vector<ChargeResult> results(requests.size());
    if (requests.empty()) return results;
    const bool batchable = std::all_of(requests.begin(), requests.end(), [&](const auto& r) {
        return !r.final_charge && r.job_db_inx && r.cluster == requests.front().cluster;
    });
    if (!batchable) {
        for (size_t i = 0; i < requests.size(); ++i) results[i] = charge_hold(session, requests[i]);
        return results;
    }
    const std::string& cluster = requests.front().cluster;
    const int64_t now_s = requests.front().now_s;

    // Lock every hold of the batch (in id order, as one statement does), then
    // read their levels.
    std::vector<std::string> ids;
    for (const auto& r : requests) ids.push_back(r.hold_id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::map<std::string, OpenHold> holds = lock_holds(session, ids);

    // Runs charged before. A locking read: it sees charges committed since
    // this transaction's snapshot (asbb reconcile may run beside the poller).
    std::unordered_set<int64_t> charged;
    for_chunks(requests.size(), [&](size_t at, size_t size) {
        Params params{cluster};
        for (size_t i = at; i < at + size; ++i) params.emplace_back(*requests[i].job_db_inx);
        for (const auto& row :
             session.query("SELECT job_db_inx FROM journal WHERE cluster = ? AND job_db_inx IN (" +
                               placeholders(size) + ") LOCK IN SHARE MODE",
                           params)) {
            charged.insert(row.i64(0));
        }
    });

    // Each charge in order, as charge_hold would make it.
    std::vector<JournalEntry> entries;
    std::map<int64_t, LevelDelta> budget_deltas;
    std::map<int64_t, LevelDelta> limit_deltas;
    std::map<std::string, int64_t> charged_add;
    for (size_t i = 0; i < requests.size(); ++i) {
        const ChargeRequest& request = requests[i];
        auto it = holds.find(request.hold_id);
        if (it == holds.end() || it->second.levels.empty()) {
            results[i] = {ChargeOutcome::kUnknownHold, {}, {}, {}};
            continue;
        }
        if (!charged.insert(*request.job_db_inx).second) {
            results[i] = {ChargeOutcome::kAlreadyCharged, {}, {}, {}};
            continue;
        }
        OpenHold& hold = it->second;
        const bool open = detail::is_open(hold);
        if (request.job_id) hold.job_id = request.job_id;
        const int64_t from_hold =
            open ? std::clamp<int64_t>(request.actual.micro, 0, hold.held_micro) : 0;
        entries.push_back(detail::charge_entry(hold, request, from_hold));
        hold.held_micro -= from_hold;
        charged_add[request.hold_id] += request.actual.micro;
        for (const auto& level : hold.levels) {
            budget_deltas[level.budget_id].held_micro -= from_hold;
            budget_deltas[level.budget_id].spent_micro += request.actual.micro;
            if (level.partition_limit_id) {
                limit_deltas[*level.partition_limit_id].held_micro -= from_hold;
                limit_deltas[*level.partition_limit_id].spent_micro += request.actual.micro;
            }
        }
        results[i] = {open ? ChargeOutcome::kCharged : ChargeOutcome::kChargedAfterClose,
                      request.actual, Money{0}, Money{request.actual.micro - from_hold}};
    }

    insert_journal_rows(session, entries);
    apply_deltas(session, budget_deltas, limit_deltas, now_s);
    std::vector<std::string> touched;
    for (const auto& [id, amount] : charged_add) touched.push_back(id);
    for_chunks(touched.size(), [&](size_t at, size_t size) {
        Params params;
        std::string held_case, charged_case, job_case;
        for (size_t i = at; i < at + size; ++i) {
            held_case += " WHEN ? THEN ?";
            charged_case += " WHEN ? THEN ?";
            job_case += " WHEN ? THEN ?";
        }
        for (size_t i = at; i < at + size; ++i) {
            params.emplace_back(touched[i]);
            params.emplace_back(holds[touched[i]].held_micro);
        }
        for (size_t i = at; i < at + size; ++i) {
            params.emplace_back(touched[i]);
            params.emplace_back(charged_add[touched[i]]);
        }
        for (size_t i = at; i < at + size; ++i) {
            params.emplace_back(touched[i]);
            params.push_back(optional_param(holds[touched[i]].job_id));
        }
        params.emplace_back(now_s);
        for (size_t i = at; i < at + size; ++i) params.emplace_back(touched[i]);
        session.exec("UPDATE hold SET held_micro = CASE id" + held_case +
                         " END, charged_micro = charged_micro + CASE id" + charged_case +
                         " END, job_id = CASE id" + job_case +
                         " END, updated_at = ? WHERE id IN (" + placeholders(size) + ")",
                     params);
    });
    return results;
}

std::vector<ReleaseResult> release_holds(Session& session, const std::vector<std::string>& ids,
                                         ReleaseKind kind, const std::vector<std::string>& reasons,
                                         const std::string& actor, int64_t now_s) {
    std::vector<ReleaseResult> results(ids.size());
    std::vector<std::string> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::map<std::string, OpenHold> holds = lock_holds(session, sorted);
    const char* kind_text = kind == ReleaseKind::kExpire ? "expire" : "release";
    std::vector<JournalEntry> entries;
    std::map<int64_t, LevelDelta> budget_deltas;
    std::map<int64_t, LevelDelta> limit_deltas;
    std::vector<std::string> closed;
    for (size_t i = 0; i < ids.size(); ++i) {
        auto it = holds.find(ids[i]);
        if (it == holds.end() || it->second.levels.empty() || !detail::is_open(it->second)) {
            continue;
        }
        OpenHold& hold = it->second;
        JournalEntry entry = detail::hold_entry(hold, ids[i], kind_text, now_s);
        entry.amount_micro = hold.held_micro;
        entry.held_delta_micro = -hold.held_micro;
        entry.actor = actor;
        entry.reason = reasons[i];
        entries.push_back(std::move(entry));
        for (const auto& level : hold.levels) {
            budget_deltas[level.budget_id].held_micro -= hold.held_micro;
            if (level.partition_limit_id) {
                limit_deltas[*level.partition_limit_id].held_micro -= hold.held_micro;
            }
        }
        results[i] = {true, Money{hold.held_micro}};
        hold.state = "closed";  // a second copy of the id in ids is a no-op
        closed.push_back(ids[i]);
    }
    insert_journal_rows(session, entries);
    apply_deltas(session, budget_deltas, limit_deltas, now_s);
    const char* state = kind == ReleaseKind::kExpire  ? "expired"
                        : kind == ReleaseKind::kClose ? "charged"
                                                      : "released";
    for_chunks(closed.size(), [&](size_t at, size_t size) {
        Params params{std::string(state), now_s};
        for (size_t i = at; i < at + size; ++i) params.emplace_back(closed[i]);
        session.exec("UPDATE hold SET held_micro = 0, state = ?, updated_at = ? WHERE id IN (" +
                         placeholders(size) + ")",
                     params);
    });
    return results;
}

}  // namespace asbb::db
