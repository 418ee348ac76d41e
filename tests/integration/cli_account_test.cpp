// The account verbs end to end through the CLI, and acceptance point 5:
// every bad input gets a one-line error, a non-zero exit, and changes nothing.
#include <sys/stat.h>

#include <fstream>

#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

class CliAccount : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        config_ = "--config=" + write_config();
    }

    CliResult asbb(std::vector<std::string> args) {
        args.insert(args.begin(), config_);
        return run_cli(args);
    }

    // Everything the ledger holds, as one comparable text.
    std::string ledger_state() {
        std::string state;
        for (const char* sql :
             {"SELECT COUNT(*), COALESCE(SUM(allocated_micro + 3 * held_micro + 7 * spent_micro + "
              "period_end - period_start), 0) FROM budget",
              "SELECT COUNT(*), COALESCE(SUM(limit_micro), 0) FROM partition_limit",
              "SELECT COUNT(*), COALESCE(SUM(amount_micro), 0) FROM journal",
              "SELECT COUNT(*), 0 FROM hold"}) {
            auto rows = session().query(sql);
            state += rows[0].str(0) + "/" + rows[0].str(1) + " ";
        }
        return state;
    }

    // Runs a command that must fail: non-zero, one line "asbb: error: ...",
    // and no change to the ledger.
    void expect_refused(std::vector<std::string> args, const std::string& needle) {
        const std::string before = ledger_state();
        auto result = asbb(args);
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        EXPECT_NE(result.status, 0) << joined;
        EXPECT_EQ(result.err.rfind("asbb: error: ", 0), 0u) << joined << " -> " << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_NE(result.err.find(needle), std::string::npos)
            << joined << " -> " << result.err << " (wanted '" << needle << "')";
        EXPECT_EQ(ledger_state(), before) << joined;
    }

    std::string config_;
};

TEST_F(CliAccount, CreateListShowUpdateDepositWithdrawDelete) {
    auto created = asbb({"account", "create", "--name=proj001", "--budget=50000",
                         "--start=2020-01-01", "--end=2099-12-31", "--description=Project 1"});
    ASSERT_EQ(created.status, 0) << created.err;
    EXPECT_NE(created.out.find("$50000.00"), std::string::npos) << created.out;

    auto listed =
        asbb({"account", "list", "-P", "-n", "format=Account,Budget,Available,Start,End"});
    ASSERT_EQ(listed.status, 0) << listed.err;
    EXPECT_EQ(listed.out, "proj001|50000.00|50000.00|2020-01-01|2099-12-31\n");

    ASSERT_EQ(asbb({"account", "deposit", "proj001", "12.5", "--reason=grant top-up"}).status, 0);
    ASSERT_EQ(asbb({"account", "withdraw", "PROJ001", "0.000001", "--reason=rounding"}).status, 0);
    auto shown = asbb({"account", "show", "proj001", "-p", "-n", "format=Budget"});
    EXPECT_EQ(shown.out, "50012.499999|\n");

    ASSERT_EQ(asbb({"account", "update", "proj001", "--budget=60000"}).status, 0);
    ASSERT_EQ(
        asbb({"account", "set-limit", "proj001", "--partition=aws-gpu", "--limit=10000"}).status,
        0);
    auto json = asbb({"account", "list", "--json", "format=Account,Budget"});
    EXPECT_NE(json.out.find("\"budget\": \"60000.00\""), std::string::npos) << json.out;

    auto shown_json = asbb({"account", "show", "proj001", "--json", "format=Account,Used"});
    EXPECT_NE(shown_json.out.find("\"partition_limits\": ["), std::string::npos) << shown_json.out;
    EXPECT_NE(shown_json.out.find("\"used\": \"0.0%\""), std::string::npos) << shown_json.out;

    auto table = asbb({"account", "show", "proj001", "format=Account,Budget"});
    EXPECT_NE(table.out.find("aws-gpu"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("10000.00"), std::string::npos) << table.out;

    ASSERT_EQ(db::place_hold(session(), slurm(), hold_request("proj001", 5'000'000)).outcome,
              db::HoldOutcome::kPlaced);
    expect_refused({"account", "delete", "proj001"}, "open hold");
    auto forced = asbb({"account", "delete", "proj001", "--force"});
    EXPECT_EQ(forced.status, 0) << forced.err;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM hold WHERE state = 'released'"), 1);
    EXPECT_EQ(asbb({"account", "list", "-n"}).out, "");
    auto check = asbb({"check"});
    EXPECT_EQ(check.status, 0) << check.out << check.err;
}

TEST_F(CliAccount, BadInputIsRefusedWithOneLineAndChangesNothing) {
    ASSERT_EQ(asbb({"account", "create", "--name=proj001", "--budget=100", "--start=2020-01-01",
                    "--end=2099-12-31"})
                  .status,
              0);
    auto create = [](std::string name, std::string budget, std::string start, std::string end) {
        return std::vector<std::string>{"account",          "create",
                                        "--name=" + name,   "--budget=" + budget,
                                        "--start=" + start, "--end=" + end};
    };
    expect_refused(create("chem", "-5", "2025-01-01", "2025-12-31"), "budget");
    expect_refused(create("chem", "lots", "2025-01-01", "2025-12-31"), "lots");
    expect_refused(create("chem", "1.1234567", "2025-01-01", "2025-12-31"), "6 decimals");
    expect_refused(create("chem", "1e9", "2025-01-01", "2025-12-31"), "1e9");
    expect_refused(create("chem", "2000000000", "2025-01-01", "2025-12-31"), "largest amount");
    expect_refused(create("chem", "9999999999999", "2025-01-01", "2025-12-31"), "too large");
    expect_refused(create("chem", "100", "2025-12-31", "2025-01-01"), "before");
    expect_refused(create("chem", "100", "2025-02-30", "2025-12-31"), "2025-02-30");
    expect_refused(create("chem", "100", "yesterday", "2025-12-31"), "yesterday");
    expect_refused(create("proj001", "100", "2099-06-01", "2100-01-01"), "overlapping");
    expect_refused(create("nosuchacct", "100", "2025-01-01", "2025-12-31"), "SLURM has no account");
    expect_refused(create("chem'--", "100", "2025-01-01", "2025-12-31"), "chem'--");
    expect_refused(create("ch\"em", "100", "2025-01-01", "2025-12-31"), "invalid");
    expect_refused(create("ch\\em", "100", "2025-01-01", "2025-12-31"), "invalid");
    expect_refused(create("chem%", "100", "2025-01-01", "2025-12-31"), "invalid");
    expect_refused(create("ch\xc3\xa9m", "100", "2025-01-01", "2025-12-31"), "invalid");
    expect_refused(create(std::string(300, 'a'), "100", "2025-01-01", "2025-12-31"), "64");
    expect_refused(create(std::string(1024 * 1024, 'a'), "100", "2025-01-01", "2025-12-31"),
                   "longer than");
    expect_refused(create(std::string(10 * 1024, 'a'), "100", "2025-01-01", "2025-12-31"),
                   "invalid");
    expect_refused({"account", "create", "--name=chem", "--budget=100", "--start=2025-01-01",
                    "--end=2025-12-31", "--description=" + std::string(10 * 1024, 'x')},
                   "description");
    expect_refused({"account", "set-limit", "proj001", "--partition=aws-gpu", "--limit=100.01"},
                   "above the budget");
    expect_refused({"account", "set-limit", "proj001", "--partition=aws'gpu", "--limit=1"},
                   "invalid");
    expect_refused({"account", "deposit", "proj001", "-3", "--reason=x"}, "");
    expect_refused({"account", "deposit", "proj001", "0", "--reason=x"}, "more than 0");
    expect_refused({"account", "deposit", "proj001", "5"}, "--reason");
    expect_refused({"account", "withdraw", "proj001", "100.000001", "--reason=x"}, "available");
    expect_refused({"account", "update", "proj001", "--end=2019-01-01"}, "after it starts");
    expect_refused({"account", "update", "proj001"}, "nothing to change");
    expect_refused({"account", "show", "chem"}, "no budget");
    expect_refused({"account", "list", "format=Account,Nope"}, "valid: Account");
    expect_refused({"account", "frobnicate"}, "unknown account verb");
    expect_refused({"account", "create", "--name=chem", "--bogus=1"}, "bogus");
}

// The rule of asbb(1): a malformed value is a usage error (2) like an unknown
// option; a well-formed request the ledger refuses is a user error (1).
TEST_F(CliAccount, UsageErrorsExitTwoAndUserErrorsExitOne) {
    EXPECT_EQ(asbb({"nosuchverb"}).status, 2);
    EXPECT_EQ(asbb({"account", "create", "--name=chem"}).status, 2);  // missing --budget
    auto create = [](std::string name, std::string budget, std::string start, std::string end) {
        return std::vector<std::string>{"account",          "create",
                                        "--name=" + name,   "--budget=" + budget,
                                        "--start=" + start, "--end=" + end};
    };
    for (const auto& args : {create("chem", "-1", "2025-01-01", "2025-12-31"),
                             create("chem", "lots", "2025-01-01", "2025-12-31"),
                             create("chem", "1.1234567", "2025-01-01", "2025-12-31"),
                             create("chem", "2000000000", "2025-01-01", "2025-12-31"),
                             create("ch'em", "1", "2025-01-01", "2025-12-31"),
                             create("chem", "1", "2025-13-45", "2025-12-31"),
                             create("chem", "1", "2025-12-31", "2025-01-01")}) {
        EXPECT_EQ(asbb(args).status, 2) << args[2] << " " << args[3] << " " << args[4];
    }
    ASSERT_EQ(asbb(create("proj001", "100", "2020-01-01", "2099-12-31")).status, 0);
    EXPECT_EQ(asbb(create("nosuchacct", "1", "2025-01-01", "2025-12-31")).status, 1);
    EXPECT_EQ(asbb(create("proj001", "1", "2025-01-01", "2025-12-31")).status, 1);  // overlaps
    EXPECT_EQ(asbb({"account", "withdraw", "proj001", "101", "--reason=x"}).status, 1);
    EXPECT_EQ(asbb({"account", "deposit", "proj001", "1x", "--reason=x"}).status, 2);
    EXPECT_EQ(asbb({"account", "show", "chem"}).status, 1);  // no budget
    EXPECT_EQ(run_cli({"--version"}).status, 0);
    EXPECT_EQ(run_cli({"--help"}).status, 0);
}

// Issue 13, defect 4: --reason= wrote a journal row without a reason.
TEST_F(CliAccount, EmptyOrBlankReasonIsRefused) {
    ASSERT_EQ(asbb({"account", "create", "--name=proj001", "--budget=100", "--start=2020-01-01",
                    "--end=2099-12-31"})
                  .status,
              0);
    const int64_t journal_rows = count("journal");
    for (const char* verb : {"deposit", "withdraw"}) {
        for (const std::string reason : {"", " ", "   ", "\xc2\xa0", " \xe3\x80\x80 "}) {
            auto result = asbb({"account", verb, "proj001", "10", "--reason=" + reason});
            EXPECT_EQ(result.status, 2) << verb << " '" << reason << "' -> " << result.err;
            EXPECT_NE(result.err.find("--reason: give a reason"), std::string::npos) << result.err;
            EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        }
        expect_refused({"account", verb, "proj001", "10", "--reason", ""}, "--reason");
    }
    EXPECT_EQ(count("journal"), journal_rows);
    ASSERT_EQ(asbb({"account", "deposit", "proj001", "10", "--reason= padded "}).status, 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE reason = ' padded '"), 1);
}

// Issue 13, defect 5: "deposit proj001 -5" answered "Option '5' does not
// exist". A negative number is the verb's argument, judged as such.
TEST_F(CliAccount, NegativeAmountsAreCalledNegative) {
    ASSERT_EQ(asbb({"account", "create", "--name=proj001", "--budget=100", "--start=2020-01-01",
                    "--end=2099-12-31"})
                  .status,
              0);
    for (const char* verb : {"deposit", "withdraw"}) {
        for (const char* amount : {"-5", "-0.5", "-.5", "-5e3", "-99999999999999999999"}) {
            const std::string before = ledger_state();
            auto result = asbb({"account", verb, "proj001", amount, "--reason=x"});
            EXPECT_EQ(result.status, 2) << verb << " " << amount << " -> " << result.err;
            EXPECT_EQ(result.err, std::string("asbb: error: amount must not be negative, got '") +
                                      amount + "'\n");
            EXPECT_EQ(ledger_state(), before);
        }
        // Before the reason or after it, the same answer.
        auto first = asbb({"account", verb, "--reason=x", "proj001", "-5"});
        EXPECT_EQ(first.status, 2);
        EXPECT_NE(first.err.find("amount must not be negative"), std::string::npos) << first.err;
    }
    auto budget = asbb({"account", "update", "proj001", "--budget=-5"});
    EXPECT_EQ(budget.status, 2);
    EXPECT_EQ(budget.err, "asbb: error: --budget: amount must not be negative, got '-5'\n");
    auto limit = asbb({"account", "set-limit", "proj001", "--partition=aws-gpu", "--limit=-1"});
    EXPECT_EQ(limit.status, 2);
    EXPECT_NE(limit.err.find("--limit: amount must not be negative"), std::string::npos);
    // A negative number where no argument is taken is a stray argument, and
    // as an option's separate value it is that value.
    expect_refused({"account", "list", "-5"}, "unexpected argument '-5'");
    expect_refused({"account", "show", "-5"}, "invalid account name '-5'");
    ASSERT_EQ(asbb({"account", "deposit", "proj001", "5", "--reason", "-5"}).status, 0);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal WHERE reason = '-5'"), 1);
}

TEST_F(CliAccount, RepeatedOptionsAreRefused) {
    auto result = asbb({"account", "create", "--name=chem", "--budget=1", "--budget=1000",
                        "--start=2025-01-01", "--end=2025-12-31"});
    EXPECT_EQ(result.status, 2);
    EXPECT_NE(result.err.find("--budget is given more than once"), std::string::npos) << result.err;
    EXPECT_EQ(count("budget"), 0);
}

TEST_F(CliAccount, UnsafeOrBrokenConfigIsRefused) {
    const std::string path = write_config();
    chmod(path.c_str(), 0644);
    auto world = run_cli({"--config=" + path, "account", "list"});
    EXPECT_EQ(world.status, 1);
    EXPECT_NE(world.err.find("644"), std::string::npos) << world.err;

    chmod(path.c_str(), 0000);
    // root reads anything, so "unreadable" is a path that is not a file.
    auto missing = run_cli({"--config=" + dir_ + "/nope.conf", "account", "list"});
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.err.find("nope.conf"), std::string::npos) << missing.err;
    auto directory = run_cli({"--config=" + dir_, "account", "list"});
    EXPECT_EQ(directory.status, 1);

    const std::string bad = dir_ + "/bad.conf";
    std::ofstream(bad) << "DbHost=127.0.0.1\nDbPort=99999\nHoldFactor=0.5\n";
    chmod(bad.c_str(), 0600);
    auto validate = run_cli({"config", "validate", bad});
    EXPECT_EQ(validate.status, 1);
    EXPECT_NE(validate.err.find(":2:"), std::string::npos) << validate.err;
    EXPECT_NE(validate.err.find(":3:"), std::string::npos) << validate.err;
}

TEST_F(CliAccount, DatabaseDownSaysWhereAndExitsThree) {
    const std::string path = dir_ + "/down.conf";
    std::ofstream(path) << "DbHost=127.0.0.1\nDbPort=1\nDbUser=asbb\nDbPass=x\nDbName=asbb\n"
                           "ClusterName=lab\nConnectTimeout=2\n";
    chmod(path.c_str(), 0600);
    auto result = run_cli({"--config=" + path, "account", "list"});
    EXPECT_EQ(result.status, 3);
    EXPECT_NE(result.err.find("127.0.0.1:1"), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);
}

TEST_F(CliAccount, ConfigInitWritesAValidPrivateFile) {
    const std::string path = dir_ + "/new.conf";
    auto result = run_cli({"config", "init", "--output=" + path});
    ASSERT_EQ(result.status, 0) << result.err;
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(run_cli({"config", "validate", path}).status, 0);
    EXPECT_EQ(run_cli({"config", "init", "--output=" + path}).status, 1);  // exists
}

}  // namespace
}  // namespace asbb::test
