#include "core/usage_math.hpp"

#include <cstdio>

namespace asbb {

std::vector<UsageFigures> subtree_sums(const std::vector<int>& depths,
                                       const std::vector<UsageFigures>& own) {
    std::vector<UsageFigures> sums(own.size());
    // Walking backwards, every node's subtree is already summed when its
    // parent (the nearest earlier node one level up) is reached.
    std::vector<size_t> open;  // indices whose subtree is being summed, deepest last
    for (size_t i = own.size(); i-- > 0;) {
        sums[i].spent.micro += own[i].spent.micro;
        sums[i].held.micro += own[i].held.micro;
        sums[i].open_holds += own[i].open_holds;
        while (!open.empty() && depths[open.back()] > depths[i]) {
            const size_t child = open.back();
            open.pop_back();
            if (depths[child] == depths[i] + 1) {
                sums[i].spent.micro += sums[child].spent.micro;
                sums[i].held.micro += sums[child].held.micro;
                sums[i].open_holds += sums[child].open_holds;
            }
        }
        open.push_back(i);
    }
    return sums;
}

std::vector<int> nearest_marked_ancestor(const std::vector<int>& depths,
                                         const std::vector<bool>& marked) {
    std::vector<int> nearest(depths.size(), -1);
    std::vector<size_t> path;  // the ancestors of the current node, root first
    for (size_t i = 0; i < depths.size(); ++i) {
        while (!path.empty() && depths[path.back()] >= depths[i]) path.pop_back();
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            if (marked[*it]) {
                nearest[i] = static_cast<int>(*it);
                break;
            }
        }
        path.push_back(i);
    }
    return nearest;
}

int64_t days_left(int64_t period_start_s, int64_t period_end_s, int64_t now_s) {
    const int64_t from = now_s > period_start_s ? now_s : period_start_s;
    if (from >= period_end_s) return 0;
    return (period_end_s - from + kSecondsPerDay - 1) / kSecondsPerDay;
}

Money daily_burn(Money spent, int64_t period_start_s, int64_t period_end_s, int64_t now_s) {
    const int64_t until = now_s < period_end_s ? now_s : period_end_s;
    const int64_t elapsed_s = until - period_start_s;
    if (elapsed_s <= 0) return Money{0};
    const bool negative = spent.micro < 0;
    const int64_t magnitude = negative ? -spent.micro : spent.micro;
    auto per_day = mul_div_round_half_up(magnitude, kSecondsPerDay, 1, elapsed_s);
    if (!per_day) return Money{0};  // beyond int64: cannot happen below the amount caps
    return Money{negative ? -*per_day : *per_day};
}

std::string percent_text(Money part, Money whole) {
    if (whole.micro <= 0 || part.micro < 0) return "-";
    auto tenths = mul_div_round_half_up(part.micro, 1000, 1, whole.micro);
    if (!tenths) return "-";
    return std::to_string(*tenths / 10) + "." + std::to_string(*tenths % 10) + "%";
}

int compare_ratio(Money part_a, Money whole_a, Money part_b, Money whole_b) {
    const bool a_valid = whole_a.micro > 0;
    const bool b_valid = whole_b.micro > 0;
    if (!a_valid || !b_valid) return static_cast<int>(a_valid) - static_cast<int>(b_valid);
    const __int128 left = static_cast<__int128>(part_a.micro) * whole_b.micro;
    const __int128 right = static_cast<__int128>(part_b.micro) * whole_a.micro;
    return left < right ? -1 : (left > right ? 1 : 0);
}

std::string format_elapsed(int64_t seconds) {
    if (seconds < 0) seconds = 0;
    const int64_t days = seconds / kSecondsPerDay;
    const int64_t rest = seconds % kSecondsPerDay;
    char clock[16];
    std::snprintf(clock, sizeof clock, "%02d:%02d:%02d", static_cast<int>(rest / 3600),
                  static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
    return days > 0 ? std::to_string(days) + "-" + clock : std::string(clock);
}

}  // namespace asbb
