#include "core/instance_node_map.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace asbb {

namespace {

constexpr int64_t kLaunchGrace_s = 3600;

bool is_lower_hex(char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

}  // namespace

bool is_instance_id(std::string_view text) {
    if (text.size() != 10 && text.size() != 19) return false;
    if (text.substr(0, 2) != "i-") return false;
    return std::all_of(text.begin() + 2, text.end(), is_lower_hex);
}

bool is_node_name(std::string_view text) {
    if (text.empty() || text.size() > 64 || text[0] == '-') return false;
    return std::all_of(text.begin(), text.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ch == '-' || ch == '_' || ch == '.';
    });
}

InstanceNodeMap::InstanceNodeMap(const std::vector<NodeInstanceSpan>& spans) {
    constexpr int64_t kOpen = std::numeric_limits<int64_t>::max();
    // Each node's spans by start, so that a span is cut where the node's
    // next instance begins.
    std::map<std::string, std::vector<const NodeInstanceSpan*>> by_node;
    for (const auto& span : spans) by_node[span.node].push_back(&span);
    for (auto& [node, list] : by_node) {
        std::sort(list.begin(), list.end(),
                  [](const auto* a, const auto* b) { return a->start_s < b->start_s; });
        for (size_t i = 0; i < list.size(); ++i) {
            int64_t end_s = list[i]->end_s.value_or(kOpen);
            for (size_t next = i + 1; next < list.size(); ++next) {
                if (list[next]->instance_id == list[i]->instance_id) continue;
                end_s = std::min(end_s, list[next]->start_s);
                break;
            }
            if (end_s <= list[i]->start_s) continue;  // replaced at once: never served
            by_instance_[list[i]->instance_id].push_back({node, list[i]->start_s, end_s});
            ++span_count_;
        }
    }
}

std::string InstanceNodeMap::node_of(const std::string& instance_id, int64_t start_s,
                                     int64_t end_s) const {
    auto found = by_instance_.find(instance_id);
    if (found == by_instance_.end()) return "";
    const std::string* best = nullptr;
    int64_t best_overlap_s = 0;
    for (const auto& span : found->second) {
        const int64_t overlap_s = std::min(end_s, span.end_s) - std::max(start_s, span.start_s);
        if (overlap_s > best_overlap_s) {
            best = &span.node;
            best_overlap_s = overlap_s;
        }
    }
    if (best) return *best;
    // An instance is launched, then assigned to its node: the hour it was
    // launched in may end before the assignment was logged.
    int64_t best_gap_s = kLaunchGrace_s + 1;
    for (const auto& span : found->second) {
        const int64_t gap_s = span.start_s - end_s;
        if (gap_s >= 0 && gap_s < best_gap_s) {
            best = &span.node;
            best_gap_s = gap_s;
        }
    }
    return best ? *best : "";
}

}  // namespace asbb
