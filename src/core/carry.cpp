#include "core/carry.hpp"

#include <algorithm>
#include <cctype>

namespace asbb {

namespace {

constexpr int64_t kWholePercentHundredths = 100 * 100;

const char* const kCarryForms = "none, all, N% (0 to 100) or max=AMOUNT";

// "12.5" -> 1250 (hundredths of a percent); digits, an optional point and at
// most two decimals.
Expected<int64_t> parse_percent_hundredths(std::string_view text) {
    const size_t point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
    auto all_digits = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(),
                           [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    };
    if (whole.empty() || whole.size() > 9 || !all_digits(whole) ||
        (point != std::string_view::npos && (fraction.empty() || !all_digits(fraction)))) {
        return make_error("'" + std::string(text) + "%' is not a percentage");
    }
    if (fraction.size() > 2) return make_error("a percentage takes at most two decimals");
    int64_t hundredths = std::stoll(std::string(whole)) * 100;
    if (!fraction.empty()) {
        hundredths += std::stoll(std::string(fraction)) * (fraction.size() == 1 ? 10 : 1);
    }
    return hundredths;
}

}  // namespace

Expected<CarryRule> parse_carry(std::string_view text) {
    CarryRule rule;
    if (text == "none") return rule;
    if (text == "all") {
        rule.kind = CarryRule::Kind::kAll;
        return rule;
    }
    if (text.starts_with("max=")) {
        const std::string_view amount = text.substr(4);
        if (amount.starts_with("-")) return make_error("max=: amount must not be negative");
        auto cap = parse_money(amount, Sign::kNonNegative);
        if (!cap) return make_error("max=: " + cap.error());
        if (cap->micro > kMaxAmountMicro) {
            return make_error("max=: more than the largest amount asbb accepts (" +
                              format_money_exact(Money{kMaxAmountMicro}) + ")");
        }
        rule.kind = CarryRule::Kind::kUpTo;
        rule.cap = *cap;
        return rule;
    }
    if (text.ends_with("%")) {
        auto hundredths = parse_percent_hundredths(text.substr(0, text.size() - 1));
        if (!hundredths) return make_error(hundredths.error());
        if (*hundredths > kWholePercentHundredths) {
            return make_error("carry of more than is left: " + std::string(text) +
                              " (at most 100%)");
        }
        rule.kind = CarryRule::Kind::kPercent;
        rule.percent_hundredths = *hundredths;
        return rule;
    }
    return make_error("'" + std::string(text) + "' is not " + kCarryForms);
}

Money carry_amount(const CarryRule& rule, Money available) {
    if (available.micro <= 0) return Money{0};
    switch (rule.kind) {
        case CarryRule::Kind::kNone:
            return Money{0};
        case CarryRule::Kind::kAll:
            return available;
        case CarryRule::Kind::kPercent: {
            // at most available x 10000 / 10000: it fits and never exceeds it
            auto micro = mul_div_round_half_up(available.micro, rule.percent_hundredths, 1,
                                               kWholePercentHundredths);
            return Money{std::min(micro.value_or(0), available.micro)};
        }
        case CarryRule::Kind::kUpTo:
            return std::min(rule.cap, available);
    }
    return Money{0};
}

std::string describe_carry(const CarryRule& rule) {
    switch (rule.kind) {
        case CarryRule::Kind::kNone:
            return "none";
        case CarryRule::Kind::kAll:
            return "all";
        case CarryRule::Kind::kPercent: {
            std::string text = std::to_string(rule.percent_hundredths / 100);
            if (int64_t rest = rule.percent_hundredths % 100; rest != 0) {
                text += "." + std::string(rest < 10 ? "0" : "") + std::to_string(rest);
                if (text.back() == '0') text.pop_back();
            }
            return text + "%";
        }
        case CarryRule::Kind::kUpTo:
            return "up to " + format_money_dollars(rule.cap);
    }
    return "none";
}

}  // namespace asbb
