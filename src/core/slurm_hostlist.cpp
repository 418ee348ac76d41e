#include "core/slurm_hostlist.hpp"

#include <charconv>
#include <cstdint>

#include "core/split.hpp"

namespace asbb {

namespace {

// The list's top-level items: commas inside brackets do not separate.
Expected<std::vector<std::string_view>> top_level_items(std::string_view text) {
    std::vector<std::string_view> items;
    int depth = 0;
    size_t from = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        const char c = i < text.size() ? text[i] : ',';
        if (c == '[' && ++depth > 1) return make_error("a bracket inside a bracket");
        if (c == ']' && --depth < 0) return make_error("']' without '['");
        if (c == ',' && depth == 0) {
            if (i == from) return make_error("an empty name");
            items.push_back(text.substr(from, i - from));
            from = i + 1;
        }
    }
    if (depth != 0) return make_error("'[' without ']'");
    return items;
}

// The numbers a bracket's text stands for, each as written (padded).
Expected<std::vector<std::string>> bracket_values(std::string_view inside) {
    std::vector<std::string> values;
    for (std::string_view part : split_on(inside, ',')) {
        const size_t dash = part.find('-');
        const std::string_view low = part.substr(0, dash);
        const std::string_view high = dash == std::string_view::npos ? low : part.substr(dash + 1);
        uint64_t from = 0;
        uint64_t to = 0;
        auto a = std::from_chars(low.data(), low.data() + low.size(), from);
        auto b = std::from_chars(high.data(), high.data() + high.size(), to);
        if (low.empty() || high.empty() || a.ptr != low.data() + low.size() ||
            b.ptr != high.data() + high.size() || a.ec != std::errc() || b.ec != std::errc()) {
            return make_error("'[" + std::string(inside) + "]': not a range of numbers");
        }
        if (to < from) return make_error("'[" + std::string(inside) + "]': a descending range");
        if (to - from >= kMaxHostlistNames) return make_error("more than a million names");
        for (uint64_t n = from; n <= to; ++n) {
            std::string digits = std::to_string(n);
            if (digits.size() < low.size()) digits.insert(0, low.size() - digits.size(), '0');
            values.push_back(std::move(digits));
        }
    }
    return values;
}

// One item, every bracket in it expanded (the product of its brackets).
Expected<bool> expand_item(std::string_view item, std::vector<std::string>& out) {
    std::vector<std::string> names{""};
    size_t at = 0;
    while (at < item.size()) {
        const size_t open = item.find('[', at);
        const std::string_view literal = item.substr(at, open - at);
        for (auto& name : names) name += literal;
        if (open == std::string_view::npos) break;
        const size_t close = item.find(']', open);
        auto values = bracket_values(item.substr(open + 1, close - open - 1));
        if (!values) return make_error(values.error());
        if (names.size() * values->size() > kMaxHostlistNames) {
            return make_error("more than a million names");
        }
        std::vector<std::string> product;
        product.reserve(names.size() * values->size());
        for (const auto& name : names) {
            for (const auto& value : *values) product.push_back(name + value);
        }
        names = std::move(product);
        at = close + 1;
    }
    if (out.size() + names.size() > kMaxHostlistNames)
        return make_error("more than a million names");
    out.insert(out.end(), names.begin(), names.end());
    return true;
}

}  // namespace

Expected<std::vector<std::string>> expand_hostlist(std::string_view text) {
    std::vector<std::string> names;
    if (text.empty() || text == "None" || text == "(null)") return names;
    auto items = top_level_items(text);
    if (!items) return make_error("host list '" + std::string(text) + "': " + items.error());
    for (std::string_view item : *items) {
        auto added = expand_item(item, names);
        if (!added) return make_error("host list '" + std::string(text) + "': " + added.error());
    }
    return names;
}

}  // namespace asbb
