#include "db/hold_story.hpp"

#include <algorithm>

#include "db/budget_journal.hpp"
#include "db/slurm_jobs.hpp"

namespace asbb::db {

namespace {

std::vector<StoryEntry> load_entries(Session& session, const std::string& hold_id) {
    std::vector<StoryEntry> entries;
    for (const Row& row :
         session.query("SELECT id, created_at, kind, amount_micro, held_delta_micro,"
                       " spent_delta_micro, job_id, job_db_inx, actor, reason"
                       " FROM journal WHERE hold_id = ? ORDER BY id",
                       {hold_id})) {
        StoryEntry e;
        e.id = row.i64(0);
        e.created_at = row.i64(1);
        e.kind = row.str(2);
        e.amount = Money{row.i64(3)};
        e.held_delta_micro = row.i64(4);
        e.spent_delta_micro = row.i64(5);
        e.job_id = row.opt_i64(6);
        e.charge_key = row.opt_i64(7);
        e.actor = row.str(8);
        e.reason = row.str(9);
        entries.push_back(std::move(e));
    }
    return entries;
}

// What a partition limit had used before journal row before_id: the held
// and spent deltas of every hold with a level on it.
int64_t limit_used_before(Session& session, int64_t limit_id, int64_t before_id) {
    return session
        .query(
            "SELECT COALESCE(SUM(j.held_delta_micro + j.spent_delta_micro), 0)"
            " FROM hold_level l JOIN journal j ON j.hold_id = l.hold_id"
            " WHERE l.partition_limit_id = ? AND j.id < ?",
            {limit_id, before_id})
        .at(0)
        .i64(0);
}

// A budget level, and its partition limit when it has one, in level order.
std::vector<StoryLevel> load_levels(Session& session, const std::string& hold_id,
                                    const std::string& hold_account, int64_t placed_row_id) {
    std::vector<StoryLevel> levels;
    for (const Row& row :
         session.query("SELECT l.level_no, l.budget_id, b.account, b.period_start, b.period_end,"
                       " l.partition_limit_id, p.partition_name, p.limit_micro"
                       " FROM hold_level l JOIN budget b ON b.id = l.budget_id"
                       " LEFT JOIN partition_limit p ON p.id = l.partition_limit_id"
                       " WHERE l.hold_id = ? ORDER BY l.level_no",
                       {hold_id})) {
        StoryLevel budget;
        budget.level_no = static_cast<int>(row.i64(0));
        budget.account = row.str(2);
        budget.kind = budget.account == hold_account ? LevelKind::kAccount : LevelKind::kAncestor;
        budget.period_start = row.i64(3);
        budget.period_end = row.i64(4);
        const BudgetSums sums = budget_sums_before(session, row.i64(1), placed_row_id);
        budget.attached_later = sums.first_own_row_id == 0 || sums.first_own_row_id > placed_row_id;
        budget.allocated_before = Money{sums.allocated_micro};
        budget.available_before = Money{sums.allocated_micro - sums.held_micro - sums.spent_micro};
        levels.push_back(budget);
        if (row.is_null(5)) continue;
        StoryLevel limit = budget;
        limit.kind = LevelKind::kPartitionLimit;
        limit.partition = row.str(6);
        limit.allocated_before = Money{row.i64(7)};
        limit.available_before =
            Money{row.i64(7) - limit_used_before(session, row.i64(5), placed_row_id)};
        levels.push_back(limit);
    }
    return levels;
}

// "hold for job of ... (nodes from -N; time from --time)": the brackets.
std::string origin_in(const std::vector<StoryEntry>& entries) {
    if (entries.empty()) return "";
    const std::string& reason = entries.front().reason;
    const size_t open = reason.find(" (");
    if (!reason.starts_with(kHoldReasonPrefix) || open == std::string::npos ||
        !reason.ends_with(")")) {
        return "";
    }
    return reason.substr(open + 2, reason.size() - open - 3);
}

}  // namespace

std::vector<std::string> holds_of_job(Session& session, const std::string& cluster,
                                      int64_t job_id) {
    std::vector<std::string> ids;
    for (const Row& row : session.query("SELECT id FROM hold WHERE cluster = ? AND job_id = ?"
                                        " ORDER BY created_at, id",
                                        {cluster, job_id})) {
        ids.push_back(row.str(0));
    }
    return ids;
}

std::optional<HoldStory> load_hold_story(Session& session, const SlurmDbName& slurm,
                                         const std::string& hold_id) {
    auto view = load_hold_view(session, hold_id);
    if (!view) return std::nullopt;
    HoldStory story;
    story.hold = std::move(*view);
    const auto superseded =
        session.query("SELECT superseded_by FROM hold WHERE id = ?", {hold_id}).at(0);
    if (!superseded.is_null(0)) story.superseded_by = superseded.str(0);
    story.entries = load_entries(session, hold_id);
    story.shape_origin = origin_in(story.entries);
    story.resized = std::any_of(story.entries.begin(), story.entries.end(), [](const auto& e) {
        return e.reason.starts_with(kResizeReasonPrefix);
    });
    // Levels as they stood before the hold's first row; a hold has one (its
    // placement) from the moment it exists.
    const int64_t placed_row_id = story.entries.empty() ? 0 : story.entries.front().id;
    story.levels = load_levels(session, hold_id, story.hold.account, placed_row_id);
    const bool charged = std::any_of(story.entries.begin(), story.entries.end(),
                                     [](const StoryEntry& e) { return e.charge_key.has_value(); });
    if (story.hold.job_id && charged) {
        for (const JobRun& run :
             runs_of_job(session, slurm, story.hold.cluster, *story.hold.job_id)) {
            if (auto key = run_charge_key(run)) story.runs.emplace(*key, run);
        }
    }
    return story;
}

}  // namespace asbb::db
