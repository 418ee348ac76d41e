// A LedgerTest that drives the CLI in-process with a config pointing at the
// test's databases, and the checks every CLI test makes: a command's whole
// output, and a refusal that is one line, the right exit status, and
// changes nothing.
#pragma once

#include <string>
#include <vector>

#include "integration/support/test_db.hpp"

namespace asbb::test {

// Fixes the CLI's clock (ASBB_NOW) and time zone (TZ) for golden outputs;
// call before LedgerTest::SetUp, which reads the clock. restore_clock()
// undoes both.
void fix_clock(const char* time_zone, int64_t now_s);
void restore_clock();

class CliTest : public LedgerTest {
  protected:
    void SetUp() override;

    // asbb --config=<the test's> ARGS...
    CliResult asbb(std::vector<std::string> args);
    // The output of a command that must succeed without a word on stderr.
    std::string out(std::vector<std::string> args);
    void expect_output(std::vector<std::string> args, const std::string& expected);
    // Must fail with exit status `status` and one line "asbb: error: ..."
    // that contains needle, with the ledger unchanged.
    void expect_refused(std::vector<std::string> args, int status, const std::string& needle);
    // Everything the ledger holds (budgets, limits, journal, holds, API
    // tokens, bill imports and their job costs, rates, Spot prices), as one
    // comparable text.
    std::string ledger_state();

    std::string config_;
};

}  // namespace asbb::test
