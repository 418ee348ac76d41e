// Splitting comma-separated lists (BudgetedPartitions, sbatch -p a,b, --state,
// format=, --array): one splitter, so that every list in asbb treats empty
// items, a trailing comma and an empty text alike.
#pragma once

#include <string_view>
#include <vector>

namespace asbb {

// The items of text between separators, empty ones included, in order:
// "a,,b" -> {"a", "", "b"}, "" -> {""}, "a," -> {"a", ""}. Each item views
// text, which must outlive them. Callers decide what an empty item means
// (an error in config, nothing in a partition list).
std::vector<std::string_view> split_on(std::string_view text, char separator = ',');

}  // namespace asbb
