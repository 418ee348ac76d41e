// What `asbb usage show|summary` look at: one cluster's SLURM tree, the
// budgets of one instant (--period), chosen the way holds choose them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "db/budgets.hpp"

namespace asbb::cli {

// --cluster=NAME, else the config's ClusterName. The tree is per cluster,
// so "all" is refused; an unknown cluster is a user error.
std::string tree_cluster(Context& context, const std::optional<std::string>& option);

// --period: absent or "current" = now; any other value is a time asbb
// accepts (2026-03-15, now-30days) and picks the period containing it.
int64_t period_instant(Context& context, const std::optional<std::string>& option);

// The budget of an account that holds on this cluster would count against
// at that instant: its budget for this cluster, else its all-clusters one.
std::optional<db::Budget> budget_at(const std::vector<db::Budget>& budgets,
                                    const std::string& account, const std::string& cluster,
                                    int64_t instant_s);

// Every budget of the account on this cluster scope covering the instant:
// the all-clusters one first (a hold counts against both when both exist).
std::vector<db::Budget> budgets_at(const std::vector<db::Budget>& budgets,
                                   const std::string& account, const std::string& cluster,
                                   int64_t instant_s);

// "lab" or "all" (a budget for every cluster).
std::string cluster_label(const std::string& budget_cluster);

// The last day included, as account list shows it.
std::string last_day(int64_t period_end_s);

}  // namespace asbb::cli
