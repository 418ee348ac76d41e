// asbb statement [ACCOUNT|--all] --period=YYYY-MM|DATE..DATE: each budget's
// statement for the window (core/statement), then its charges and true-ups
// by user and partition. Every figure is a sum of the journal rows that
// count for the budget (db/budget_journal, the rows asbb check sums).
#include <charconv>
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/names.hpp"
#include "core/statement.hpp"
#include "db/budget_journal.hpp"
#include "db/budgets.hpp"
#include "db/slurm_tree.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

struct Window {
    int64_t from_s = 0;
    int64_t to_s = 0;  // exclusive
};

// "YYYY-MM" (that month), or "DATE..DATE" (both days included).
Window parse_window(const std::string& text, int64_t now_s) {
    Window window;
    if (const size_t dots = text.find(".."); dots != std::string::npos) {
        window.from_s = parse_instant("period", text.substr(0, dots), now_s, DateEdge::kStartOfDay);
        window.to_s = parse_instant("period", text.substr(dots + 2), now_s, DateEdge::kEndOfDay);
    } else {
        int year = 0;
        int month = 0;
        const char* end = text.data() + text.size();
        auto [after_year, e1] = std::from_chars(text.data(), end, year);
        const bool shaped = text.size() == 7 && text[4] == '-' && e1 == std::errc() &&
                            after_year == text.data() + 4 &&
                            std::from_chars(text.data() + 5, end, month).ptr == end;
        if (!shaped || month < 1 || month > 12 || year < 1970) {
            usage_error("--period: " + quote_input(text) +
                        " is not YYYY-MM or DATE..DATE (e.g. 2026-03 or 2026-01-01..2026-03-31)");
        }
        const auto first_of = [&](int y, int m) {
            const std::string day =
                std::to_string(y) + (m < 10 ? "-0" : "-") + std::to_string(m) + "-01";
            return parse_instant("period", day, now_s, DateEdge::kStartOfDay);
        };
        window.from_s = first_of(year, month);
        window.to_s = month == 12 ? first_of(year + 1, 1) : first_of(year, month + 1);
    }
    if (window.to_s <= window.from_s) usage_error("--period: it ends before it starts");
    return window;
}

std::vector<JournalMove> budget_moves(db::Session& session, int64_t budget_id) {
    std::vector<JournalMove> moves;
    for (auto& row : db::budget_journal(session, budget_id)) {
        moves.push_back({row.created_at, std::move(row.kind), std::move(row.hold_id),
                         row.allocated_delta_micro, row.held_delta_micro, row.spent_delta_micro,
                         row.user_name.value_or(""), row.partition.value_or(""), row.job_id});
    }
    return moves;
}

struct BudgetStatement {
    db::Budget budget;
    StatementFigures figures;
};

Listing summary_listing(const std::vector<BudgetStatement>& statements, const Window& window) {
    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
                       {"Cluster", Align::kLeft},
                       {"BudgetID"},
                       {"From", Align::kLeft},
                       {"To", Align::kLeft},
                       {"Opening"},
                       {"Deposits"},
                       {"Withdrawals"},
                       {"Charges"},
                       {"TrueUps"},
                       {"Expired"},
                       {"HeldStart"},
                       {"HeldEnd"},
                       {"OpenHolds"},
                       {"Closing"}};
    for (const auto& [b, f] : statements) {
        listing.rows.push_back({b.account, b.cluster.empty() ? "all" : b.cluster, b.id,
                                format_local_date(window.from_s),
                                format_local_date(window.to_s - 1), f.opening, f.deposits,
                                f.withdrawals, f.charges, f.true_ups, f.expired, f.held_at_start,
                                f.held_at_end, f.holds_open_at_end, f.closing});
    }
    return listing;
}

Listing charges_listing(const std::vector<BudgetStatement>& statements) {
    Listing listing;
    listing.columns = {{"Account", Align::kLeft},
                       {"BudgetID"},
                       {"User", Align::kLeft},
                       {"Partition", Align::kLeft},
                       {"Jobs"},
                       {"Charges"},
                       {"TrueUps"}};
    for (const auto& [b, f] : statements) {
        for (const auto& [key, line] : f.by_user_partition) {
            listing.rows.push_back(
                {b.account, b.id, key.first, key.second, line.jobs, line.charges, line.true_ups});
        }
    }
    return listing;
}

void print_statements(Context& context, const std::vector<BudgetStatement>& statements,
                      const Window& window) {
    if (context.output.json) {
        print_json_object(context, {{"statements", summary_listing(statements, window)},
                                    {"charges", charges_listing(statements)}});
        return;
    }
    print_listing(context, summary_listing(statements, window));
    // format= names the statement's columns; the charges always show all.
    Context charges_context(context.out, context.err);
    charges_context.output = context.output;
    charges_context.output.format.reset();
    if (context.output.mode == TableMode::kTable) context.out << "\n";
    if (context.output.mode == TableMode::kCsv) context.out << "\r\n";
    print_listing(charges_context, charges_listing(statements));
}

}  // namespace

int statement_command(Context& context, const Args& args) {
    auto options = command_options("asbb statement [ACCOUNT|--all]",
                                   "Each budget's statement for a month or a range of days");
    options.add_options()("period", "YYYY-MM, or DATE..DATE (both days included)",
                          OptionArg::kValue)("all", "every budgeted account");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    const bool all = parsed.count("all") > 0;
    if (all == !positional.empty()) usage_error("asbb statement: name an ACCOUNT or give --all");
    const Window window = parse_window(required_value(parsed, "period"), context.now_s);
    std::optional<std::string> account;
    auto& session = context.session();
    if (!all) {
        account = parse_account(positional[0]);
        if (!db::slurm_account_exists(session, context.slurm_db(), *account)) {
            user_error("SLURM has no account '" + *account + "'");
        }
        context.require(Access::kRead, *account);
    }
    std::vector<BudgetStatement> statements;
    for (auto& budget : db::list_budgets(session, account)) {
        if (budget.period_end <= window.from_s || window.to_s <= budget.period_start) continue;
        if (!context.may(Access::kRead, budget.account, budget.cluster)) continue;
        auto moves = budget_moves(session, budget.id);
        statements.push_back(
            {std::move(budget), statement_figures(moves, window.from_s, window.to_s)});
    }
    if (account && statements.empty()) {
        user_error("account " + *account + " has no budget in " +
                   format_period(window.from_s, window.to_s));
    }
    print_statements(context, statements, window);
    return kExitOk;
}

}  // namespace asbb::cli
