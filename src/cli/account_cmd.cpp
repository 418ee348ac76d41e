// asbb account create|list|show|update|rollover|delete|set-limit|deposit|withdraw
#include <ostream>

#include "cli/args.hpp"
#include "cli/budget_choice.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "db/budgets.hpp"
#include "db/ledger.hpp"

namespace asbb::cli {

namespace {

constexpr const char* kAccountUsage =
    "usage: asbb account create|list|show|update|rollover|delete|set-limit|deposit|withdraw ...";

CommandOptions account_verb_options(const std::string& verb, const std::string& help) {
    return command_options("asbb account " + verb, help);
}

// Tenths of a percent of what was allocated, as "12.5%"; "-" without allocation.
std::string percent_used(Money used, Money allocated) {
    if (allocated.micro <= 0 || used.micro < 0) return "-";
    auto tenths = mul_div_round_half_up(used.micro, 1000, 1, allocated.micro);
    if (!tenths) return "-";
    return std::to_string(*tenths / 10) + "." + std::to_string(*tenths % 10) + "%";
}

Listing budget_listing(const std::vector<db::Budget>& budgets) {
    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
                       {"Cluster", Align::kLeft},
                       {"Start", Align::kLeft},
                       {"End", Align::kLeft},
                       {"Budget"},
                       {"Spent"},
                       {"Held"},
                       {"Available"},
                       {"Used"},
                       {"Holds"},
                       {"ID"},
                       {"Descr", Align::kLeft}};
    for (const auto& b : budgets) {
        listing.rows.push_back(
            {b.account, b.cluster.empty() ? "all" : b.cluster, format_local_date(b.period_start),
             format_local_date(b.period_end - 1), b.allocated, b.spent, b.held, b.available(),
             percent_used(b.spent, b.allocated), b.open_holds, b.id, b.description});
    }
    return listing;
}

Listing limit_listing(const std::vector<db::PartitionLimit>& limits) {
    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"Limit"},
                       {"Spent"},
                       {"Held"},
                       {"Available"}};
    for (const auto& l : limits) {
        listing.rows.push_back({l.account, l.partition, l.limit, l.spent, l.held, l.available()});
    }
    return listing;
}

int create_budget(Context& context, const Args& args) {
    auto options = account_verb_options("create", "Create a budget for a SLURM account");
    options.add_options()("name", "SLURM account", OptionArg::kValue)(
        "budget", "allocation in dollars", OptionArg::kValue)("start", "first day (YYYY-MM-DD)",
                                                              OptionArg::kValue)(
        "end", "last day, included (YYYY-MM-DD)", OptionArg::kValue)(
        "cluster", "cluster (default: all clusters)", OptionArg::kValue)("description", "free text",
                                                                         OptionArg::kValue)(
        "force", "create it even when holds already placed in the period exceed it");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;

    db::NewBudget budget;
    budget.account = parse_account(required_value(parsed, "name"));
    budget.allocation = parse_amount("budget", required_value(parsed, "budget"), AllowZero::kYes);
    budget.period_start = parse_instant("start", required_value(parsed, "start"), context.now_s,
                                        DateEdge::kStartOfDay);
    budget.period_end =
        parse_instant("end", required_value(parsed, "end"), context.now_s, DateEdge::kEndOfDay);
    if (budget.period_end <= budget.period_start) usage_error("--end is before --start");
    budget.cluster = parse_cluster(optional_value(parsed, "cluster").value_or(""));
    budget.description =
        parse_text("description", optional_value(parsed, "description").value_or(""));
    budget.actor = context.actor;
    budget.now_s = context.now_s;
    budget.force = parsed.count("force") > 0;

    auto id = db::create_budget(context.session(), context.slurm_db(), budget);
    if (!id) user_error(id.error());
    context.out << "created budget " << *id << " for account " << budget.account << ": "
                << format_money_dollars(budget.allocation) << " for "
                << format_period(budget.period_start, budget.period_end) << "\n";
    return kExitOk;
}

int list_budgets(Context& context, const Args& args) {
    auto options = account_verb_options("list", "List budgets");
    options.add_options()("cluster", "only this cluster's budgets", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    auto budgets = db::list_budgets(context.session(), std::nullopt);
    // Through the service: only what the caller may read.
    std::erase_if(budgets, [&](const db::Budget& b) {
        return !context.may(Access::kRead, b.account, b.cluster);
    });
    if (auto cluster = optional_value(parsed, "cluster")) {
        std::string wanted = *cluster == "all" ? "" : parse_cluster(*cluster);
        std::erase_if(budgets, [&](const db::Budget& b) { return b.cluster != wanted; });
    }
    print_listing(context, budget_listing(budgets));
    return kExitOk;
}

int show_account(Context& context, const Args& args) {
    auto options =
        account_verb_options("show NAME", "Show an account's budgets and partition limits");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb account show NAME: NAME is missing");
    const std::string account = parse_account(positional[0]);
    context.require(Access::kRead, account);
    auto budgets = db::list_budgets(context.session(), account);
    if (budgets.empty()) user_error("account " + account + " has no budget");
    std::vector<db::PartitionLimit> limits;
    for (const auto& b : budgets) {
        for (auto& l : db::list_limits(context.session(), b.id)) limits.push_back(std::move(l));
    }
    if (context.output.json) {
        // One document: the budgets and the partition limits under their names.
        print_json_object(context, {{"budgets", budget_listing(budgets)},
                                    {"partition_limits", limit_listing(limits)}});
        return kExitOk;
    }
    print_listing(context, budget_listing(budgets));
    if (!limits.empty()) {
        // The limits table always shows all its columns: format= names the
        // budget columns.
        Context limits_context(context.out, context.err);
        limits_context.output = context.output;
        limits_context.output.format.reset();
        if (context.output.mode == TableMode::kTable) context.out << "\n";
        print_listing(limits_context, limit_listing(limits));
    }
    return kExitOk;
}

int update(Context& context, const Args& args) {
    auto options = account_verb_options("update NAME", "Change an account's current budget");
    options.add_options()("budget", "new total allocation", OptionArg::kValue)(
        "start", "new first day", OptionArg::kValue)("end", "new last day, included",
                                                     OptionArg::kValue)(
        "description", "new description", OptionArg::kValue)("cluster", "which cluster's budget",
                                                             OptionArg::kValue)(
        "force", "move the period even when holds placed in it would exceed the budget");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb account update NAME: NAME is missing");
    const std::string account = parse_account(positional[0]);

    db::BudgetChange change;
    if (auto v = optional_value(parsed, "budget"))
        change.allocation = parse_amount("budget", *v, AllowZero::kYes);
    if (auto v = optional_value(parsed, "start")) {
        change.period_start = parse_instant("start", *v, context.now_s, DateEdge::kStartOfDay);
    }
    if (auto v = optional_value(parsed, "end")) {
        change.period_end = parse_instant("end", *v, context.now_s, DateEdge::kEndOfDay);
    }
    if (auto v = optional_value(parsed, "description"))
        change.description = parse_text("description", *v);
    if (!change.allocation && !change.period_start && !change.period_end && !change.description) {
        usage_error("nothing to change: pass --budget, --start, --end or --description");
    }
    change.actor = context.actor;
    change.now_s = context.now_s;
    change.force = parsed.count("force") > 0;
    db::Budget budget = target_budget(context, account, optional_value(parsed, "cluster"));
    auto done = db::update_budget(context.session(), context.slurm_db(), budget.id, change);
    if (!done) user_error(done.error());
    context.out << "updated budget " << budget.id << " of account " << account << "\n";
    return kExitOk;
}

// --carry: the rule, or a usage error naming the option.
CarryRule parse_carry_option(const std::optional<std::string>& text) {
    if (!text) return {};
    auto rule = parse_carry(*text);
    if (!rule) usage_error("--carry: " + rule.error());
    return *rule;
}

int rollover(Context& context, const Args& args) {
    auto options =
        account_verb_options("rollover NAME", "Create the next period of an account's budget");
    options.add_options()("start", "first day (YYYY-MM-DD)", OptionArg::kValue)(
        "end", "last day, included (YYYY-MM-DD)", OptionArg::kValue)(
        "budget", "the new period's allocation in dollars", OptionArg::kValue)(
        "carry", "none (default), all, N% or max=AMOUNT of what is left", OptionArg::kValue)(
        "cluster", "which cluster's budget", OptionArg::kValue)(
        "description", "free text (default: the old budget's)", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb account rollover NAME: NAME is missing");
    const std::string account = parse_account(positional[0]);
    db::NewBudget next;
    next.account = account;
    next.allocation = parse_amount("budget", required_value(parsed, "budget"), AllowZero::kYes);
    next.period_start = parse_instant("start", required_value(parsed, "start"), context.now_s,
                                      DateEdge::kStartOfDay);
    next.period_end =
        parse_instant("end", required_value(parsed, "end"), context.now_s, DateEdge::kEndOfDay);
    if (next.period_end <= next.period_start) usage_error("--end is before --start");
    const CarryRule carry = parse_carry_option(optional_value(parsed, "carry"));
    auto description = optional_value(parsed, "description");
    if (description) next.description = parse_text("description", *description);
    next.actor = context.actor;
    next.now_s = context.now_s;
    db::Budget from =
        budget_before(context, account, optional_value(parsed, "cluster"), next.period_start);
    next.cluster = from.cluster;
    if (!description) next.description = from.description;
    auto done = db::rollover_budget(context.session(), context.slurm_db(), from.id, next, carry);
    if (!done) user_error("account " + account + ": " + done.error());
    context.out << "created budget " << done->budget_id << " for account " << account << ": "
                << format_money_dollars(next.allocation) << " for "
                << format_period(next.period_start, next.period_end) << ", carried "
                << format_money_dollars(done->carried) << " from budget " << from.id << " ("
                << describe_carry(carry) << ")\n";
    return kExitOk;
}

int remove_budget(Context& context, const Args& args) {
    auto options = account_verb_options("delete NAME", "Delete an account's current budget");
    options.add_options()("force", "release open holds first")("cluster", "which cluster's budget",
                                                               OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb account delete NAME: NAME is missing");
    const std::string account = parse_account(positional[0]);
    db::Budget budget = target_budget(context, account, optional_value(parsed, "cluster"));
    auto done = db::delete_budget(context.session(), budget.id, parsed.count("force") > 0,
                                  context.actor, context.now_s);
    if (!done) user_error(done.error());
    context.out << "deleted budget " << budget.id << " of account " << account << "\n";
    return kExitOk;
}

int set_limit(Context& context, const Args& args) {
    auto options =
        account_verb_options("set-limit NAME", "Cap an account's spending on one partition");
    options.add_options()("partition", "partition", OptionArg::kValue)(
        "limit", "cap in dollars", OptionArg::kValue)("cluster", "which cluster's budget",
                                                      OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb account set-limit NAME: NAME is missing");
    const std::string account = parse_account(positional[0]);
    const std::string partition = parse_partition(required_value(parsed, "partition"));
    const Money limit = parse_amount("limit", required_value(parsed, "limit"), AllowZero::kYes);
    db::Budget budget = target_budget(context, account, optional_value(parsed, "cluster"));
    auto done =
        db::set_partition_limit(context.session(), budget.id, partition, limit, context.now_s);
    if (!done) user_error(done.error());
    context.out << "account " << account << " may spend at most " << format_money_dollars(limit)
                << " on partition " << partition << "\n";
    return kExitOk;
}

int move_money(Context& context, const Args& args, bool is_deposit) {
    const std::string verb = is_deposit ? "deposit" : "withdraw";
    auto options = account_verb_options(
        verb + " NAME AMOUNT", is_deposit ? "Add money to a budget" : "Take money from a budget");
    options.add_options()("reason", "why (recorded in the journal)", OptionArg::kValue)(
        "cluster", "which cluster's budget", OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 2);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.size() < 2)
        usage_error("asbb account " + verb + " NAME AMOUNT: missing argument");
    const std::string account = parse_account(positional[0]);
    const Money amount = parse_amount("", positional[1], AllowZero::kNo);
    const std::string reason = parse_reason(required_value(parsed, "reason"));
    db::Budget budget = target_budget(context, account, optional_value(parsed, "cluster"));
    auto& session = context.session();
    if (is_deposit) {
        db::in_transaction(session, [&] {
            db::deposit(session, budget.id, amount, reason, context.actor, context.now_s);
        });
    } else {
        auto done = db::in_transaction(session, [&] {
            return db::withdraw(session, budget.id, amount, reason, context.actor, context.now_s);
        });
        if (!done) user_error("account " + account + ": " + done.error());
    }
    context.out << (is_deposit ? "deposited " : "withdrew ") << format_money_dollars(amount)
                << (is_deposit ? " to " : " from ") << "account " << account << "\n";
    return kExitOk;
}

}  // namespace

int account_command(Context& context, const Args& args) {
    if (args.empty()) usage_error(kAccountUsage);
    const std::string& verb = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (verb == "create") return create_budget(context, rest);
    if (verb == "list") return list_budgets(context, rest);
    if (verb == "show") return show_account(context, rest);
    if (verb == "update") return update(context, rest);
    if (verb == "rollover") return rollover(context, rest);
    if (verb == "delete") return remove_budget(context, rest);
    if (verb == "set-limit") return set_limit(context, rest);
    if (verb == "deposit") return move_money(context, rest, true);
    if (verb == "withdraw") return move_money(context, rest, false);
    usage_error("unknown account verb '" + verb + "' (" + kAccountUsage + ")");
}

}  // namespace asbb::cli
