// The figures core/hold_plan decides on, read from the database afresh (the
// CLI, the service, the poller); the plugin keeps a copy instead
// (submit/ledger_cache.hpp). Also what a planned hold's levels have now.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/hold_id.hpp"
#include "core/hold_plan.hpp"
#include "db/ledger.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"

namespace asbb::db {

class DbLedgerView final : public LedgerView {
  public:
    DbLedgerView(Session& session, SlurmDbName slurm, std::string cluster)
        : session_(session), slurm_(std::move(slurm)), cluster_(std::move(cluster)) {}
    std::optional<PartitionRate> rate(const std::string& partition) override;
    std::vector<std::string> account_path(const std::string& account) override;
    std::vector<BudgetPeriod> active_budgets(const std::vector<std::string>& accounts) override;
    std::vector<PartitionLimitRef> partition_limits(const std::vector<int64_t>& budget_ids,
                                                    const std::string& partition) override;

  private:
    Session& session_;
    SlurmDbName slurm_;
    std::string cluster_;
};

// The active budgets of a cluster's accounts (and of every cluster's: cluster
// ''), ordered by id; accounts empty: all of them.
std::vector<BudgetPeriod> read_active_budgets(Session& session, const std::string& cluster,
                                              const std::vector<std::string>& accounts);

// Changes whenever a budget, partition limit or rate changes in a way that
// could put a hold on other levels (sql/009_hold_path.sql).
uint64_t read_ledger_generation(Session& session);

// Takes the generation row for the caller's transaction, before any budget
// or limit row: what a change that moves holds' levels (a budget made,
// deleted or its period moved, a partition limit set) does first. A hold
// being placed holds this row shared and then locks budgets; locking it
// first here keeps the two in one order, so neither waits on the other in
// a cycle (sql/012_budget_commitments.sql).
void lock_ledger_generation(Session& session);

// What each level has now, read without locking, in level order. Its twin
// in SQL is asbb_place_hold_ids's 'short' answer (sql/010_hold_path_ids.sql),
// which reads the same three figures inside the refused transaction so that
// a refusal costs no third round trip: a change to one belongs in both.
std::vector<LevelFunds> read_level_funds(Session& session, const std::vector<PlannedLevel>& levels,
                                         int64_t now_s);

// Who a hold is for and who places it.
struct HoldParty {
    std::string cluster;
    std::string account;  // normalized
    std::string user_name;
    std::optional<uint32_t> uid;
    std::string actor;  // "plugin", "poller", a CLI user
};

// The request that places a planned hold (plan.outcome kHold).
HoldRequest hold_request_for(const HoldPlan& plan, const HoldId& id, const HoldParty& party,
                             int64_t hold_factor_ppm, int64_t now_s);

}  // namespace asbb::db
