#include "integration/support/cli_test.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>

namespace asbb::test {

namespace {

std::string joined(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args) text += a + " ";
    return text;
}

}  // namespace

void fix_clock(const char* time_zone, int64_t now_s) {
    setenv("TZ", time_zone, 1);
    tzset();
    setenv("ASBB_NOW", std::to_string(now_s).c_str(), 1);
}

void restore_clock() {
    unsetenv("ASBB_NOW");
    unsetenv("TZ");
    tzset();
}

void CliTest::SetUp() {
    LedgerTest::SetUp();
    config_ = "--config=" + write_config();
}

CliResult CliTest::asbb(std::vector<std::string> args) {
    args.insert(args.begin(), config_);
    return run_cli(args);
}

std::string CliTest::out(std::vector<std::string> args) {
    auto result = asbb(args);
    EXPECT_EQ(result.status, 0) << joined(args) << "-> " << result.err;
    EXPECT_EQ(result.err, "") << joined(args);
    return result.out;
}

void CliTest::expect_output(std::vector<std::string> args, const std::string& expected) {
    EXPECT_EQ(out(args), expected) << joined(args);
}

std::string CliTest::ledger_state() {
    std::string state;
    for (const char* sql :
         {"SELECT COUNT(*), COALESCE(SUM(allocated_micro + 3 * held_micro + 7 * spent_micro"
          " + period_end - period_start), 0) FROM budget",
          "SELECT COUNT(*), COALESCE(SUM(limit_micro + held_micro + 3 * spent_micro), 0)"
          " FROM partition_limit",
          "SELECT COUNT(*), COALESCE(SUM(amount_micro), 0) FROM journal",
          "SELECT COUNT(*), COALESCE(SUM(held_micro), 0) FROM hold",
          "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', name, secret_sha256, role,"
          " accounts, COALESCE(revoked_at, 0)))), 0) FROM api_token",
          "SELECT COUNT(*), COALESCE(SUM(total_micro + CRC32(CONCAT_WS('|', content_sha256,"
          " COALESCE(replaced_by, 0)))), 0) FROM bill_import",
          "SELECT COUNT(*), COALESCE(SUM(node_hour_price_micro + CRC32(CONCAT_WS('|', cluster,"
          " partition_name, instance_type, updated_at, actor, market))), 0) FROM rate",
          "SELECT COUNT(*), COALESCE(SUM(price_micro + changed_at), 0) FROM spot_price",
          "SELECT COUNT(*), COALESCE(SUM(billed_micro + 3 * charged_micro + 7 * true_up_micro),"
          " 0) FROM bill_job_cost",
          "SELECT COUNT(*), COALESCE(SUM(start_s + COALESCE(end_s, 0) + CRC32(CONCAT_WS('|',"
          " cluster, instance_id, node, source))), 0) FROM bill_node_map"}) {
        auto rows = session().query(sql);
        state += rows[0].str(0) + "/" + rows[0].str(1) + " ";
    }
    return state;
}

void CliTest::expect_refused(std::vector<std::string> args, int status, const std::string& needle) {
    const std::string before = ledger_state();
    auto result = asbb(args);
    EXPECT_EQ(result.status, status) << joined(args) << "-> " << result.err;
    EXPECT_EQ(result.out, "") << joined(args);
    EXPECT_EQ(result.err.rfind("asbb: error: ", 0), 0u) << joined(args) << "-> " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find(needle), std::string::npos)
        << joined(args) << "-> " << result.err << " (wanted '" << needle << "')";
    EXPECT_EQ(ledger_state(), before) << joined(args);
}

}  // namespace asbb::test
