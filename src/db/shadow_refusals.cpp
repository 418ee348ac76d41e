#include "db/shadow_refusals.hpp"

#include "db/journal.hpp"

namespace asbb::db {

namespace {

LevelKind level_kind_from(const std::string& name) {
    for (LevelKind kind : {LevelKind::kAccount, LevelKind::kAncestor, LevelKind::kPartitionLimit}) {
        if (name == level_kind_name(kind)) return kind;
    }
    throw DbError(DbErrorKind::kOther, 0, "shadow_refusal: unknown level_kind '" + name + "'");
}

constexpr const char* kColumns =
    "id, created_at, cluster, account, partition_name, user_name, uid, job_id, level_kind,"
    " level_account, level_partition, needed_micro, available_micro, message";

ShadowRefusal refusal_from_row(const Row& row) {
    ShadowRefusal r;
    r.id = row.i64(0);
    r.created_at_s = row.i64(1);
    r.cluster = row.str(2);
    r.account = row.str(3);
    r.partition = row.str(4);
    r.user_name = row.str(5);
    r.uid = row.opt_i64(6);
    r.job_id = row.opt_i64(7);
    if (row.str(8) != "none") {
        Shortfall level;
        level.kind = level_kind_from(row.str(8));
        level.account = row.str(9);
        level.partition = row.str(10);
        const auto available = row.opt_i64(12);
        r.level_had_period = available.has_value();
        level.available = Money{available.value_or(0)};
        r.level = level;
    }
    r.needed = Money{row.i64(11)};
    r.message = row.str(13);
    return r;
}

}  // namespace

void record_shadow_refusal(Session& session, const ShadowRefusal& r) {
    std::optional<int64_t> available;
    if (r.level && r.level_had_period) available = r.level->available.micro;
    session.exec(
        "INSERT INTO shadow_refusal (created_at, cluster, account, partition_name, user_name,"
        " uid, job_id, level_kind, level_account, level_partition, needed_micro,"
        " available_micro, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, LEFT(?, 1024))",
        {r.created_at_s, r.cluster, r.account, r.partition, r.user_name, optional_param(r.uid),
         optional_param(r.job_id), std::string(r.level ? level_kind_name(r.level->kind) : "none"),
         r.level ? r.level->account : std::string(), r.level ? r.level->partition : std::string(),
         r.needed.micro, optional_param(available), r.message});
}

std::vector<ShadowRefusal> list_shadow_refusals(Session& session, const ShadowFilter& filter) {
    std::string sql = std::string("SELECT ") + kColumns + " FROM shadow_refusal WHERE 1 = 1";
    Params params;
    if (filter.account) {
        sql += " AND account = ?";
        params.emplace_back(*filter.account);
    }
    if (filter.since_s) {
        sql += " AND created_at >= ?";
        params.emplace_back(*filter.since_s);
    }
    if (filter.until_s) {
        sql += " AND created_at < ?";
        params.emplace_back(*filter.until_s);
    }
    sql += " ORDER BY account, level_account, level_kind, level_partition, created_at, id";
    std::vector<ShadowRefusal> refusals;
    for (const auto& row : session.query(sql, params)) refusals.push_back(refusal_from_row(row));
    return refusals;
}

}  // namespace asbb::db
