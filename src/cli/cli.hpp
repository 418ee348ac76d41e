// The asbb command line as a function, so tests can run it in-process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace asbb::cli {

// Runs `asbb ARGS...`; returns the exit status (see asbb(1)).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace asbb::cli
