// run_program (MailProg's runner) with real programs: input on stdin,
// output and exit status back, a deadline that kills, and a program that
// reads nothing must not take the caller down with SIGPIPE.
#include "util/run_program.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace asbb {
namespace {

TEST(RunProgram, PassesInputAndReturnsOutputAndStatus) {
    ProgramRun run;
    run.argv = {"/bin/sh", "-c", "tr a-z A-Z; echo \"args: $1 [$2]\" >&2; exit 3",
                "sh",      "-s", "two words"};
    run.input = "hello mail\n";
    auto result = run_program(run);
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result->exit_status, 3);
    EXPECT_EQ(result->output, "HELLO MAIL\nargs: -s [two words]\n");
}

TEST(RunProgram, OutputIsCappedAndStderrMayGoThrough) {
    ProgramRun run;
    run.argv = {"/bin/sh", "-c", "head -c 100000 /dev/zero; echo oops >&2"};
    run.max_output_bytes = 10;
    run.capture_stderr = false;
    auto result = run_program(run);
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result->exit_status, 0);
    EXPECT_EQ(result->output, std::string(10, '\0'));
}

TEST(RunProgram, AProgramPastItsDeadlineIsKilled) {
    ProgramRun run;
    run.argv = {"/bin/sleep", "30"};
    run.timeout_ms = 200;
    const auto start = std::chrono::steady_clock::now();
    auto result = run_program(run);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), "/bin/sleep did not finish within 200 ms and was killed");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(RunProgram, AProgramThatReadsNothingGetsItsInputRefusedQuietly) {
    ProgramRun run;
    run.argv = {"/bin/true"};
    run.input = std::string(1 << 20, 'x');  // more than a pipe holds
    auto result = run_program(run);
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_EQ(result->exit_status, 0);
}

TEST(RunProgram, MissingProgramsAndSignalsAreErrors) {
    ProgramRun run;
    run.argv = {"/nonexistent/mail"};
    auto missing = run_program(run);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), "cannot run /nonexistent/mail: No such file or directory");
    run.argv = {"/bin/sh", "-c", "kill -TERM $$"};
    auto killed = run_program(run);
    ASSERT_FALSE(killed.ok());
    EXPECT_EQ(killed.error(), "/bin/sh was killed by signal 15");
    EXPECT_FALSE(run_program(ProgramRun{}).ok());
}

}  // namespace
}  // namespace asbb
