// The arithmetic behind `asbb usage show|summary`: roll-ups over SLURM's
// account tree, the totals rule, burn rates, days left and percentages.
// Pure: the caller reads the tree and the ledger and hands the figures in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/time_units.hpp"

namespace asbb {

// What counted against one budget for the jobs of one account (or, summed,
// of a subtree).
struct UsageFigures {
    Money spent;
    Money held;
    int64_t open_holds = 0;
};

// Figures of every node of a tree given in preorder with its depth (0 =
// the top): entry i of the result is the sum of own[i] and the own figures
// of every node below i (the nodes after i up to the next one whose depth is
// not greater than depth[i]). depths and own have the same size.
std::vector<UsageFigures> subtree_sums(const std::vector<int>& depths,
                                       const std::vector<UsageFigures>& own);

// For each node of a preorder tree, the index of its nearest ancestor that
// is marked (budgeted), or -1. The totals of `usage summary` add up only the
// budgeted nodes without a budgeted ancestor: a hold counts against every
// budgeted level of its path, so a child's spend is already inside its
// budgeted ancestor's figures.
std::vector<int> nearest_marked_ancestor(const std::vector<int>& depths,
                                         const std::vector<bool>& marked);

// Whole days from max(now, start) to the period's end, a started day
// counting as one; 0 once the period has ended.
int64_t days_left(int64_t period_start_s, int64_t period_end_s, int64_t now_s);

// Mean spend per day over the part of the period that has passed
// (start .. min(now, end)), rounded half away from zero once; zero before the
// period starts. Seconds count, so a period 12 hours old with $10 spent burns
// $20 per day.
Money daily_burn(Money spent, int64_t period_start_s, int64_t period_end_s, int64_t now_s);

// part / whole as a percentage with one decimal, rounded half up: "12.5%";
// "-" when whole is not positive or part is negative.
std::string percent_text(Money part, Money whole);

// Compares part_a / whole_a with part_b / whole_b exactly (128-bit cross
// products). A ratio with a non-positive whole sorts below every other.
// Returns <0, 0 or >0.
int compare_ratio(Money part_a, Money whole_a, Money part_b, Money whole_b);

// SLURM's elapsed-time form: "HH:MM:SS", or "D-HH:MM:SS" from one day on.
// Negative input (a clock behind the row) shows as 00:00:00.
std::string format_elapsed(int64_t seconds);

}  // namespace asbb
