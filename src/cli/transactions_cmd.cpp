// asbb transactions ACCOUNT: the journal of an account's budgets, newest
// first, with the balance (available) after every row.
#include <algorithm>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/job_id.hpp"
#include "core/names.hpp"
#include "core/split.hpp"
#include "core/time_parse.hpp"
#include "db/budget_journal.hpp"
#include "db/budgets.hpp"
#include "db/journal_list.hpp"

namespace asbb::cli {

namespace {

const std::vector<std::string>& kKinds = db::journal_kinds();

struct Filters {
    std::optional<int64_t> from_s;   // created_at >= from_s
    std::optional<int64_t> until_s;  // created_at < until_s
    std::vector<std::string> kinds;  // empty: all
    std::optional<int64_t> job_id;
    std::optional<std::string> user_name;
};

std::vector<std::string> parse_kinds(const std::string& text) {
    std::string valid;
    for (const auto& kind : kKinds) valid += (valid.empty() ? "" : ", ") + kind;
    std::vector<std::string> kinds;
    for (std::string_view item : split_on(text)) {
        std::string kind(item);
        std::transform(kind.begin(), kind.end(), kind.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end()) {
            usage_error("--type: unknown type " + quote_input(kind) + " (valid: " + valid + ")");
        }
        kinds.push_back(kind);
    }
    return kinds;
}

Filters parse_filters(Context& context, const ParsedOptions& parsed) {
    Filters filters;
    auto last = optional_value(parsed, "last");
    auto start = optional_value(parsed, "start");
    auto end = optional_value(parsed, "end");
    if (last && (start || end)) usage_error("--last cannot be combined with --start or --end");
    if (last) {
        auto window_s = parse_duration_seconds(*last);
        if (!window_s) usage_error("--last: " + window_s.error());
        filters.from_s = context.now_s - *window_s;
    }
    if (start) {
        filters.from_s = parse_instant("start", *start, context.now_s, DateEdge::kStartOfDay);
    }
    if (end) filters.until_s = parse_instant("end", *end, context.now_s, DateEdge::kEndOfDay);
    if (filters.from_s && filters.until_s && *filters.until_s <= *filters.from_s) {
        usage_error("--end is before --start");
    }
    if (auto v = optional_value(parsed, "type")) filters.kinds = parse_kinds(*v);
    if (auto v = optional_value(parsed, "job")) {
        const auto job_id = parse_slurm_job_id(*v);
        if (!job_id) usage_error("--job: " + job_id.error());
        filters.job_id = *job_id;
    }
    if (auto v = optional_value(parsed, "user")) {
        auto user = validate_user_name(*v);
        if (!user) usage_error("--user: " + user.error());
        filters.user_name = *user;
    }
    return filters;
}

bool wanted(const Filters& filters, const db::BudgetJournalRow& row) {
    if (filters.from_s && row.created_at < *filters.from_s) return false;
    if (filters.until_s && row.created_at >= *filters.until_s) return false;
    if (!filters.kinds.empty() &&
        std::find(filters.kinds.begin(), filters.kinds.end(), row.kind) == filters.kinds.end()) {
        return false;
    }
    if (filters.job_id && row.job_id != filters.job_id) return false;
    if (filters.user_name && row.user_name != filters.user_name) return false;
    return true;
}

struct ListedRow {
    int64_t budget_id = 0;
    db::BudgetJournalRow row;
    Money balance;  // available after the row
};

// Every row of the budget with the available balance after it, summed from
// the first row on (filters only choose what is printed, never what is
// summed, so a balance is the same whatever the filters).
std::vector<ListedRow> with_balances(int64_t budget_id, std::vector<db::BudgetJournalRow> rows) {
    std::vector<ListedRow> listed;
    listed.reserve(rows.size());
    Money available{0};
    for (auto& row : rows) {
        std::optional<Money> next = checked_add(available, Money{row.allocated_delta_micro});
        if (next) next = checked_sub(*next, Money{row.held_delta_micro});
        if (next) next = checked_sub(*next, Money{row.spent_delta_micro});
        if (!next) user_error("budget " + std::to_string(budget_id) + ": balance overflows");
        available = *next;
        listed.push_back({budget_id, std::move(row), available});
    }
    return listed;
}

Cell optional_text(const std::optional<std::string>& text) {
    if (!text) return Cell{};
    return *text;
}

Listing transaction_listing(const std::vector<ListedRow>& rows) {
    Listing listing;
    listing.columns = {{"Date", Align::kLeft},
                       {"Type", Align::kLeft},
                       {"JobID"},
                       {"Account", Align::kLeft},
                       {"User", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"Amount"},
                       {"Balance"},
                       {"Actor", Align::kLeft},
                       {"Reason", Align::kLeft},
                       {"BudgetID"},
                       {"ID"}};
    for (const auto& listed : rows) {
        const auto& r = listed.row;
        listing.rows.push_back(
            {format_local_datetime(r.created_at), r.kind, r.job_id ? Cell{*r.job_id} : Cell{},
             r.account, optional_text(r.user_name), optional_text(r.partition),
             Money{r.amount_micro}, listed.balance, r.actor, r.reason, listed.budget_id, r.id});
    }
    return listing;
}

}  // namespace

int transactions_command(Context& context, const Args& args) {
    auto options = command_options("asbb transactions ACCOUNT",
                                   "The journal of an account's budgets, newest first");
    options.add_options()("last", "only the last DURATION (30d, 12h, 2w)", OptionArg::kValue)(
        "start", "only from this date on", OptionArg::kValue)(
        "end", "only up to this date, included", OptionArg::kValue)(
        "type", "only these types (comma-separated)", OptionArg::kValue)(
        "job", "only rows of this SLURM job id", OptionArg::kValue)(
        "user", "only rows of this user", OptionArg::kValue)(
        "cluster", "only the budget of this cluster (all: the all-clusters one)",
        OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb transactions ACCOUNT: ACCOUNT is missing");
    const std::string account = parse_account(positional[0]);
    context.require(Access::kRead, account);
    const Filters filters = parse_filters(context, parsed);
    std::optional<std::string> cluster;
    if (auto v = optional_value(parsed, "cluster")) cluster = *v == "all" ? "" : parse_cluster(*v);

    auto budgets = db::list_budgets(context.session(), account);
    if (budgets.empty()) user_error("account " + account + " has no budget");
    if (cluster) {
        std::erase_if(budgets, [&](const db::Budget& b) { return b.cluster != *cluster; });
        if (budgets.empty()) {
            user_error("account " + account + " has no budget on " +
                       (cluster->empty() ? std::string("all clusters") : "cluster " + *cluster));
        }
    }

    std::vector<ListedRow> rows;
    for (const auto& budget : budgets) {
        for (auto& listed :
             with_balances(budget.id, db::budget_journal(context.session(), budget.id))) {
            if (wanted(filters, listed.row)) rows.push_back(std::move(listed));
        }
    }
    // Newest first; journal ids are the commit order (a hold row shared by
    // two budgets of the account appears once per budget).
    std::stable_sort(rows.begin(), rows.end(), [](const ListedRow& a, const ListedRow& b) {
        if (a.row.id != b.row.id) return a.row.id > b.row.id;
        return a.budget_id < b.budget_id;
    });
    print_listing(context, transaction_listing(rows));
    return kExitOk;
}

}  // namespace asbb::cli
