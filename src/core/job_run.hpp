// One run of a job as slurmdbd records it (a row of <cluster>_job_table),
// and what the poller may conclude from it. Pure: the rows are read
// elsewhere (src/db/slurm_jobs.hpp) and the states are SLURM's numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace asbb {

struct JobRun {
    // slurmdbd's row id, one per run (a requeue adds a row); BIGINT UNSIGNED,
    // and from 24.11 on slurmdbd hands out ids above 2^63. The sacct source,
    // which has no row ids, puts the run's charge key here.
    uint64_t job_db_inx = 0;
    int64_t job_id = 0;
    int64_t array_job_id = 0;  // 0 when not an array task
    uint32_t state = 0;        // SLURM's job_state, flags included
    int64_t time_start = 0;    // epoch s, 0 when it never started
    int64_t time_end = 0;      // epoch s, 0 while it runs
    int64_t nodes_alloc = 0;
    std::string admin_comment;
    std::string partition;
    std::string account;      // from the association, not the row's account column
    int64_t time_submit = 0;  // epoch s; with job_id, what makes the run unique
};

// A run with the nodes it held, for the AWS bill's attribution: the row's
// nodelist ("cpu[1-2]") and tres_alloc ("1=8,4=2": 8 CPUs on 2 nodes).
struct PlacedRun {
    JobRun run;
    std::string node_list;
    std::string tres_alloc;
};

// The CPUs in slurmdbd's tres_alloc text ("1=8,2=2000,4=2,5=8": TRES id 1 is
// cpu); 0 when it names none. An error for text that is not id=count pairs.
Expected<int64_t> tres_alloc_cpus(std::string_view tres_alloc);

// A run's row is final when its base state is final (COMPLETE and after), or
// when it was requeued (SLURM marks the old run JOB_REQUEUE with the base
// state back to PENDING, and writes the next run as a new row).
bool run_is_final(const JobRun& run);

// How long a final row without its start record waits to be corrected.
inline constexpr int64_t kStartRecordWait_s = 600;

// slurmdbd can write a run's row final before its start record: when it
// lost its database, or slurmctld was killed, while the job started and
// ended, slurmctld re-sends the start after the completion, and for a few
// seconds the row shows the run either with nodes but no time (no start, or
// a start at or after its end) or with its time but no nodes (the
// completion carries the start time, not the node count; seen after a
// kill -9 of slurmctld on 24.11). Charged as it stands, such a run would
// cost 0, and its charge key would keep the corrected row from being
// charged again; so it waits (its hold stays open) until slurmdbd corrects
// it, or until kStartRecordWait_s after its end, when it is charged as
// recorded (a job that truly held its nodes for no time: its hold is given
// back that much later).
bool run_awaits_start(const JobRun& run, int64_t now_s);

// A run SLURM requeued (node failure, scontrol requeue): its job ran again
// as a new row.
bool run_was_requeued(const JobRun& run);

// A run the poller may charge now: final, and not waiting for its start.
bool run_is_over(const JobRun& run, int64_t now_s);

// A live job (as slurmctld reports it) that may still run and be charged:
// pending, running, suspended, configuring, completing or being requeued.
bool job_still_active(uint32_t state);

// Seconds the run held its nodes: 0 when it never started.
int64_t run_elapsed_s(const JobRun& run);

// The key a run's charge is recorded under (journal.job_db_inx, unique per
// cluster), so that no run is charged twice. slurmdbd identifies a run by
// (id_job, time_submit): its job table has UNIQUE (id_job, time_submit), and
// a requeue writes the next run as a new row with a new submit time. Both
// poller sources see that pair (sacct --json prints no job_db_inx, and a
// restart count would not tell apart the rows of one run that slurmdbd
// rewrites), so the key is the pair packed without loss:
// time_submit * 2^26 + job_id. SLURM job ids stay below 2^26 (MaxJobId is at
// most 67,043,328) and submit times below 2^36 (year 4147), so the key fits
// in 62 bits and two runs never share one. nullopt outside those ranges.
std::optional<int64_t> run_charge_key(const JobRun& run);

// The job a hold is linked to for this run: the array's id for array tasks
// (one hold covers the whole array), else the job id.
int64_t hold_job_id(const JobRun& run);

}  // namespace asbb
