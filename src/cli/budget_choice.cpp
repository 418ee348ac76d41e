#include "cli/budget_choice.hpp"

#include "cli/args.hpp"

namespace asbb::cli {

namespace {

// The scope --cluster names (NAME, or "" for all), unset without it; an
// account with budgets on several scopes then needs it.
std::optional<std::string> cluster_scope(const std::string& account,
                                         const std::optional<std::string>& cluster_option,
                                         const std::vector<db::Budget>& budgets) {
    std::optional<std::string> cluster;
    if (cluster_option) cluster = *cluster_option == "all" ? "" : parse_cluster(*cluster_option);
    if (budgets.empty()) user_error("account " + account + " has no budget");
    if (!cluster) {
        for (const auto& b : budgets) {
            if (b.cluster != budgets.front().cluster) {
                usage_error("account " + account +
                            " has budgets on several clusters; pass --cluster=NAME (or all)");
            }
        }
    }
    return cluster;
}

}  // namespace

db::Budget target_budget(Context& context, const std::string& account,
                         const std::optional<std::string>& cluster_option) {
    auto budgets = db::list_budgets(context.session(), account);
    auto cluster = cluster_scope(account, cluster_option, budgets);
    auto found = db::find_budget(context.session(), account, cluster, context.now_s);
    if (!found) user_error("account " + account + " has no budget on that cluster");
    return *found;
}

db::Budget budget_before(Context& context, const std::string& account,
                         const std::optional<std::string>& cluster_option, int64_t start_s) {
    auto budgets = db::list_budgets(context.session(), account);
    auto cluster = cluster_scope(account, cluster_option, budgets);
    std::optional<db::Budget> latest;
    for (auto& b : budgets) {
        if (cluster && b.cluster != *cluster) continue;
        if (b.period_start < start_s && (!latest || b.period_start > latest->period_start)) {
            latest = b;
        }
    }
    if (!latest) user_error("account " + account + " has no budget that starts before the new one");
    return *latest;
}

}  // namespace asbb::cli
