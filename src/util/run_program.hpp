// Running another program with a deadline: MailProg for alerts. The
// program gets input on stdin; what it prints on stdout is returned (up to
// a cap) and its stderr goes where ours goes, unless it is captured too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

struct ProgramRun {
    std::vector<std::string> argv;  // argv[0] is the path (no shell, no PATH search)
    std::string input;              // written to its stdin, which is then closed
    int64_t timeout_ms = 5'000;     // then it is killed (SIGKILL) and the run failed
    size_t max_output_bytes = 4096;
    bool capture_stderr = true;  // stderr into the returned output as well
};

struct ProgramResult {
    int exit_status = 0;  // from a normal exit
    std::string output;
};

// The exit status and output of a program that exited by itself in time;
// an error when it could not start, was killed by a signal or ran out of
// time.
Expected<ProgramResult> run_program(const ProgramRun& run);

}  // namespace asbb
