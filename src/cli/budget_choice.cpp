#include "cli/budget_choice.hpp"

#include "cli/args.hpp"

namespace asbb::cli {

db::Budget target_budget(Context& context, const std::string& account,
                         const std::optional<std::string>& cluster_option) {
    std::optional<std::string> cluster;
    if (cluster_option) cluster = *cluster_option == "all" ? "" : parse_cluster(*cluster_option);
    auto budgets = db::list_budgets(context.session(), account);
    if (budgets.empty()) user_error("account " + account + " has no budget");
    if (!cluster) {
        for (const auto& b : budgets) {
            if (b.cluster != budgets.front().cluster) {
                usage_error("account " + account +
                            " has budgets on several clusters; pass --cluster=NAME (or all)");
            }
        }
    }
    auto found = db::find_budget(context.session(), account, cluster, context.now_s);
    if (!found) user_error("account " + account + " has no budget on that cluster");
    return *found;
}

}  // namespace asbb::cli
