#include "db/slurm_jobs.hpp"

namespace asbb::db {

namespace {

std::string job_select(const SlurmDbName& slurm, const std::string& cluster) {
    std::string jobs = assoc_table(slurm, cluster);
    jobs.replace(jobs.rfind("_assoc_table"), 12, "_job_table");
    return "SELECT j.job_db_inx, j.id_job, j.id_array_job, j.state, j.time_start, j.time_end,"
           " j.nodes_alloc, COALESCE(j.admin_comment, ''), j.`partition`, COALESCE(a.acct, ''),"
           " j.time_submit"
           " FROM " +
           jobs + " j LEFT JOIN " + assoc_table(slurm, cluster) + " a ON a.id_assoc = j.id_assoc";
}

JobRun run_of(const Row& r) {
    return JobRun{r.u64(0),        r.i64(1), r.i64(2), static_cast<uint32_t>(r.i64(3)),
                  r.i64(4),        r.i64(5), r.i64(6), r.str(7),
                  r.str_or(8, ""), r.str(9), r.i64(10)};
}

std::vector<JobRun> to_runs(const std::vector<Row>& rows) {
    std::vector<JobRun> runs;
    runs.reserve(rows.size());
    for (const auto& r : rows) {
        runs.push_back(run_of(r));
    }
    return runs;
}

}  // namespace

std::vector<JobRun> runs_after(Session& session, const SlurmDbName& slurm,
                               const std::string& cluster, uint64_t after_inx, int64_t limit) {
    return to_runs(session.query(
        job_select(slurm, cluster) + " WHERE j.job_db_inx > ? ORDER BY j.job_db_inx LIMIT ?",
        {Unsigned{after_inx}, limit}));
}

std::vector<JobRun> runs_by_inx(Session& session, const SlurmDbName& slurm,
                                const std::string& cluster, const std::vector<uint64_t>& inx) {
    if (inx.empty()) return {};
    std::string list = "(";
    Params params;
    for (size_t i = 0; i < inx.size(); ++i) {
        list += i == 0 ? "?" : ", ?";
        params.emplace_back(Unsigned{inx[i]});
    }
    return to_runs(session.query(
        job_select(slurm, cluster) + " WHERE j.job_db_inx IN " + list + ") ORDER BY j.job_db_inx",
        params));
}

std::vector<JobRun> runs_of_job(Session& session, const SlurmDbName& slurm,
                                const std::string& cluster, int64_t job_id) {
    return to_runs(session.query(job_select(slurm, cluster) +
                                     " WHERE j.id_job = ? OR j.id_array_job = ?"
                                     " ORDER BY j.job_db_inx",
                                 {job_id, job_id}));
}

std::vector<PlacedRun> runs_on_nodes_between(Session& session, const SlurmDbName& slurm,
                                             const std::string& cluster, int64_t start_s,
                                             int64_t end_s) {
    std::string sql = job_select(slurm, cluster);
    sql.replace(sql.find(" FROM "), 0, ", COALESCE(j.nodelist, ''), COALESCE(j.tres_alloc, '')");
    sql +=
        " WHERE j.time_start > 0 AND j.time_start < ? AND (j.time_end = 0 OR j.time_end > ?)"
        " AND j.nodes_alloc > 0 ORDER BY j.job_db_inx";
    std::vector<PlacedRun> runs;
    for (const auto& r : session.query(sql, {end_s, start_s})) {
        runs.push_back(PlacedRun{run_of(r), r.str(11), r.str(12)});
    }
    return runs;
}

}  // namespace asbb::db
