// A budget's statement for a window of time (asbb statement): what it had
// available at the window's start, every movement inside it by kind, and
// what it had at the end. Pure: the caller reads the journal rows that
// count for the budget (db/budget_journal: its own, and those of every hold
// with a level on it) and hands them here; every figure is a sum of those rows' deltas, so
//
//   closing = opening + deposits - withdrawals - charges - true_ups
//             - (held_at_end - held_at_start)
//
// holds exactly (available = allocated - spent - held, the ledger's
// identity), and a test recomputes each sum from the journal on its own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.hpp"

namespace asbb {

// One journal row as a budget sees it.
struct JournalMove {
    int64_t created_at = 0;
    std::string kind;  // deposit withdraw hold charge release expire adjust true_up
    std::optional<std::string> hold_id;
    int64_t allocated_delta_micro = 0;
    int64_t held_delta_micro = 0;
    int64_t spent_delta_micro = 0;
    std::string user_name;  // '' when the row names none
    std::string partition;  // ''  likewise
    std::optional<int64_t> job_id;
};

// Charges and true-ups of one user on one partition.
struct StatementLine {
    Money charges;
    Money true_ups;
    int64_t jobs = 0;  // distinct job ids charged
};

struct StatementFigures {
    Money opening;      // available at the window's start
    Money deposits;     // allocation added
    Money withdrawals;  // allocation taken away (a positive amount)
    Money charges;      // spent by jobs' runs
    Money true_ups;     // spent moved by adjustments (negative: refunds)
    Money expired;      // held given back by expiry of orphaned holds
    Money held_at_start;
    Money held_at_end;  // what the holds open at the end hold
    int64_t holds_open_at_end = 0;
    Money closing;  // available at the window's end
    std::map<std::pair<std::string, std::string>, StatementLine> by_user_partition;
};

// The figures over [from_s, to_s) of the moves (in any order) that count
// for one budget.
StatementFigures statement_figures(const std::vector<JournalMove>& moves, int64_t from_s,
                                   int64_t to_s);

}  // namespace asbb
