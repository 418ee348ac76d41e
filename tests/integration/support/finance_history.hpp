// A ledger with a known history for the golden tests of the finance verbs
// (transactions, forecast): ten days of November 2026 in Asia/Kolkata
// (UTC+5:30, no DST, so a day boundary is not a UTC one), written through the
// real ledger operations at chosen instants. The test's clock (ASBB_NOW) is
// fixed at kFinanceNow.
#pragma once

#include <string>

#include "integration/support/cli_test.hpp"

namespace asbb::test {

inline constexpr const char* kFinanceTimeZone = "Asia/Kolkata";
// 2026-11-10T18:00:00 in Asia/Kolkata.
inline constexpr const char* kFinanceNowLocal = "2026-11-10T18:00:00";

// Sets TZ and ASBB_NOW for the whole test program (call before
// LedgerTest::SetUp, which reads the clock).
void use_finance_clock();

// Epoch seconds of a local "YYYY-MM-DDTHH:MM[:SS]".
int64_t local_instant(const std::string& text);

// proj001: $1000 for 2026-11-01..2026-11-30 (all clusters), physics $5000
// for the same period. The rows, in local time (available of proj001 after
// each):
//   11-01 09:00 deposit 1000 initial allocation (and physics' 5000)   1000.00
//   11-02 10:00 hold 120 alice aws-cpu, linked to job 101              880.00
//   11-03 08:15 charge 100.50 job 101, release 19.50                   880.00 / 899.50
//   11-05 12:00 deposit 250 "grant supplement" by finance             1149.50
//   11-06 23:45 hold 300 bob aws-gpu, linked to job 102                849.50
//   11-07 00:10 charge 210.25 job 102, release 89.75                   849.50 / 939.25
//   11-08 09:00 hold 50 alice aws-cpu (never a job)                    889.25
//   11-09 09:00 expire it                                              939.25
//   11-09 10:00 adjust job 101 by -0.50 "cost report"                  939.75
//   11-10 15:00 withdraw 100 "returned to faculty" by finance          839.75
//   11-10 16:00 hold 80 alice aws-cpu, linked to job 103 (open)        759.75
// Returns proj001's budget id (physics' is the next one).
int64_t write_finance_history(db::Session& session, const db::SlurmDbName& slurm);

// A CLI test on that history, at that clock.
class FinanceHistoryTest : public CliTest {
  protected:
    void SetUp() override {
        use_finance_clock();
        CliTest::SetUp();
        write_finance_history(session(), slurm());
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }
};

}  // namespace asbb::test
