// A ledger with a known history on a fixed clock, for the golden-output tests
// of `asbb usage` and `asbb holds`. The clock (ASBB_NOW) is 2026-03-15
// 12:00:00 and TZ is UTC, so every date, age and burn rate printed is fixed.
//
// Budgets (2026-01-01..2026-12-31 unless said): root 100000, physics 50000
// (aws-gpu limit 10000), proj001 20000 (aws-gpu limit 1000), chem 5000;
// proj002 has none, so its jobs count against physics and root only. In
// 2025: root 80000, physics 40000.
//
// Holds (est = estimate, amt = amount held when placed):
//   h0 proj002 aws-cpu bob   2025-06-01 est 1000 amt 1200 job 50  charged 999.99 (final)
//   h1 proj001 aws-cpu alice 2026-03-01T10:00 est 100 amt 120 job 101 charged 80.50 (final)
//   h5 physics aws-cpu dave  2026-03-05 est 10  amt 12   expired
//   h3 proj002 aws-gpu bob   2026-03-10 est 200 amt 240 job 103 charged 150.25 (final)
//   h6 chem    aws-cpu carol 2026-03-12 est 50  amt 60   released
//   h2 proj001 aws-gpu alice 2026-03-14T09:30 est 500 amt 600 job 102 open (linked)
//   h7 chem    aws-cpu carol 2026-03-14T20:00 est 20 amt 24 job 104 charged 5.000001
//      so far, still open with 18.999999 held
//   h4 proj002 aws-cpu bob   2026-03-15T11:00 est 30  amt 36   open (pending)
#pragma once

#include <string>

#include "integration/support/cli_test.hpp"

namespace asbb::test {

inline constexpr int64_t kUsageNow = 1773576000;  // 2026-03-15T12:00:00Z

class UsageHistoryTest : public CliTest {
  protected:
    void SetUp() override;
    void TearDown() override;

    // The hold id of hN in the table above.
    static std::string hold_id(int n);

  private:
    void place(int n, const std::string& account, const std::string& partition,
               const std::string& user, int64_t at_s, int64_t estimate_micro, int64_t amount_micro);
};

}  // namespace asbb::test
