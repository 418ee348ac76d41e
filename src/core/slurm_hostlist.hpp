// SLURM's host lists as slurmdbd stores a job's nodes ("cpu[1-3,07],gpu1",
// "rack[1-2]-n[01-02]"), expanded to node names, so that a node named in the
// AWS bill can be found among a job's nodes. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

// A list longer than this is refused rather than expanded (a typo such as
// "n[1-99999999]" must not eat the memory of the process reading it).
inline constexpr size_t kMaxHostlistNames = 1'000'000;

// The names in order, duplicates kept as written. A range keeps the width of
// its lower bound's zero padding, as SLURM does ("n[08-10]" is n08 n09 n10).
// "" and "None" (a job that never got nodes) expand to nothing. An error
// names what is wrong: an unclosed bracket, an empty item, a descending or
// non-numeric range.
Expected<std::vector<std::string>> expand_hostlist(std::string_view text);

}  // namespace asbb
