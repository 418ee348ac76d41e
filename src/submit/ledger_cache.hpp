// The plugin's copy of what core::plan_hold decides on besides the account's
// path: one cluster's rate card, active budgets and partition limits, as of
// one ledger generation (sql/009_hold_path.sql). Each submission reads the
// account's path and the current generation in one statement; only when the
// generation has moved (an admin changed a budget, limit or rate) is the
// copy read again. So a hold costs two round trips, and a copy that went
// stale between the two is caught by asbb_place_hold_ids itself ('stale').
//
// Shared by concurrent calls (23.02+): the copy is immutable and handed out
// as a shared_ptr; the mutex guards only the pointer, never a database call.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/hold_plan.hpp"
#include "db/session.hpp"

namespace asbb::submit {

struct LedgerSnapshot {
    uint64_t generation = 0;
    std::map<std::string, PartitionRate> rates;  // by partition: the cluster's own, else ''
    std::vector<BudgetPeriod> budgets;           // active, by id
    std::map<std::pair<int64_t, std::string>, int64_t> limits;  // (budget, partition) -> limit
};

// Reads the copy: the generation first, so that a change committed while the
// tables are read makes the copy look older than it is, never newer.
std::shared_ptr<const LedgerSnapshot> load_ledger_snapshot(db::Session& session,
                                                           const std::string& cluster);

class LedgerCache {
  public:
    explicit LedgerCache(std::string cluster) : cluster_(std::move(cluster)) {}
    // The kept copy when it is at generation (or when generation is unknown
    // and a copy exists); otherwise a new one, read now and kept.
    std::shared_ptr<const LedgerSnapshot> at(db::Session& session,
                                             std::optional<uint64_t> generation);
    // A new copy, read now and kept.
    std::shared_ptr<const LedgerSnapshot> reload(db::Session& session);

  private:
    const std::string cluster_;
    std::mutex mutex_;
    std::shared_ptr<const LedgerSnapshot> kept_;
};

// plan_hold's view of a copy, for one account whose path was read already.
class SnapshotView final : public LedgerView {
  public:
    SnapshotView(const LedgerSnapshot& snapshot, std::vector<std::string> path)
        : snapshot_(snapshot), path_(std::move(path)) {}
    std::optional<PartitionRate> rate(const std::string& partition) override;
    std::vector<std::string> account_path(const std::string& account) override;
    std::vector<BudgetPeriod> active_budgets(const std::vector<std::string>& accounts) override;
    std::vector<PartitionLimitRef> partition_limits(const std::vector<int64_t>& budget_ids,
                                                    const std::string& partition) override;

  private:
    const LedgerSnapshot& snapshot_;
    const std::vector<std::string> path_;
};

}  // namespace asbb::submit
