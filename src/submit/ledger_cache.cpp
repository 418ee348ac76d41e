#include "submit/ledger_cache.hpp"

#include <algorithm>

#include "db/ledger_view.hpp"
#include "db/rates.hpp"

namespace asbb::submit {

std::shared_ptr<const LedgerSnapshot> load_ledger_snapshot(db::Session& session,
                                                           const std::string& cluster) {
    auto snapshot = std::make_shared<LedgerSnapshot>();
    snapshot->generation = db::read_ledger_generation(session);
    // list_rates orders by cluster, so '' comes first and the cluster's own
    // rate, read later, replaces it.
    for (const auto& rate : db::list_rates(session)) {
        if (rate.cluster.empty() || rate.cluster == cluster) {
            snapshot->rates[rate.partition] = db::partition_rate(rate);
        }
    }
    snapshot->budgets = db::read_active_budgets(session, cluster, {});
    auto rows = session.query(
        "SELECT l.id, l.budget_id, l.partition_name FROM partition_limit l"
        " JOIN budget b ON b.id = l.budget_id WHERE b.status = 'active' AND b.cluster IN (?, '')",
        {cluster});
    for (const auto& row : rows) snapshot->limits[{row.i64(1), row.str(2)}] = row.i64(0);
    return snapshot;
}

std::shared_ptr<const LedgerSnapshot> LedgerCache::at(db::Session& session,
                                                      std::optional<uint64_t> generation) {
    {
        std::lock_guard guard(mutex_);
        if (kept_ && (!generation || kept_->generation == *generation)) return kept_;
    }
    return reload(session);
}

std::shared_ptr<const LedgerSnapshot> LedgerCache::reload(db::Session& session) {
    auto fresh = load_ledger_snapshot(session, cluster_);
    std::lock_guard guard(mutex_);
    // Of two calls that reloaded at once, keep the newer copy.
    if (!kept_ || kept_->generation <= fresh->generation) kept_ = fresh;
    return fresh;
}

std::optional<PartitionRate> SnapshotView::rate(const std::string& partition) {
    auto found = snapshot_.rates.find(partition);
    if (found == snapshot_.rates.end()) return std::nullopt;
    return found->second;
}

std::vector<std::string> SnapshotView::account_path(const std::string& account) {
    // The path was read for this account; another account has none here.
    if (path_.empty() || path_.front() != account) return {};
    return path_;
}

std::vector<BudgetPeriod> SnapshotView::active_budgets(const std::vector<std::string>& accounts) {
    std::vector<BudgetPeriod> found;
    for (const auto& budget : snapshot_.budgets) {
        if (std::find(accounts.begin(), accounts.end(), budget.account) != accounts.end()) {
            found.push_back(budget);
        }
    }
    return found;
}

std::vector<PartitionLimitRef> SnapshotView::partition_limits(
    const std::vector<int64_t>& budget_ids, const std::string& partition) {
    std::vector<PartitionLimitRef> found;
    for (int64_t budget_id : budget_ids) {
        auto limit = snapshot_.limits.find({budget_id, partition});
        if (limit != snapshot_.limits.end()) found.push_back({limit->second, budget_id});
    }
    return found;
}

}  // namespace asbb::submit
