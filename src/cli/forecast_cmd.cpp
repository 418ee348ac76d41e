// asbb forecast ACCOUNT: burn rates, the trend of daily spend and where it
// leads by the end of the account's budget period (core/forecast.hpp does
// the arithmetic; this file reads the journal and prints).
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <ostream>

#include "cli/args.hpp"
#include "cli/budget_choice.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/forecast.hpp"
#include "db/budget_journal.hpp"
#include "db/budgets.hpp"
#include "util/local_day.hpp"

namespace asbb::cli {

namespace {

// Days per chart line: four weeks, so weekly patterns line up in columns.
constexpr size_t kChartDaysPerLine = 28;
constexpr const char* kBlocks[] = {" ",      "\u2581", "\u2582", "\u2583", "\u2584",
                                   "\u2585", "\u2586", "\u2587", "\u2588"};

// The period's days as local day numbers, and the spend of each elapsed one.
struct Series {
    int64_t first_day = 0;
    int64_t period_days = 0;
    std::vector<int64_t> spend_micro;
};

// Spend is what moved the budget's spent balance: charges and adjustments,
// bucketed by the local date of the journal row. A row dated outside the
// elapsed days (a late charge after the period ended) counts on the nearest
// elapsed day, so the series always sums to what was spent.
Series daily_series(Context& context, const db::Budget& budget) {
    Series series;
    series.first_day = local_day_number(budget.period_start);
    const int64_t last_day = local_day_number(budget.period_end - 1);
    series.period_days = last_day - series.first_day + 1;
    const int64_t today = local_day_number(context.now_s);
    const int64_t elapsed =
        std::clamp<int64_t>(today - series.first_day + 1, 0, series.period_days);
    series.spend_micro.assign(static_cast<size_t>(elapsed), 0);
    if (elapsed == 0) return series;
    for (const auto& row : db::budget_journal(context.session(), budget.id)) {
        if (row.spent_delta_micro == 0) continue;
        const int64_t index = std::clamp<int64_t>(
            local_day_number(row.created_at) - series.first_day, 0, elapsed - 1);
        auto sum = checked_add(Money{series.spend_micro[static_cast<size_t>(index)]},
                               Money{row.spent_delta_micro});
        if (!sum) user_error("budget " + std::to_string(budget.id) + ": daily spend overflows");
        series.spend_micro[static_cast<size_t>(index)] = sum->micro;
    }
    return series;
}

std::string days_text(int64_t days) {
    return std::to_string(days) + (days == 1 ? " day" : " days");
}

Listing figure_listing(const db::Budget& budget, const Series& series, const Forecast& f) {
    Listing listing;
    listing.columns = {{"Figure", Align::kLeft}, {"Value"}, {"Note", Align::kLeft}};
    const std::string left = days_text(f.days_left) + " left";
    auto add = [&](const char* name, Cell value, std::string note = "") {
        listing.rows.push_back({std::string(name), std::move(value), std::move(note)});
    };
    add("Account", budget.account);
    add("Cluster", budget.cluster.empty() ? "all" : budget.cluster);
    add("BudgetID", budget.id);
    add("Start", format_day_number(series.first_day), "first day of the period");
    add("End", format_day_number(series.first_day + series.period_days - 1), "last day, included");
    add("Days", f.period_days, "in the period");
    add("Elapsed", f.days_elapsed, "days so far, today included");
    add("Left", f.days_left, "days after today");
    add("Budget", budget.allocated);
    add("Spent", Money{f.spent_micro}, "charges and adjustments");
    add("Held", budget.held, "open holds, not yet spent");
    add("Available", budget.available());
    add("MeanBurn", Money{f.mean_daily_micro}, "per day: spent / " + days_text(f.days_elapsed));
    add("RecentDays", f.recent_days, "days the recent burn covers");
    add("RecentBurn", Money{f.recent_daily_micro},
        "per day over the last " + days_text(f.recent_days));
    add("TrendSlope", Money{f.trend_slope_micro}, "least-squares change of daily spend per day");
    add("TrendToday", Money{f.trend_today_micro}, "the trend line's daily spend today");
    add("ProjectedLeft", Money{f.projected_left_micro}, "trend over the " + left);
    add("Projected", Money{f.projected_total_micro}, "spend at period end: spent + trend");
    if (f.runs_out_day) {
        add("RunsOut", format_day_number(series.first_day + *f.runs_out_day),
            *f.runs_out_day < f.days_elapsed ? "spend reached the budget" : "at the trend");
    } else {
        add("RunsOut", "not within period");
    }
    if (f.on_budget_daily_micro) {
        add("OnBudgetRate", Money{*f.on_budget_daily_micro},
            "per day over the " + left + " to end on budget");
    } else {
        add("OnBudgetRate", Cell{}, "no day left");
    }
    return listing;
}

// One JSON object: every figure under its key (as in listings: "MeanBurn"
// -> "mean_burn"), exact amounts as strings, and the daily series.
void print_json(Context& context, const Listing& figures, const Series& series) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    auto string = [&](const std::string& text) {
        writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    };
    writer.StartObject();
    for (const auto& row : figures.rows) {
        writer.Key(json_key(std::get<std::string>(row[0])).c_str());
        const Cell& value = row[1];
        if (std::holds_alternative<std::monostate>(value)) {
            writer.Null();
        } else if (const auto* number = std::get_if<int64_t>(&value)) {
            writer.Int64(*number);
        } else if (const auto* money = std::get_if<Money>(&value)) {
            string(format_money_exact(*money));
        } else {
            string(std::get<std::string>(value));
        }
    }
    writer.Key("daily");
    writer.StartArray();
    for (size_t i = 0; i < series.spend_micro.size(); ++i) {
        writer.StartObject();
        writer.Key("date");
        string(format_day_number(series.first_day + static_cast<int64_t>(i)));
        writer.Key("spend");
        string(format_money_exact(Money{series.spend_micro[i]}));
        writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    context.out << buffer.GetString() << '\n';
}

// Daily spend as bars, four weeks a line, each line led by its first date.
void print_chart(Context& context, const Series& series) {
    const auto& spend = series.spend_micro;
    if (spend.empty()) {
        context.out << "\nDaily spend: the period has not started\n";
        return;
    }
    const int64_t largest = *std::max_element(spend.begin(), spend.end());
    if (largest <= 0) {
        context.out << "\nDaily spend: nothing spent yet\n";
        return;
    }
    context.out << "\nDaily spend (\u2588 = " << format_money_dollars(Money{largest}) << "):\n";
    const std::vector<int> levels = chart_levels(spend);
    for (size_t start = 0; start < levels.size(); start += kChartDaysPerLine) {
        std::string line = format_day_number(series.first_day + static_cast<int64_t>(start)) + " ";
        const size_t end = std::min(levels.size(), start + kChartDaysPerLine);
        for (size_t i = start; i < end; ++i) line += kBlocks[levels[i]];
        // A day without spend is a blank: drop the blanks at the end.
        line.erase(line.find_last_not_of(' ') + 1);
        context.out << line << '\n';
    }
}

}  // namespace

int forecast_command(Context& context, const Args& args) {
    auto options = command_options(
        "asbb forecast ACCOUNT", "Burn rates, trend and projection of an account's budget period");
    options.add_options()("cluster", "which cluster's budget (all: the all-clusters one)",
                          OptionArg::kValue)("no-chart", "no chart of daily spend");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb forecast ACCOUNT: ACCOUNT is missing");
    const std::string account = parse_account(positional[0]);
    context.require(Access::kRead, account);
    const db::Budget budget = target_budget(context, account, optional_value(parsed, "cluster"));

    const Series series = daily_series(context, budget);
    auto forecast =
        compute_forecast({series.spend_micro, series.period_days, budget.allocated.micro});
    if (!forecast) user_error("account " + account + ": " + forecast.error());
    const Listing figures = figure_listing(budget, series, *forecast);
    if (context.output.json) {
        print_json(context, figures, series);
        return kExitOk;
    }
    print_listing(context, figures);
    if (context.output.mode == TableMode::kTable && parsed.count("no-chart") == 0) {
        print_chart(context, series);
    }
    return kExitOk;
}

}  // namespace asbb::cli
