#include "cli/usage_scope.hpp"

#include "cli/args.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

std::string tree_cluster(Context& context, const std::optional<std::string>& option) {
    std::string cluster;
    if (option) {
        if (*option == "all" || option->empty()) {
            usage_error("--cluster: name one cluster (SLURM's account tree is per cluster)");
        }
        cluster = parse_cluster(*option);
    } else {
        cluster = context.config().cluster_name;
        if (cluster.empty()) usage_error("no cluster: pass --cluster=NAME or set ClusterName");
    }
    if (!db::slurm_cluster_exists(context.session(), context.slurm_db(), cluster)) {
        user_error("SLURM has no cluster '" + cluster + "'");
    }
    return cluster;
}

int64_t period_instant(Context& context, const std::optional<std::string>& option) {
    if (!option || *option == "current") return context.now_s;
    return parse_instant("period", *option, context.now_s, DateEdge::kStartOfDay);
}

std::vector<db::Budget> budgets_at(const std::vector<db::Budget>& budgets,
                                   const std::string& account, const std::string& cluster,
                                   int64_t instant_s) {
    std::vector<db::Budget> found;
    for (const std::string& scope : {std::string(), cluster}) {
        for (const auto& b : budgets) {
            if (b.account == account && b.cluster == scope && b.covers(instant_s)) {
                found.push_back(b);
            }
        }
    }
    return found;
}

std::optional<db::Budget> budget_at(const std::vector<db::Budget>& budgets,
                                    const std::string& account, const std::string& cluster,
                                    int64_t instant_s) {
    auto found = budgets_at(budgets, account, cluster, instant_s);
    if (found.empty()) return std::nullopt;
    return found.back();  // the cluster's own budget when there is one
}

std::string cluster_label(const std::string& budget_cluster) {
    return budget_cluster.empty() ? "all" : budget_cluster;
}

std::string last_day(int64_t period_end_s) {
    return format_local_date(period_end_s - 1);
}

}  // namespace asbb::cli
