#include "core/hold_sizing.hpp"

#include "core/names.hpp"
#include "core/time_units.hpp"

namespace asbb {

namespace {

constexpr int64_t kMinFactorPpm = kPpm;       // 1.0
constexpr int64_t kMaxFactorPpm = 10 * kPpm;  // 10.0

std::string shape_problem(const JobShape& shape) {
    if (shape.nodes < 1) {
        return "node count " + std::to_string(shape.nodes) + " is below 1";
    }
    if (shape.time_limit_s < 1) {
        return "time limit " + std::to_string(shape.time_limit_s) + "s is below 1s";
    }
    if (shape.array_tasks < 1) {
        return "array task count " + std::to_string(shape.array_tasks) + " is below 1";
    }
    return {};
}

}  // namespace

Expected<HoldSize> size_hold(const JobShape& shape, Money node_hour_price,
                             int64_t hold_factor_ppm) {
    if (std::string problem = shape_problem(shape); !problem.empty()) {
        return make_error("cannot size hold: " + problem);
    }
    if (node_hour_price.micro < 0) {
        return make_error("cannot size hold: negative node-hour price " +
                          format_money_exact(node_hour_price));
    }
    if (hold_factor_ppm < kMinFactorPpm || hold_factor_ppm > kMaxFactorPpm) {
        return make_error("cannot size hold: hold factor " + format_hold_factor(hold_factor_ppm) +
                          " is outside 1.0-10.0");
    }
    // nodes x tasks first: mul_div takes three factors, and a shape whose
    // node-task count alone overflows int64 could never be paid for anyway.
    int64_t node_tasks = 0;
    if (__builtin_mul_overflow(shape.nodes, shape.array_tasks, &node_tasks)) {
        return make_error("cannot size hold: " + std::to_string(shape.nodes) + " nodes x " +
                          std::to_string(shape.array_tasks) + " array tasks is too large");
    }
    const auto estimate_micro = mul_div_round_half_up(node_tasks, node_hour_price.micro,
                                                      shape.time_limit_s, kSecondsPerHour);
    if (!estimate_micro) {
        return make_error("cannot size hold: estimate for " + std::to_string(shape.nodes) +
                          " nodes x " + std::to_string(shape.array_tasks) + " array tasks x " +
                          std::to_string(shape.time_limit_s) + "s at " +
                          format_money_dollars(node_hour_price) + "/node-hour overflows");
    }
    const auto hold_micro = mul_div_round_half_up(*estimate_micro, hold_factor_ppm, 1, kPpm);
    if (!hold_micro) {
        return make_error("cannot size hold: hold for estimate " +
                          format_money_dollars(Money::from_micro(*estimate_micro)) + " x " +
                          format_hold_factor(hold_factor_ppm) + " overflows");
    }
    return HoldSize{Money::from_micro(*estimate_micro), Money::from_micro(*hold_micro)};
}

Expected<int64_t> parse_hold_factor_ppm(std::string_view text) {
    auto ppm = parse_decimal_micro(text, Sign::kNonNegative, "hold factor");
    if (!ppm) {
        return ppm;
    }
    if (*ppm < kMinFactorPpm || *ppm > kMaxFactorPpm) {
        return make_error("invalid hold factor " + quote_input(text) +
                          ": must be between 1.0 and 10.0");
    }
    return ppm;
}

std::string format_hold_factor(int64_t hold_factor_ppm) {
    // Shares the decimal layout of money; a factor keeps one decimal at least
    // ("1.0") so it never reads as a count.
    std::string text = format_money_exact(Money::from_micro(hold_factor_ppm));
    if (text.size() >= 2 && text.back() == '0' && text[text.size() - 2] != '.') {
        text.pop_back();
    }
    return text;
}

Expected<Money> actual_cost(int64_t elapsed_s, int64_t nodes, Money node_hour_price) {
    // Zero is legitimate for both: a job cancelled before it started has
    // neither nodes nor elapsed time, and costs nothing.
    if (elapsed_s < 0 || nodes < 0 || node_hour_price.micro < 0) {
        return make_error("cannot compute cost: negative input (elapsed " +
                          std::to_string(elapsed_s) + "s, " + std::to_string(nodes) +
                          " nodes, price " + format_money_exact(node_hour_price) + ")");
    }
    const auto cost_micro =
        mul_div_round_half_up(elapsed_s, nodes, node_hour_price.micro, kSecondsPerHour);
    if (!cost_micro) {
        return make_error("cannot compute cost: " + std::to_string(nodes) + " nodes x " +
                          std::to_string(elapsed_s) + "s at " +
                          format_money_dollars(node_hour_price) + "/node-hour overflows");
    }
    return Money::from_micro(*cost_micro);
}

}  // namespace asbb
