#include "reconcile.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "core/hold_id.hpp"
#include "core/hold_sizing.hpp"
#include "core/job_run.hpp"
#include "cost_files.hpp"
#include "db/chunks.hpp"
#include "db/ledger.hpp"
#include "db/slurm_jobs.hpp"
#include "spool_replay.hpp"

namespace asbb::poller {

namespace {

constexpr const char* kActor = "poller";

void link_live_holds(db::Session& session, const PassOptions& options,
                     const std::vector<LiveJob>& live, int64_t now_s, PassReport& report) {
    // Only pending holds need a link; asking for them first keeps a pass
    // over thousands of live jobs to one query when nothing is new.
    std::unordered_set<std::string> pending;
    for (const auto& row : session.query(
             "SELECT id FROM hold WHERE cluster = ? AND state = 'pending' AND job_id IS NULL",
             {options.cluster})) {
        pending.insert(row.str(0));
    }
    for (const auto& job : live) {
        if (job.hold_id.empty() || !pending.contains(job.hold_id)) continue;
        if (db::link_hold(session, job.hold_id, options.cluster, job.job_id, now_s)) {
            ++report.linked;
            pending.erase(job.hold_id);  // the other tasks of an array share it
        }
    }
}

// The hold a run is charged to: the one named in its admin_comment, else the
// one linked to its job (a requeued run's row has no admin_comment yet).
std::optional<std::pair<std::string, Money>> hold_of(db::Session& session,
                                                     const PassOptions& options,
                                                     const JobRun& run) {
    std::vector<db::Row> rows;
    if (std::string id = hold_id_in_comment(run.admin_comment); !id.empty()) {
        // The tag names the hold made at submit; a job moved to another
        // account since is charged to the hold that replaced it.
        rows = session.query("SELECT id, node_hour_price_micro FROM hold WHERE id = ?",
                             {db::current_hold_id(session, id)});
    }
    if (rows.empty()) {
        rows = session.query(
            "SELECT id, node_hour_price_micro FROM hold WHERE cluster = ? AND job_id = ?"
            " ORDER BY created_at DESC LIMIT 1",
            {options.cluster, hold_job_id(run)});
    }
    if (rows.empty()) return std::nullopt;
    return std::make_pair(rows[0].str(0), Money{rows[0].i64(1)});
}

// Charges the runs that are over, in the caller's transaction, with
// set-based statements: the holds the runs name are read at once, the cost
// files of their jobs at once, and db::charge_holds writes every charge of
// the batch in a few statements. Runs whose hold needs more (one moved to
// another account, a requeued run's row without its tag) are looked up one
// by one, as before.
void charge_runs(db::Session& session, const PassOptions& options,
                 const std::vector<const JobRun*>& runs, int64_t now_s, PassReport& report) {
    std::vector<const JobRun*> over;
    for (const JobRun* run : runs) {
        if (run_is_over(*run, now_s)) over.push_back(run);
    }
    if (over.empty()) return;

    // The holds named in the runs' admin_comment: id -> (price, superseded).
    std::vector<std::string> named;
    for (const JobRun* run : over) {
        if (std::string id = hold_id_in_comment(run->admin_comment); !id.empty()) {
            named.push_back(id);
        }
    }
    std::sort(named.begin(), named.end());
    named.erase(std::unique(named.begin(), named.end()), named.end());
    std::unordered_map<std::string, std::pair<Money, bool>> named_holds;
    db::for_chunks(named.size(), [&](size_t at, size_t size) {
        db::Params params(named.begin() + static_cast<std::ptrdiff_t>(at),
                          named.begin() + static_cast<std::ptrdiff_t>(at + size));
        for (const auto& row :
             session.query("SELECT id, node_hour_price_micro, superseded_by IS NOT NULL FROM hold"
                           " WHERE id IN (" +
                               db::placeholders(size) + ")",
                           params)) {
            named_holds[row.str(0)] = {Money{row.i64(1)}, row.i64(2) != 0};
        }
    });

    // Actual costs handed in for jobs not charged yet.
    std::vector<int64_t> jobs;
    for (const JobRun* run : over) jobs.push_back(hold_job_id(*run));
    std::sort(jobs.begin(), jobs.end());
    jobs.erase(std::unique(jobs.begin(), jobs.end()), jobs.end());
    std::unordered_map<int64_t, std::pair<Money, std::string>> reported;
    db::for_chunks(jobs.size(), [&](size_t at, size_t size) {
        db::Params params{options.cluster};
        for (size_t i = at; i < at + size; ++i) params.emplace_back(jobs[i]);
        for (const auto& row : session.query(
                 "SELECT job_id, actual_micro, file_name FROM cost_report c WHERE c.cluster = ?"
                 " AND c.applied = 0 AND c.job_id IN (" +
                     db::placeholders(size) +
                     ") AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.cluster = c.cluster"
                     " AND j.job_id = c.job_id AND j.kind = 'charge')",
                 params)) {
            reported[row.i64(0)] = {Money{row.i64(1)}, row.str(2)};
        }
    });

    std::vector<db::ChargeRequest> requests;
    std::vector<Money> costs;
    for (const JobRun* run : over) {
        std::optional<std::pair<std::string, Money>> hold;
        const std::string id = hold_id_in_comment(run->admin_comment);
        if (auto it = named_holds.find(id); it != named_holds.end() && !it->second.second) {
            hold = std::make_pair(id, it->second.first);
        } else {
            hold = hold_of(session, options, *run);
        }
        if (!hold) {
            ++report.runs_without_hold;
            continue;
        }
        auto key = run_charge_key(*run);
        if (!key) {
            report.problems.push_back("job " + std::to_string(run->job_id) + ": submit time " +
                                      std::to_string(run->time_submit) +
                                      " or job id out of range for a charge key; not charged");
            continue;
        }
        const int64_t elapsed_s = run_elapsed_s(*run);
        auto cost = actual_cost(elapsed_s, run->nodes_alloc, hold->second);
        if (!cost)
            throw db::DbError(db::DbErrorKind::kOther, 0,
                              "job " + std::to_string(run->job_id) + ": " + cost.error());
        // An actual cost handed in for the job replaces the computed one, for
        // the job's first charge (a later file becomes an adjustment instead).
        std::string source = "computed";
        if (auto it = reported.find(hold_job_id(*run)); it != reported.end()) {
            cost = it->second.first;
            source = "actual cost from " + it->second.second;
            session.exec("UPDATE cost_report SET applied = 1 WHERE cluster = ? AND job_id = ?",
                         {options.cluster, hold_job_id(*run)});
            reported.erase(it);
        }
        db::ChargeRequest charge;
        charge.hold_id = hold->first;
        charge.actual = *cost;
        charge.cluster = options.cluster;
        charge.job_id = hold_job_id(*run);
        charge.job_db_inx = *key;
        charge.final_charge = false;  // the hold is closed once the job has ended
        charge.reason = "job " + std::to_string(run->job_id) + ": " + std::to_string(elapsed_s) +
                        " s x " + std::to_string(run->nodes_alloc) + " node(s), " + source;
        charge.actor = kActor;
        charge.now_s = now_s;
        requests.push_back(std::move(charge));
        costs.push_back(*cost);
    }
    auto results = db::charge_holds(session, requests);
    for (size_t i = 0; i < results.size(); ++i) {
        switch (results[i].outcome) {
            case db::ChargeOutcome::kCharged:
            case db::ChargeOutcome::kChargedAfterClose:
                ++report.runs_charged;
                report.charged = Money{report.charged.micro + costs[i].micro};
                break;
            case db::ChargeOutcome::kAlreadyCharged:
                ++report.runs_already_charged;
                break;
            case db::ChargeOutcome::kUnknownHold:
                ++report.runs_without_hold;
                break;
        }
    }
}

// Reads and charges job rows, one transaction per batch together with the
// poller's position, so a crash anywhere leaves either the whole batch or
// none of it (and the unique charge key makes a rerun a no-op either way).
void charge_finished_runs(db::Session& session, const PassOptions& options, int64_t now_s,
                          PassReport& report) {
    session.exec(
        "INSERT IGNORE INTO poller_state (cluster, high_water_inx, updated_at)"
        " VALUES (?, 0, ?)",
        {options.cluster, now_s});
    bool first_batch = true;
    for (;;) {
        const int64_t new_rows = db::in_transaction(session, [&]() -> int64_t {
            uint64_t high_water = session
                                      .query(
                                          "SELECT high_water_inx FROM poller_state"
                                          " WHERE cluster = ? FOR UPDATE",
                                          {options.cluster})
                                      .at(0)
                                      .u64(0);
            std::vector<JobRun> runs;
            if (first_batch) {
                // Runs that were still going last time, read again by id.
                std::vector<uint64_t> open;
                for (const auto& row :
                     session.query("SELECT job_db_inx FROM poller_open_run WHERE cluster = ?",
                                   {options.cluster})) {
                    open.push_back(row.u64(0));
                }
                for (size_t at = 0; at < open.size(); at += 1000) {
                    std::vector<uint64_t> chunk(open.begin() + static_cast<std::ptrdiff_t>(at),
                                                open.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                   at + 1000, open.size())));
                    for (auto& run :
                         db::runs_by_inx(session, options.slurm, options.cluster, chunk)) {
                        runs.push_back(std::move(run));
                    }
                }
            }
            auto fresh = db::runs_after(session, options.slurm, options.cluster, high_water,
                                        options.batch_rows);
            const auto fresh_count = static_cast<int64_t>(fresh.size());
            for (auto& run : fresh) {
                high_water = std::max(high_water, run.job_db_inx);
                runs.push_back(std::move(run));
            }
            std::vector<const JobRun*> batch;
            std::vector<uint64_t> ended, going;
            for (const auto& run : runs) {
                ++report.runs_read;
                batch.push_back(&run);
                (run_is_over(run, now_s) ? ended : going).push_back(run.job_db_inx);
            }
            charge_runs(session, options, batch, now_s, report);
            db::for_chunks(ended.size(), [&](size_t at, size_t size) {
                db::Params params{options.cluster};
                for (size_t i = at; i < at + size; ++i) params.emplace_back(db::Unsigned{ended[i]});
                session.exec("DELETE FROM poller_open_run WHERE cluster = ? AND job_db_inx IN (" +
                                 db::placeholders(size) + ")",
                             params);
            });
            db::for_chunks(going.size(), [&](size_t at, size_t size) {
                db::Params params;
                for (size_t i = at; i < at + size; ++i) {
                    params.emplace_back(options.cluster);
                    params.emplace_back(db::Unsigned{going[i]});
                }
                session.exec("INSERT IGNORE INTO poller_open_run (cluster, job_db_inx) VALUES " +
                                 db::placeholders(size, "(?, ?)"),
                             params);
            });
            session.exec(
                "UPDATE poller_state SET high_water_inx = ?, updated_at = ?"
                " WHERE cluster = ?",
                {db::Unsigned{high_water}, now_s, options.cluster});
            return fresh_count;
        });
        first_batch = false;
        if (new_rows < options.batch_rows) break;
    }
}

// sacct's release and the format to ask it for, once per pass: a site may
// upgrade SLURM under a running daemon.
SacctFormat sacct_format(const PassOptions& options) {
    const SacctVersionReader& read = options.sacct_version_reader
                                         ? options.sacct_version_reader
                                         : SacctVersionReader(run_sacct_version);
    auto text = read();
    if (!text) throw std::runtime_error(text.error());
    auto format = sacct_format_for(*text);
    if (!format) throw std::runtime_error(format.error());
    return std::move(format).value();
}

// sacct's runs for a query. A failure of sacct, or an answer that cannot be
// read whole, fails the pass: nothing of the batch in progress is kept, the
// window is read again next time, and asbb-poller --once exits non-zero.
std::vector<JobRun> sacct_runs(const PassOptions& options, const SacctQuery& query,
                               PassReport& report) {
    const SacctReader& read = options.sacct_reader ? options.sacct_reader : SacctReader(run_sacct);
    auto output = read(query);
    if (!output) throw std::runtime_error(output.error());
    auto runs = parse_sacct_json(*output, query.format, report.problems);
    if (!runs) throw std::runtime_error(runs.error());
    return std::move(runs).value();
}

constexpr size_t kSacctJobsPerQuery = 200;
// The first window (no position yet) starts here: all of SLURM's history, as
// the database source reads every row. (Two days after the epoch, so that no
// time zone turns it into a date sacct refuses.)
constexpr int64_t kSacctEarliest_s = 2 * 86400;

// The sacct source: a time window from SacctOverlap before the end of the
// last one to now, plus, by job id, the jobs seen unfinished before and the
// jobs whose hold is linked and waiting for a charge while slurmctld no
// longer runs them (a window hides jobs that never became eligible, and a
// run slurmdbd records long after it ended). Charges in batches, one
// transaction each; the window's end is stored with the last one, so a
// crash reads the window again and the keyed charges make that a no-op.
void charge_sacct_runs(db::Session& session, const PassOptions& options,
                       const std::optional<std::vector<LiveJob>>& live, int64_t now_s,
                       PassReport& report) {
    session.exec(
        "INSERT IGNORE INTO poller_sacct_state (cluster, window_end, updated_at)"
        " VALUES (?, 0, ?)",
        {options.cluster, now_s});
    const int64_t last_end = session
                                 .query(
                                     "SELECT window_end FROM poller_sacct_state"
                                     " WHERE cluster = ?",
                                     {options.cluster})
                                 .at(0)
                                 .i64(0);
    SacctQuery window;
    window.cluster = options.cluster;
    window.format = sacct_format(options);
    window.start_s = std::max(kSacctEarliest_s, last_end - options.sacct_overlap_s);
    window.end_s = now_s;

    std::map<uint64_t, JobRun> by_key;  // (submit time, job id) order
    auto take = [&](std::vector<JobRun> runs) {
        for (auto& run : runs) {
            if (run.job_db_inx == 0) {
                report.problems.push_back("job " + std::to_string(run.job_id) +
                                          ": no charge key (job id or submit time out of range)");
                continue;
            }
            by_key.insert_or_assign(run.job_db_inx, std::move(run));
        }
    };
    take(sacct_runs(options, window, report));

    // Jobs slurmctld still runs are not asked for: nothing of theirs can be
    // over yet that the window does not show (thousands of pending jobs would
    // otherwise cost a sacct call per 200 on every pass).
    std::set<int64_t> active;
    if (live) {
        for (const auto& job : *live) {
            if (job_still_active(job.state)) active.insert(job.job_id);
        }
    }
    std::set<int64_t> asked;
    for (const auto& row : session.query("SELECT job_id FROM poller_sacct_open WHERE cluster = ?",
                                         {options.cluster})) {
        if (!active.contains(row.i64(0))) asked.insert(row.i64(0));
    }
    if (live) {
        for (const auto& row :
             session.query("SELECT DISTINCT h.job_id FROM hold h WHERE h.cluster = ?"
                           " AND h.state IN ('pending', 'linked') AND h.job_id IS NOT NULL"
                           " AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.hold_id = h.id"
                           " AND j.kind = 'charge')",
                           {options.cluster})) {
            if (!active.contains(row.i64(0))) asked.insert(row.i64(0));
        }
    }
    const std::vector<int64_t> asked_list(asked.begin(), asked.end());
    for (size_t at = 0; at < asked_list.size(); at += kSacctJobsPerQuery) {
        SacctQuery by_id;
        by_id.cluster = options.cluster;
        by_id.format = window.format;
        by_id.job_ids.assign(asked_list.begin() + static_cast<std::ptrdiff_t>(at),
                             asked_list.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                      at + kSacctJobsPerQuery, asked_list.size())));
        take(sacct_runs(options, by_id, report));
    }

    // Jobs with a run not over yet are asked for by id until it is.
    std::set<int64_t> unfinished;
    std::set<int64_t> answered;
    std::vector<const JobRun*> runs;
    runs.reserve(by_key.size());
    for (const auto& [key, run] : by_key) {
        runs.push_back(&run);
        answered.insert(run.job_id);
        if (!run_is_over(run, now_s)) unfinished.insert(run.job_id);
    }
    const auto batch = static_cast<size_t>(std::max<int64_t>(1, options.batch_rows));
    size_t at = 0;
    do {
        const size_t stop = std::min(at + batch, runs.size());
        const bool last = stop == runs.size();
        db::in_transaction(session, [&] {
            report.runs_read += static_cast<int64_t>(stop - at);
            charge_runs(
                session, options,
                std::vector<const JobRun*>(runs.begin() + static_cast<std::ptrdiff_t>(at),
                                           runs.begin() + static_cast<std::ptrdiff_t>(stop)),
                now_s, report);
            if (!last) return;
            for (int64_t job_id : unfinished) {
                session.exec("INSERT IGNORE INTO poller_sacct_open (cluster, job_id) VALUES (?, ?)",
                             {options.cluster, job_id});
            }
            // Asked for and answered with nothing unfinished: done. (A job
            // sacct did not answer for stays asked for.)
            for (int64_t job_id : asked) {
                if (answered.contains(job_id) && !unfinished.contains(job_id)) {
                    session.exec("DELETE FROM poller_sacct_open WHERE cluster = ? AND job_id = ?",
                                 {options.cluster, job_id});
                }
            }
            session.exec(
                "UPDATE poller_sacct_state SET window_end = ?, updated_at = ? WHERE cluster = ?",
                {window.end_s, now_s, options.cluster});
        });
        at = stop;
    } while (at < runs.size());
}

// Records the cost files in the ledger once (they stay where they are: they
// belong to aws-slurm-burst).
void read_cost_reports(db::Session& session, const PassOptions& options, int64_t now_s,
                       PassReport& report) {
    for (const auto& cost : read_cost_files(options.cost_dir, report.problems)) {
        session.exec(
            "INSERT IGNORE INTO cost_report (cluster, job_id, actual_micro, file_name,"
            " seen_at) VALUES (?, ?, ?, ?, ?)",
            {options.cluster, cost.job_id, cost.actual.micro, cost.file_name, now_s});
    }
}

// A cost file that arrived after its job was charged adjusts the charge to
// the actual cost: one adjustment, never a second charge.
void apply_late_costs(db::Session& session, const PassOptions& options, int64_t now_s,
                      PassReport& report, std::optional<int64_t> only_job = std::nullopt) {
    db::Params params{options.cluster};
    if (only_job) params.emplace_back(*only_job);
    auto rows = session.query(
        "SELECT c.job_id, c.actual_micro, c.file_name,"
        " (SELECT SUM(j.amount_micro) FROM journal j WHERE j.cluster = c.cluster"
        "  AND j.job_id = c.job_id AND j.kind = 'charge'),"
        " (SELECT h.id FROM hold h WHERE h.cluster = c.cluster AND h.job_id = c.job_id"
        "  ORDER BY h.created_at DESC LIMIT 1)"
        " FROM cost_report c WHERE c.cluster = ? AND c.applied = 0 AND EXISTS"
        " (SELECT 1 FROM journal j WHERE j.cluster = c.cluster AND j.job_id = c.job_id"
        "  AND j.kind = 'charge')" +
            std::string(only_job ? " AND c.job_id = ?" : ""),
        params);
    for (const auto& row : rows) {
        if (row.is_null(4)) continue;
        const int64_t delta = row.i64(1) - row.i64(3);
        db::in_transaction(session, [&] {
            if (delta != 0) {
                db::adjust_spent(
                    session, row.str(4), Money{delta},
                    "actual cost " + format_money_exact(Money{row.i64(1)}) + " from " + row.str(2),
                    kActor, now_s);
            }
            session.exec("UPDATE cost_report SET applied = 1 WHERE cluster = ? AND job_id = ?",
                         {options.cluster, row.i64(0)});
        });
        if (delta != 0) ++report.costs_adjusted;
    }
}

// Holds whose job has ended and been charged give back what is left.
void close_ended_holds(db::Session& session, const PassOptions& options,
                       const std::vector<LiveJob>& live, int64_t now_s, PassReport& report,
                       std::optional<int64_t> only_job = std::nullopt) {
    std::set<int64_t> active;
    for (const auto& job : live) {
        if (job_still_active(job.state)) active.insert(job.job_id);
    }
    db::Params params{options.cluster};
    if (only_job) params.emplace_back(*only_job);
    auto rows = session.query(
        "SELECT h.id, h.job_id FROM hold h WHERE h.cluster = ? AND h.state IN ('pending', 'linked')"
        " AND h.job_id IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM journal j WHERE j.hold_id = h.id AND j.kind = 'charge')" +
            std::string(only_job ? " AND h.job_id = ?" : ""),
        params);
    std::vector<std::string> ids;
    std::vector<std::string> reasons;
    for (const auto& row : rows) {
        if (active.contains(row.i64(1))) continue;
        ids.push_back(row.str(0));
        reasons.push_back("job " + std::to_string(row.i64(1)) + " ended");
    }
    // A batch of holds per transaction, as for the charges.
    const auto batch = static_cast<size_t>(std::max<int64_t>(1, options.batch_rows));
    for (size_t at = 0; at < ids.size(); at += batch) {
        const size_t stop = std::min(at + batch, ids.size());
        const std::vector<std::string> chunk(ids.begin() + static_cast<std::ptrdiff_t>(at),
                                             ids.begin() + static_cast<std::ptrdiff_t>(stop));
        const std::vector<std::string> chunk_reasons(
            reasons.begin() + static_cast<std::ptrdiff_t>(at),
            reasons.begin() + static_cast<std::ptrdiff_t>(stop));
        auto released = db::in_transaction(session, [&] {
            return db::release_holds(session, chunk, db::ReleaseKind::kClose, chunk_reasons, kActor,
                                     now_s);
        });
        for (const auto& result : released) {
            if (!result.done) continue;
            ++report.holds_closed;
            report.released = Money{report.released.micro + result.released.micro};
        }
    }
}

// Whether slurmdbd has a run of this hold's job that is over but not charged
// yet (the poller is behind, or slurmdbd recorded it late): its charge is
// coming, so the hold must wait for it. A run counts when its tag names the
// hold, or when it has none (a requeued run's row) and was submitted after
// the hold was made; a run of an earlier job with the same id does not.
// The sacct source asked for these jobs by id in this pass already and
// charged what was over, so only the database source needs to look.
bool charge_pending_in_slurmdbd(db::Session& session, const PassOptions& options,
                                const std::string& hold_id, int64_t job_id, int64_t created_at) {
    if (options.source == RunSource::kSacct) return false;
    constexpr int64_t kClockSlack_s = 60;
    for (const auto& run : db::runs_of_job(session, options.slurm, options.cluster, job_id)) {
        if (!run_is_final(run)) continue;  // over, or awaiting its start: a charge is coming
        const std::string tag = hold_id_in_comment(run.admin_comment);
        if (tag == hold_id || (tag.empty() && run.time_submit + kClockSlack_s >= created_at)) {
            return true;
        }
    }
    return false;
}

// Linked holds that no charge will ever close: slurmctld came back from a
// crash without the job (its state is saved in the background), or it
// reused the job's id for a job with another hold. The hold the job's own
// tag names wins: a linked hold whose job id slurmctld now runs under
// another tag is released at once; one whose job slurmctld does not know,
// with no run slurmdbd could still charge, is expired once LinkedHoldGrace
// has passed since it was linked or last resized. Only called when
// slurmctld answered: a job missing from a failed answer proves nothing.
void release_vanished_holds(db::Session& session, const PassOptions& options,
                            const std::vector<LiveJob>& live, int64_t now_s, PassReport& report) {
    std::unordered_map<int64_t, std::set<std::string>> tags_of_job;
    for (const auto& job : live) tags_of_job[job.job_id].insert(job.hold_id);
    auto rows = session.query(
        "SELECT h.id, h.job_id, h.created_at, h.updated_at FROM hold h WHERE h.cluster = ?"
        " AND h.state = 'linked' AND h.job_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.hold_id = h.id AND j.kind = 'charge')"
        " ORDER BY h.created_at, h.id",
        {options.cluster});
    for (const auto& row : rows) {
        const std::string id = row.str(0);
        const int64_t job_id = row.i64(1);
        const std::string job = "job " + std::to_string(job_id);
        std::string reason;
        db::ReleaseKind kind = db::ReleaseKind::kRelease;
        if (auto it = tags_of_job.find(job_id); it != tags_of_job.end()) {
            const auto& tags = it->second;
            // Untagged: an admin may have rewritten AdminComment; keep it.
            if (tags.contains(id) || tags.contains("")) continue;
            reason = job + " now carries hold " + *tags.begin() +
                     ": slurmctld reused the job id, this hold's job is gone";
        } else {
            if (row.i64(3) > now_s - options.linked_hold_grace_s) continue;
            if (charge_pending_in_slurmdbd(session, options, id, job_id, row.i64(2))) continue;
            kind = db::ReleaseKind::kExpire;
            reason = job + " unknown to slurmctld, and no finished run in slurmdbd, for " +
                     std::to_string(options.linked_hold_grace_s) + " s (LinkedHoldGrace)";
        }
        auto released = db::in_transaction(
            session, [&] { return db::release_hold(session, id, kind, reason, kActor, now_s); });
        if (!released.done) continue;  // closed by someone else meanwhile
        ++report.holds_vanished;
        report.released = Money{report.released.micro + released.released.micro};
    }
}

void expire_orphans(db::Session& session, const PassOptions& options,
                    const std::vector<LiveJob>& live, int64_t now_s, PassReport& report) {
    for (const auto& orphan : expire_orphan_holds(session, options, live, now_s, false)) {
        if (!orphan.expired) continue;
        ++report.holds_expired;
        report.released = Money{report.released.micro + orphan.held.micro};
    }
}

}  // namespace

// Holds that never became a job (sbatch --test-only, a job SLURM refused
// after the plugin accepted it) expire after the TTL: pending, linked to no
// job, older than OrphanHoldTTL and named by no job slurmctld knows.
std::vector<OrphanHold> expire_orphan_holds(db::Session& session, const PassOptions& options,
                                            const std::vector<LiveJob>& live, int64_t now_s,
                                            bool dry_run) {
    std::unordered_set<std::string> referenced;
    for (const auto& job : live) {
        if (!job.hold_id.empty()) referenced.insert(job.hold_id);
    }
    auto rows = session.query(
        "SELECT id, account, partition_name, user_name, created_at, held_micro FROM hold"
        " WHERE cluster = ? AND state = 'pending' AND job_id IS NULL AND created_at < ?"
        " ORDER BY created_at, id",
        {options.cluster, now_s - options.orphan_hold_ttl_s});
    std::vector<OrphanHold> orphans;
    for (const auto& row : rows) {
        if (referenced.contains(row.str(0))) continue;
        OrphanHold orphan{row.str(0), row.str(1),        row.str(2), row.str(3),
                          row.i64(4), Money{row.i64(5)}, false};
        if (!dry_run) {
            auto expired = db::in_transaction(session, [&] {
                return db::release_hold(session, orphan.id, db::ReleaseKind::kExpire,
                                        "no job after the orphan TTL", kActor, now_s);
            });
            // Not done: closed by someone else since the query (nothing to list).
            if (!expired.done) continue;
            orphan.expired = true;
            orphan.held = expired.released;
        }
        orphans.push_back(std::move(orphan));
    }
    return orphans;
}

JobReport reconcile_job(db::Session& session, const PassOptions& options,
                        const std::optional<std::vector<LiveJob>>& live, int64_t job_id,
                        int64_t now_s) {
    JobReport job;
    PassReport& report = job.pass;
    std::vector<LiveJob> own_live;
    if (live) {
        for (const auto& entry : *live) {
            if (entry.job_id == job_id) own_live.push_back(entry);
        }
        link_live_holds(session, options, own_live, now_s, report);
    }
    std::vector<JobRun> runs;
    if (options.source == RunSource::kSacct) {
        SacctQuery query;
        query.cluster = options.cluster;
        query.job_ids = {job_id};
        query.format = sacct_format(options);
        for (auto& run : sacct_runs(options, query, report)) {
            if (run.job_id == job_id || run.array_job_id == job_id) runs.push_back(std::move(run));
        }
    } else {
        runs = db::runs_of_job(session, options.slurm, options.cluster, job_id);
    }
    // The whole job in one transaction, as a batch of the poller is.
    db::in_transaction(session, [&] {
        std::vector<const JobRun*> all;
        for (const auto& run : runs) all.push_back(&run);
        report.runs_read += static_cast<int64_t>(all.size());
        charge_runs(session, options, all, now_s, report);
    });
    apply_late_costs(session, options, now_s, report, job_id);
    if (live) close_ended_holds(session, options, own_live, now_s, report, job_id);
    // The hold the live job's own tag names wins over an older one linked to
    // the same (reused) job id.
    std::string tagged;
    for (const auto& entry : own_live) {
        if (!entry.hold_id.empty()) tagged = db::current_hold_id(session, entry.hold_id);
    }
    auto hold = session.query(
        "SELECT id, state, held_micro, charged_micro FROM hold WHERE cluster = ? AND job_id = ?"
        " ORDER BY id = ? DESC, created_at DESC, id DESC LIMIT 1",
        {options.cluster, job_id, tagged});
    if (!hold.empty()) {
        job.hold_id = hold[0].str(0);
        job.hold_state = hold[0].str(1);
        job.held = Money{hold[0].i64(2)};
        job.hold_charged = Money{hold[0].i64(3)};
    }
    job.known = !runs.empty() || !own_live.empty() || !hold.empty();
    return job;
}

PassReport reconcile_pass(db::Session& session, const PassOptions& options,
                          const std::optional<std::vector<LiveJob>>& live, int64_t now_s) {
    PassReport report;
    if (live) link_live_holds(session, options, *live, now_s, report);
    if (!options.spool_dir.empty()) {
        auto replay = replay_unsecured_holds(session, options, options.spool_dir,
                                             options.hold_factor_ppm, now_s, report);
        report.unsecured_placed = replay.placed + replay.recorded_empty;
        report.unsecured_rejected = replay.rejected;
    }
    if (!options.cost_dir.empty()) read_cost_reports(session, options, now_s, report);
    if (options.source == RunSource::kSacct) {
        charge_sacct_runs(session, options, live, now_s, report);
    } else {
        charge_finished_runs(session, options, now_s, report);
    }
    apply_late_costs(session, options, now_s, report);
    // Closing and expiring need to know what slurmctld still runs: without
    // that, every hold is left as it is.
    if (live) {
        close_ended_holds(session, options, *live, now_s, report);
        expire_orphans(session, options, *live, now_s, report);
        release_vanished_holds(session, options, *live, now_s, report);
    }
    // Last, so that the alerts see this pass's charges.
    AlertReport alerts = alert_pass(session, options.cluster, options.slurm, options.alerts, now_s);
    report.alerts_fired = alerts.fired;
    report.alerts_sent = alerts.mailed + alerts.posted;
    for (auto& problem : alerts.problems) report.problems.push_back(std::move(problem));
    return report;
}

std::string describe(const PassReport& r, int64_t elapsed_ms) {
    return "runs read " + std::to_string(r.runs_read) + ", charged " +
           std::to_string(r.runs_charged) + " (" + format_money_exact(r.charged) +
           "), already charged " + std::to_string(r.runs_already_charged) + ", without hold " +
           std::to_string(r.runs_without_hold) + "; holds linked " + std::to_string(r.linked) +
           ", closed " + std::to_string(r.holds_closed) + ", expired " +
           std::to_string(r.holds_expired) + ", of vanished jobs " +
           std::to_string(r.holds_vanished) + " (released " + format_money_exact(r.released) +
           "); cost files adjusted " + std::to_string(r.costs_adjusted) +
           ", unsecured holds placed " + std::to_string(r.unsecured_placed) + ", rejected " +
           std::to_string(r.unsecured_rejected) + "; alerts fired " +
           std::to_string(r.alerts_fired) + ", sent " + std::to_string(r.alerts_sent) + "; " +
           std::to_string(elapsed_ms) + " ms";
}

}  // namespace asbb::poller
