// Statements over many rows at once (IN lists, multi-row INSERTs) without a
// new prepared statement for every list length: lists are cut into chunks of
// kRowsPerStatement and, for the rest, powers of two, so a session prepares
// and caches only a few shapes of each statement.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace asbb::db {

inline constexpr size_t kRowsPerStatement = 256;

inline std::vector<size_t> chunk_sizes(size_t count) {
    std::vector<size_t> sizes;
    for (; count >= kRowsPerStatement; count -= kRowsPerStatement) {
        sizes.push_back(kRowsPerStatement);
    }
    for (size_t part = kRowsPerStatement / 2; part >= 1; part /= 2) {
        if (count >= part) {
            sizes.push_back(part);
            count -= part;
        }
    }
    return sizes;
}

// "?, ?, ?" or, with a group, "(?, ?), (?, ?)".
inline std::string placeholders(size_t count, const std::string& group = "?") {
    std::string text;
    for (size_t i = 0; i < count; ++i) text += (i == 0 ? "" : ", ") + group;
    return text;
}

// Calls fn(first, count) for consecutive chunks of items.
template <class Fn>
void for_chunks(size_t items, Fn&& fn) {
    size_t at = 0;
    for (size_t size : chunk_sizes(items)) {
        fn(at, size);
        at += size;
    }
}

}  // namespace asbb::db
