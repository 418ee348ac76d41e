#include "core/split.hpp"

namespace asbb {

std::vector<std::string_view> split_on(std::string_view text, char separator) {
    std::vector<std::string_view> items;
    size_t start = 0;
    for (;;) {
        const size_t end = text.find(separator, start);
        if (end == std::string_view::npos) {
            items.push_back(text.substr(start));
            return items;
        }
        items.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace asbb
