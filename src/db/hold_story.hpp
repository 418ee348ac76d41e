// Everything the database holds about one hold, for `asbb explain`: the
// hold with its price lock, each level with what it had available just
// before the hold was placed (recomputed from the journal, the same rows
// asbb check sums), every journal row of the hold in order, and slurmdbd's
// record of each run it charged. Read only; nothing is derived from the
// present state of a budget except where that is all there is (a partition
// limit's cap, which is not journaled).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/job_run.hpp"
#include "core/money.hpp"
#include "db/job_context.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

struct StoryLevel {
    int level_no = 0;
    LevelKind kind = LevelKind::kAccount;
    std::string account;
    std::string partition;  // a partition limit's
    int64_t period_start = 0;
    int64_t period_end = 0;
    // Just before the hold's first journal row: the budget's allocation (a
    // limit's cap as set now) and what was available then. attached_later:
    // the budget was created after the hold and took it on (account create
    // under open commitments), so it had no figures when the hold was placed.
    Money allocated_before;
    Money available_before;
    bool attached_later = false;
};

struct StoryEntry {
    int64_t id = 0;
    int64_t created_at = 0;
    std::string kind;
    Money amount;
    int64_t held_delta_micro = 0;
    int64_t spent_delta_micro = 0;
    std::optional<int64_t> job_id;
    std::optional<int64_t> charge_key;  // charge rows: the run's key (core/job_run)
    std::string actor;
    std::string reason;
};

struct HoldStory {
    HoldView hold;  // its levels as they stand now
    std::optional<std::string> superseded_by;
    std::vector<StoryLevel> levels;
    std::vector<StoryEntry> entries;
    // Where the placed shape's figures came from, as the placement row says
    // ("nodes from -N; time from --time"); empty when it did not record it.
    std::string shape_origin;
    bool resized = false;  // a row of the journal resized the hold
    // slurmdbd's rows of the hold's job, by charge key, for the charge rows.
    std::map<int64_t, JobRun> runs;
};

// The holds linked to a job on a cluster (the one it was submitted with and
// any that replaced it), oldest first.
std::vector<std::string> holds_of_job(Session& session, const std::string& cluster, int64_t job_id);

std::optional<HoldStory> load_hold_story(Session& session, const SlurmDbName& slurm,
                                         const std::string& hold_id);

}  // namespace asbb::db
