// asbb forecast on a ledger with a known history (support/
// finance_history.hpp) and a fixed clock (2026-11-10T18:00, Asia/Kolkata):
// every figure checked against the hand computation below, in table, -p,
// -P, -n, format= and --json form; an ended period, one without spend, one
// not started; and the refusals (one line, nothing changed).
//
// proj001's spend by local day (charges and adjustments), days 0-9 of 30:
//   day 2 (11-03) 100.50, day 6 (11-07, the charge at 00:10 local is
//   11-06 18:40 UTC) 210.25, day 8 (11-09) -0.50, others 0.
//   Spent 310.25; budget 1000 + 250 - 100 = 1150; held 80 (job 103).
//   Mean 310.25 / 10 = 31.025. Recent (days 3-9): 209.75 / 7 = 29.9642857 -> 29.964286.
//   Least squares, n=10: Sx=45 Sxx=285 Sy=310.25 Sxy=2*100.5+6*210.25-8*0.5=1458.5
//   D = 10*285 - 45^2 = 825; Bn = 10*1458.5 - 45*310.25 = 623.75
//   slope = 623.75 / 825 = 0.75606060... -> 0.756061
//   trend(t) = (A + C t) / Q, A = Sy D - Bn Sx = 227887.5, C = n Bn = 6237.5, Q = n D = 8250
//   today (t=9): (227887.5 + 56137.5) / 8250 = 34.4272727... -> 34.427273
//   days left t=10..29: 20 A + C (10+29) 20/2 = 4557750 + 2432625 = 6990375;
//     / 8250 = 847.3181818... -> 847.318182; projected 310.25 + that = 1157.568182
//   runs out: 1150 - 310.25 = 839.75 more; through day 28 the trend adds
//     847.318182 - trend(29) = 847.318182 - 49.548485 = 797.77 < 839.75, through
//     day 29 847.32 >= 839.75: day 29 = 2026-11-30.
//   on budget: 839.75 / 20 = 41.9875.
// physics (5000) has the same spend (its sub-account's jobs): same rates;
//   1157.57 < 5000: not within period; on budget (5000 - 310.25) / 20 = 234.4875.
#include <cstdlib>

#include "integration/support/finance_history.hpp"

namespace asbb::test {
namespace {

class CliForecast : public FinanceHistoryTest {
  protected:
    // proj002: a budget on cluster lab for November without spend, and one
    // on all clusters for December (not started on the fixed clock).
    void add_proj002_budgets() {
        ASSERT_EQ(out({"account", "create", "--name=proj002", "--budget=500", "--cluster=lab",
                       "--start=2026-11-01", "--end=2026-11-30"})
                      .empty(),
                  false);
        ASSERT_EQ(out({"account", "create", "--name=proj002", "--budget=310", "--start=2026-12-01",
                       "--end=2026-12-31"})
                      .empty(),
                  false);
    }
};

// The chart: day 2 is 100.50 / 210.25 of the largest day: 8 x 0.478 = 3.82
// -> 4 (the 4th block); day 6 the largest, 8; the rest no spend (blank,
// blanks at the end dropped; the refund of day 8 too).
TEST_F(CliForecast, Table) {
    EXPECT_EQ(out({"forecast", "proj001"}),
              R"~(Figure             Value Note                                           
------------- ---------- ---------------------------------------------- 
Account          proj001                                                
Cluster              all                                                
BudgetID               1                                                
Start         2026-11-01 first day of the period                        
End           2026-11-30 last day, included                             
Days                  30 in the period                                  
Elapsed               10 days so far, today included                    
Left                  20 days after today                               
Budget           1150.00                                                
Spent             310.25 charges and adjustments                        
Held               80.00 open holds, not yet spent                      
Available         759.75                                                
MeanBurn           31.03 per day: spent / 10 days                       
RecentDays             7 days the recent burn covers                    
RecentBurn         29.96 per day over the last 7 days                   
TrendSlope          0.76 least-squares change of daily spend per day    
TrendToday         34.43 the trend line's daily spend today             
ProjectedLeft     847.32 trend over the 20 days left                    
Projected        1157.57 spend at period end: spent + trend             
RunsOut       2026-11-30 at the trend                                   
OnBudgetRate       41.99 per day over the 20 days left to end on budget 

Daily spend (█ = $210.25):
2026-11-01   ▄   █
)~");
}

TEST_F(CliForecast, Parsable) {
    EXPECT_EQ(out({"forecast", "proj001", "-p"}), R"~(Figure|Value|Note|
Account|proj001||
Cluster|all||
BudgetID|1||
Start|2026-11-01|first day of the period|
End|2026-11-30|last day, included|
Days|30|in the period|
Elapsed|10|days so far, today included|
Left|20|days after today|
Budget|1150.00||
Spent|310.25|charges and adjustments|
Held|80.00|open holds, not yet spent|
Available|759.75||
MeanBurn|31.025|per day: spent / 10 days|
RecentDays|7|days the recent burn covers|
RecentBurn|29.964286|per day over the last 7 days|
TrendSlope|0.756061|least-squares change of daily spend per day|
TrendToday|34.427273|the trend line's daily spend today|
ProjectedLeft|847.318182|trend over the 20 days left|
Projected|1157.568182|spend at period end: spent + trend|
RunsOut|2026-11-30|at the trend|
OnBudgetRate|41.9875|per day over the 20 days left to end on budget|
)~");
}

TEST_F(CliForecast, Parsable2NoHeaderFormat) {
    EXPECT_EQ(out({"forecast", "proj001", "-P", "-n", "format=Figure,Value"}), R"~(Account|proj001
Cluster|all
BudgetID|1
Start|2026-11-01
End|2026-11-30
Days|30
Elapsed|10
Left|20
Budget|1150.00
Spent|310.25
Held|80.00
Available|759.75
MeanBurn|31.025
RecentDays|7
RecentBurn|29.964286
TrendSlope|0.756061
TrendToday|34.427273
ProjectedLeft|847.318182
Projected|1157.568182
RunsOut|2026-11-30
OnBudgetRate|41.9875
)~");
}

TEST_F(CliForecast, FormatWidthsNoChart) {
    EXPECT_EQ(out({"forecast", "proj001", "format=Value%12,Figure", "--no-chart"}),
              R"~(       Value Figure        
------------ ------------- 
     proj001 Account       
         all Cluster       
           1 BudgetID      
  2026-11-01 Start         
  2026-11-30 End           
          30 Days          
          10 Elapsed       
          20 Left          
     1150.00 Budget        
      310.25 Spent         
       80.00 Held          
      759.75 Available     
       31.03 MeanBurn      
           7 RecentDays    
       29.96 RecentBurn    
        0.76 TrendSlope    
       34.43 TrendToday    
      847.32 ProjectedLeft 
     1157.57 Projected     
  2026-11-30 RunsOut       
       41.99 OnBudgetRate  
)~");
}

TEST_F(CliForecast, Json) {
    EXPECT_EQ(out({"forecast", "proj001", "--json"}), R"~({
  "account": "proj001",
  "cluster": "all",
  "budget_id": 1,
  "start": "2026-11-01",
  "end": "2026-11-30",
  "days": 30,
  "elapsed": 10,
  "left": 20,
  "budget": "1150.00",
  "spent": "310.25",
  "held": "80.00",
  "available": "759.75",
  "mean_burn": "31.025",
  "recent_days": 7,
  "recent_burn": "29.964286",
  "trend_slope": "0.756061",
  "trend_today": "34.427273",
  "projected_left": "847.318182",
  "projected": "1157.568182",
  "runs_out": "2026-11-30",
  "on_budget_rate": "41.9875",
  "daily": [
    {
      "date": "2026-11-01",
      "spend": "0.00"
    },
    {
      "date": "2026-11-02",
      "spend": "0.00"
    },
    {
      "date": "2026-11-03",
      "spend": "100.50"
    },
    {
      "date": "2026-11-04",
      "spend": "0.00"
    },
    {
      "date": "2026-11-05",
      "spend": "0.00"
    },
    {
      "date": "2026-11-06",
      "spend": "0.00"
    },
    {
      "date": "2026-11-07",
      "spend": "210.25"
    },
    {
      "date": "2026-11-08",
      "spend": "0.00"
    },
    {
      "date": "2026-11-09",
      "spend": "-0.50"
    },
    {
      "date": "2026-11-10",
      "spend": "0.00"
    }
  ]
}
)~");
}

TEST_F(CliForecast, ParentNoHeader) {
    EXPECT_EQ(out({"forecast", "physics", "-n"}),
              R"~(Account                 physics                                                
Cluster                     all                                                
BudgetID                      2                                                
Start                2026-11-01 first day of the period                        
End                  2026-11-30 last day, included                             
Days                         30 in the period                                  
Elapsed                      10 days so far, today included                    
Left                         20 days after today                               
Budget                  5000.00                                                
Spent                    310.25 charges and adjustments                        
Held                      80.00 open holds, not yet spent                      
Available               4609.75                                                
MeanBurn                  31.03 per day: spent / 10 days                       
RecentDays                    7 days the recent burn covers                    
RecentBurn                29.96 per day over the last 7 days                   
TrendSlope                 0.76 least-squares change of daily spend per day    
TrendToday                34.43 the trend line's daily spend today             
ProjectedLeft            847.32 trend over the 20 days left                    
Projected               1157.57 spend at period end: spent + trend             
RunsOut       not within period                                                
OnBudgetRate             234.49 per day over the 20 days left to end on budget 

Daily spend (█ = $210.25):
2026-11-01   ▄   █
)~");
}

// On 2026-12-05 the period is over: all 30 days elapsed, none left. Job 103
// was charged $30 on 2026-12-02, after the period's end: it counts on the
// last day (day 29), so the days add up to what was spent.
//   Spent 340.25, held 0 (the rest of the hold released), available 809.75.
//   n=30: Sx=435 Sxx=8555 Sy=340.25 Sxy=1458.5+29*30=2328.5
//   D = 30*8555 - 435^2 = 67425; Bn = 30*2328.5 - 435*340.25 = -78153.75
//   slope = -78153.75 / 67425 = -1.15912124... -> -1.159121
//   A = 340.25*67425 + 78153.75*435 = 56938237.5, C = 30 Bn = -2344612.5, Q = 30 D = 2022750
//   today (t=29): (56938237.5 - 67993762.5) / 2022750 = -5.46559140... -> -5.465591
//   mean 340.25 / 30 = 11.3416666... -> 11.341667; days 23-29: 30 / 7 = 4.2857142... -> 4.285714
//   Nothing left to project; 340.25 < 1150: not within period; no on-budget rate.
TEST_F(CliForecast, PeriodAlreadyEndedWithALateCharge) {
    auto hold = db::find_open_hold_for_job(session(), "lab", 103);
    ASSERT_TRUE(hold);
    db::ChargeRequest late;
    late.hold_id = hold->id;
    late.actual = Money{30'000'000};
    late.cluster = "lab";
    late.job_id = 103;
    late.job_db_inx = 3;
    late.reason = "job 103 finished";
    late.actor = "poller";
    late.now_s = local_instant("2026-12-02T10:00");
    db::in_transaction(session(), [&] { db::charge_hold(session(), late); });

    const std::string now = std::getenv("ASBB_NOW");
    setenv("ASBB_NOW", std::to_string(local_instant("2026-12-05T12:00")).c_str(), 1);
    const std::string ended = out({"forecast", "proj001", "-P", "-n", "format=Figure,Value"});
    const std::string json = out({"forecast", "proj001", "--json"});
    setenv("ASBB_NOW", now.c_str(), 1);
    EXPECT_EQ(ended,
              "Account|proj001\nCluster|all\nBudgetID|1\nStart|2026-11-01\nEnd|2026-11-30\n"
              "Days|30\nElapsed|30\nLeft|0\nBudget|1150.00\nSpent|340.25\nHeld|0.00\n"
              "Available|809.75\nMeanBurn|11.341667\nRecentDays|7\nRecentBurn|4.285714\n"
              "TrendSlope|-1.159121\nTrendToday|-5.465591\nProjectedLeft|0.00\n"
              "Projected|340.25\nRunsOut|not within period\nOnBudgetRate|\n");
    EXPECT_NE(json.find("\"on_budget_rate\": null"), std::string::npos) << json;
    EXPECT_NE(json.find("{\n      \"date\": \"2026-11-30\",\n      \"spend\": \"30.00\"\n    }"),
              std::string::npos)
        << json;
}

// proj002 on lab: 10 days without spend; on budget 500 / 20 = 25.
// proj002 on all clusters: December, not started: 0 of 31 days elapsed,
// on budget 310 / 31 = 10.
TEST_F(CliForecast, NoSpendYetAndNotStarted) {
    add_proj002_budgets();
    EXPECT_EQ(out({"forecast", "proj002", "--cluster=lab", "-P", "-n", "format=Figure,Value"}),
              "Account|proj002\nCluster|lab\nBudgetID|3\nStart|2026-11-01\nEnd|2026-11-30\n"
              "Days|30\nElapsed|10\nLeft|20\nBudget|500.00\nSpent|0.00\nHeld|0.00\n"
              "Available|500.00\nMeanBurn|0.00\nRecentDays|7\nRecentBurn|0.00\n"
              "TrendSlope|0.00\nTrendToday|0.00\nProjectedLeft|0.00\nProjected|0.00\n"
              "RunsOut|not within period\nOnBudgetRate|25.00\n");
    const std::string table = out({"forecast", "proj002", "--cluster=lab", "-n"});
    EXPECT_NE(table.find("\nDaily spend: nothing spent yet\n"), std::string::npos) << table;

    EXPECT_EQ(out({"forecast", "proj002", "--cluster=all", "-P", "-n", "format=Figure,Value"}),
              "Account|proj002\nCluster|all\nBudgetID|4\nStart|2026-12-01\nEnd|2026-12-31\n"
              "Days|31\nElapsed|0\nLeft|31\nBudget|310.00\nSpent|0.00\nHeld|0.00\n"
              "Available|310.00\nMeanBurn|0.00\nRecentDays|0\nRecentBurn|0.00\n"
              "TrendSlope|0.00\nTrendToday|0.00\nProjectedLeft|0.00\nProjected|0.00\n"
              "RunsOut|not within period\nOnBudgetRate|10.00\n");
    const std::string later = out({"forecast", "proj002", "--cluster=all"});
    EXPECT_NE(later.find("\nDaily spend: the period has not started\n"), std::string::npos)
        << later;
    const std::string json = out({"forecast", "proj002", "--cluster=all", "--json"});
    EXPECT_NE(json.find("\"daily\": []"), std::string::npos) << json;
}

TEST_F(CliForecast, BadInputIsRefusedWithOneLineAndChangesNothing) {
    add_proj002_budgets();
    expect_refused({"forecast", "chem"}, 1, "account chem has no budget");
    expect_refused({"forecast", "nosuch"}, 1, "account nosuch has no budget");
    expect_refused({"forecast", "proj'001"}, 2, "invalid");
    expect_refused({"forecast", "proj002"}, 2, "budgets on several clusters; pass --cluster");
    expect_refused({"forecast", "proj001", "--cluster=lab"}, 1, "no budget on that cluster");
    expect_refused({"forecast", "proj001", "--cluster=b ad"}, 2, "invalid");
    expect_refused({"forecast"}, 2, "ACCOUNT is missing");
    expect_refused({"forecast", "proj001", "physics"}, 2, "unexpected argument 'physics'");
    expect_refused({"forecast", "proj001", "--last=7d"}, 2, "last");
    expect_refused({"forecast", "proj001", "format=Figure,Nope"}, 2,
                   "unknown field 'Nope' in format= (valid: Figure, Value, Note)");
}

}  // namespace
}  // namespace asbb::test
