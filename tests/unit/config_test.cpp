#include "config/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "util/file_mode.hpp"

namespace asbb {
namespace {

bool SameConfig(const Config& a, const Config& b) {
    return a.db_host == b.db_host && a.db_port == b.db_port && a.db_socket == b.db_socket &&
           a.db_user == b.db_user && a.db_pass == b.db_pass && a.db_name == b.db_name &&
           a.slurm_db_name == b.slurm_db_name && a.cluster_name == b.cluster_name &&
           a.slurm_user == b.slurm_user && a.hold_factor_ppm == b.hold_factor_ppm &&
           a.max_default_time_s == b.max_default_time_s &&
           a.connect_timeout_s == b.connect_timeout_s &&
           a.lock_wait_timeout_s == b.lock_wait_timeout_s &&
           a.statement_timeout_ms == b.statement_timeout_ms &&
           a.plugin_deadline_ms == b.plugin_deadline_ms && a.plugin_sessions == b.plugin_sessions &&
           a.fail_policy == b.fail_policy && a.breaker_s == b.breaker_s &&
           a.breaker_probe_ms == b.breaker_probe_ms &&
           a.linked_hold_grace_s == b.linked_hold_grace_s && a.spool_dir == b.spool_dir &&
           a.budgeted_partitions == b.budgeted_partitions && a.cost_dir == b.cost_dir &&
           a.orphan_hold_ttl_s == b.orphan_hold_ttl_s && a.log_level == b.log_level &&
           a.service_host == b.service_host && a.service_port == b.service_port &&
           a.service_threads == b.service_threads &&
           a.service_max_body_bytes == b.service_max_body_bytes &&
           a.service_max_headers == b.service_max_headers &&
           a.service_timeout_ms == b.service_timeout_ms && a.munge_socket == b.munge_socket &&
           a.advisor_url == b.advisor_url && a.advisor_key == b.advisor_key &&
           a.advisor_timeout_ms == b.advisor_timeout_ms &&
           a.advisor_health_interval_s == b.advisor_health_interval_s &&
           a.alert_thresholds_pct == b.alert_thresholds_pct && a.alert_basis == b.alert_basis &&
           a.mail_prog == b.mail_prog && a.alert_mail == b.alert_mail &&
           a.alert_mail_coordinators == b.alert_mail_coordinators &&
           a.mail_domain == b.mail_domain && a.alert_webhook == b.alert_webhook &&
           a.alert_timeout_ms == b.alert_timeout_ms && a.alert_attempts == b.alert_attempts &&
           a.bill_currency == b.bill_currency && a.bill_node_tag == b.bill_node_tag &&
           a.bill_shared_costs == b.bill_shared_costs && a.idle_cost_account == b.idle_cost_account;
}

std::string Problems(const ParseResult& result) {
    std::string out;
    for (const auto& p : result.problems) {
        out += "line " + std::to_string(p.line) + ": " + p.message + "\n";
    }
    return out;
}

// Parses one "Key=Value" line and expects it to be accepted.
Config Accept(const std::string& line) {
    const ParseResult result = parse_config_text(line);
    EXPECT_TRUE(result.ok()) << line << "\n" << Problems(result);
    return result.config;
}

// Parses one "Key=Value" line and returns its single problem's message.
std::string Refuse(const std::string& line) {
    const ParseResult result = parse_config_text(line);
    EXPECT_EQ(result.problems.size(), 1u) << line << "\n" << Problems(result);
    if (result.problems.empty()) {
        return "";
    }
    EXPECT_EQ(result.problems[0].line, 1) << line;
    return result.problems[0].message;
}

// Refused with a message naming the key.
void ExpectRefused(const std::string& key, const std::string& value) {
    const std::string message = Refuse(key + "=" + value);
    EXPECT_EQ(message.rfind(key + ": ", 0), 0u) << key << "=" << value << " -> " << message;
}

TEST(ConfigParse, EmptyTextGivesDefaults) {
    const ParseResult result = parse_config_text("");
    EXPECT_TRUE(result.ok());
    EXPECT_TRUE(SameConfig(result.config, Config{}));
    EXPECT_TRUE(parse_config_text("\n\n   \n# only a comment\n").ok());
}

TEST(ConfigParse, EveryKeySet) {
    const ParseResult result = parse_config_text(
        "DbHost=db1.example.org\n"
        "DbPort=3307\n"
        "DbSocket=/run/mysqld/mysqld.sock\n"
        "DbUser=budget\n"
        "DbPass=s3cret\n"
        "DbName=asbb_prod\n"
        "SlurmDbName=acct_db\n"
        "ClusterName=Lab\n"
        "SlurmUser=slurmadm\n"
        "HoldFactor=1.5\n"
        "MaxDefaultTime=30-00:00:00\n"
        "ConnectTimeout=7\n"
        "LockWaitTimeout=3\n"
        "StatementTimeout=2500\n"
        "PluginDeadline=150\n"
        "PluginSessions=8\n"
        "FailPolicy=open\n"
        "BreakerSeconds=45\n"
        "SpoolDir=/var/spool/asbb\n"
        "OrphanHoldTTL=20m\n"
        "LogLevel=debug\n");
    ASSERT_TRUE(result.ok()) << Problems(result);
    const Config& c = result.config;
    EXPECT_EQ(c.db_host, "db1.example.org");
    EXPECT_EQ(c.db_port, 3307);
    EXPECT_EQ(c.db_socket, "/run/mysqld/mysqld.sock");
    EXPECT_EQ(c.db_user, "budget");
    EXPECT_EQ(c.db_pass, "s3cret");
    EXPECT_EQ(c.db_name, "asbb_prod");
    EXPECT_EQ(c.slurm_db_name, "acct_db");
    EXPECT_EQ(c.cluster_name, "lab");  // folded to lower case
    EXPECT_EQ(c.slurm_user, "slurmadm");
    EXPECT_EQ(c.hold_factor_ppm, 1'500'000);
    EXPECT_EQ(c.max_default_time_s, 30 * 86400);
    EXPECT_EQ(c.connect_timeout_s, 7);
    EXPECT_EQ(c.lock_wait_timeout_s, 3);
    EXPECT_EQ(c.statement_timeout_ms, 2500);
    EXPECT_EQ(c.plugin_deadline_ms, 150);
    EXPECT_EQ(c.plugin_sessions, 8);
    EXPECT_EQ(c.fail_policy, FailPolicy::kOpen);
    EXPECT_EQ(c.breaker_s, 45);
    EXPECT_EQ(c.spool_dir, "/var/spool/asbb");
    EXPECT_EQ(c.orphan_hold_ttl_s, 1200);
    EXPECT_EQ(c.log_level, "debug");
}

TEST(ConfigParse, KeysAreCaseInsensitive) {
    EXPECT_EQ(Accept("dbhost=db2").db_host, "db2");
    EXPECT_EQ(Accept("DBPORT=1").db_port, 1);
    EXPECT_EQ(Accept("orphanholdttl=61").orphan_hold_ttl_s, 61);
}

TEST(ConfigParse, WhitespaceAroundKeyAndValueIsTrimmed) {
    EXPECT_EQ(Accept("  DbHost  =  db1  ").db_host, "db1");
    EXPECT_EQ(Accept("\tDbUser\t=\tbudget\t").db_user, "budget");
    EXPECT_EQ(Accept("DbPass= pass word ").db_pass, "pass word");
}

TEST(ConfigParse, Comments) {
    const ParseResult result = parse_config_text(
        "# whole line\n"
        "   # indented comment\n"
        "DbHost=db1 # trailing comment\n"
        "DbPass=a#b\n"  // not after whitespace: part of the value
        "DbUser=u\t#tab before hash\n"
        "DbName=x#y\n");
    // DbName "x#y" is kept whole and is not an SQL identifier.
    ASSERT_EQ(result.problems.size(), 1u) << Problems(result);
    EXPECT_EQ(result.problems[0].line, 6);
    EXPECT_EQ(result.problems[0].message.rfind("DbName: ", 0), 0u);
    EXPECT_EQ(result.config.db_host, "db1");
    EXPECT_EQ(result.config.db_pass, "a#b");
    EXPECT_EQ(result.config.db_user, "u");
}

TEST(ConfigParse, CommentAfterEqualsLeavesEmptyValue) {
    EXPECT_EQ(Accept("DbPass= # none").db_pass, "");
    ExpectRefused("DbHost", " # none");
}

TEST(ConfigParse, CrLfLineEndings) {
    const ParseResult result = parse_config_text("DbHost=db1\r\nDbPort=3307\r\n");
    ASSERT_TRUE(result.ok()) << Problems(result);
    EXPECT_EQ(result.config.db_host, "db1");
    EXPECT_EQ(result.config.db_port, 3307);
}

TEST(ConfigParse, LastLineWithoutNewline) {
    EXPECT_EQ(Accept("DbPort=3310").db_port, 3310);
}

TEST(ConfigParse, ValueMayContainEquals) {
    EXPECT_EQ(Accept("DbPass=a=b=").db_pass, "a=b=");
}

TEST(ConfigParse, UnknownKeyWithLineNumber) {
    const ParseResult result = parse_config_text(
        "# asbb.conf\n"
        "\n"
        "DbHost=db1\n"
        "DbPort=3306\n"
        "\n"
        "# next one is a typo\n"
        "DbHots=db2\n");
    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_EQ(result.problems[0].line, 7);
    EXPECT_EQ(result.problems[0].message, "unknown key 'DbHots'");
    EXPECT_EQ(result.config.db_host, "db1");
}

TEST(ConfigParse, CollectsEveryProblemInLineOrder) {
    const ParseResult result = parse_config_text(
        "DbPort=0\n"
        "DbHost=ok\n"
        "Nonsense\n"
        "FailPolicy=maybe\n"
        "=value\n"
        "Foo=bar\n"
        "dbhost=again\n"
        "LogLevel=info\n");
    ASSERT_EQ(result.problems.size(), 6u) << Problems(result);
    EXPECT_EQ(result.problems[0].line, 1);
    EXPECT_EQ(result.problems[0].message,
              "DbPort: must be a whole number from 1 to 65535, got '0'");
    EXPECT_EQ(result.problems[1].line, 3);
    EXPECT_EQ(result.problems[1].message, "missing '=' (expected Key=Value)");
    EXPECT_EQ(result.problems[2].line, 4);
    EXPECT_EQ(result.problems[2].message, "FailPolicy: must be open or closed, got 'maybe'");
    EXPECT_EQ(result.problems[3].line, 5);
    EXPECT_EQ(result.problems[3].message, "missing key before '='");
    EXPECT_EQ(result.problems[4].line, 6);
    EXPECT_EQ(result.problems[4].message, "unknown key 'Foo'");
    EXPECT_EQ(result.problems[5].line, 7);
    EXPECT_EQ(result.problems[5].message, "duplicate key 'DbHost' (first set on line 2)");
    EXPECT_FALSE(result.ok());
}

TEST(ConfigParse, DuplicateKeyKeepsFirstValue) {
    const ParseResult result = parse_config_text("DbHost=first\nDBHOST=second\n");
    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_EQ(result.problems[0].line, 2);
    EXPECT_EQ(result.problems[0].message, "duplicate key 'DbHost' (first set on line 1)");
    EXPECT_EQ(result.config.db_host, "first");
}

TEST(ConfigParse, DuplicateOfInvalidValueIsStillADuplicate) {
    const ParseResult result = parse_config_text("DbPort=x\nDbPort=3306\n");
    ASSERT_EQ(result.problems.size(), 2u) << Problems(result);
    EXPECT_EQ(result.problems[1].message, "duplicate key 'DbPort' (first set on line 1)");
}

TEST(ConfigParse, LineWithoutEqualsIsNotEchoed) {
    // It may be a password pasted on a line of its own.
    EXPECT_EQ(Refuse("hunter2"), "missing '=' (expected Key=Value)");
}

TEST(ConfigParse, ControlCharactersAreRefused) {
    EXPECT_EQ(Refuse(std::string("DbPass=a\0b", 10)), "control character in line");
    EXPECT_EQ(Refuse("DbHost=a\x1b[1m"), "control character in line");
    EXPECT_EQ(Refuse("DbHost=a\rb"), "control character in line");
}

TEST(ConfigParse, SizeLimit) {
    // Exactly 64 KiB of comments is fine; one byte more is refused as a whole.
    std::string text;
    while (text.size() + 128 <= 64 * 1024) {
        text += "#" + std::string(62, 'x') + "\n";
    }
    text += std::string(64 * 1024 - text.size() - 1, '#') + "\n";
    ASSERT_EQ(text.size(), 64u * 1024);
    EXPECT_TRUE(parse_config_text(text).ok());
    text += "\n";
    const ParseResult result = parse_config_text(text);
    ASSERT_EQ(result.problems.size(), 1u);
    EXPECT_EQ(result.problems[0].line, 0);
    EXPECT_EQ(result.problems[0].message, "file is larger than 64 KiB");
}

TEST(ConfigKeys, DbHost) {
    EXPECT_EQ(Accept("DbHost=localhost").db_host, "localhost");
    EXPECT_EQ(Accept("DbHost=::1").db_host, "::1");
    EXPECT_EQ(Accept("DbHost=" + std::string(255, 'h')).db_host.size(), 255u);
    EXPECT_EQ(Refuse("DbHost="), "DbHost: must not be empty");
    EXPECT_EQ(Refuse("DbHost=db 1"), "DbHost: must not contain spaces, got 'db 1'");
    ExpectRefused("DbHost", std::string(256, 'h'));
}

TEST(ConfigKeys, DbHostLists) {
    EXPECT_EQ(Accept("DbHost=127.0.0.1:3307,127.0.0.1:3308,db3").db_host,
              "127.0.0.1:3307,127.0.0.1:3308,db3");
    EXPECT_EQ(Refuse("DbHost=db1,,db2"),
              "DbHost: has an empty entry (two commas, or one at an end)");
    EXPECT_EQ(Refuse("DbHost=db1:99999"),
              "DbHost: entry 'db1:99999': its port must be a number from 1 to 65535");
    EXPECT_EQ(Refuse("DbHost=db1,db1"), "DbHost: entry 'db1' is listed twice");
}

TEST(ConfigKeys, DbPort) {
    EXPECT_EQ(Accept("DbPort=1").db_port, 1);
    EXPECT_EQ(Accept("DbPort=65535").db_port, 65535);
    for (const char* bad : {"0", "65536", "-1", "+1", "abc", "", "33 06", "3306s", "0x10",
                            "99999999999999999999999"}) {
        ExpectRefused("DbPort", bad);
    }
    EXPECT_EQ(Refuse("DbPort=65536"),
              "DbPort: must be a whole number from 1 to 65535, got '65536'");
}

TEST(ConfigKeys, DbSocket) {
    EXPECT_EQ(Accept("DbSocket=/run/mysqld/mysqld.sock").db_socket, "/run/mysqld/mysqld.sock");
    const std::string longest = "/" + std::string(106, 's');
    EXPECT_EQ(Accept("DbSocket=" + longest).db_socket, longest);
    EXPECT_EQ(Refuse("DbSocket=run/mysqld.sock"),
              "DbSocket: must be an absolute path, got 'run/mysqld.sock'");
    ExpectRefused("DbSocket", "");
    EXPECT_EQ(Refuse("DbSocket=" + longest + "s"), "DbSocket: must be at most 107 bytes long");
}

TEST(ConfigKeys, DbUser) {
    EXPECT_EQ(Accept("DbUser=asbb_rw").db_user, "asbb_rw");
    EXPECT_EQ(Accept("DbUser=" + std::string(80, 'u')).db_user.size(), 80u);
    ExpectRefused("DbUser", "");
    ExpectRefused("DbUser", "a b");
    ExpectRefused("DbUser", std::string(81, 'u'));
}

TEST(ConfigKeys, DbPassMayBeAnything) {
    EXPECT_EQ(Accept("DbPass=").db_pass, "");
    EXPECT_EQ(Accept("DbPass=p@ss'\"w0rd;%\\").db_pass, "p@ss'\"w0rd;%\\");
    EXPECT_EQ(Accept("DbPass=two words").db_pass, "two words");
    EXPECT_EQ(Accept("DbPass=\xc3\xa9t\xc3\xa9").db_pass, "\xc3\xa9t\xc3\xa9");
}

TEST(ConfigKeys, DbNameAndSlurmDbName) {
    for (const std::string key : {"DbName", "SlurmDbName"}) {
        Config c = Accept(key + "=Db_1");
        EXPECT_EQ(key == "DbName" ? c.db_name : c.slurm_db_name, "Db_1");
        Accept(key + "=" + std::string(64, 'd'));
        ExpectRefused(key, "");
        ExpectRefused(key, "asbb-test");
        ExpectRefused(key, "asbb;drop");
        ExpectRefused(key, "a`b");
        ExpectRefused(key, std::string(65, 'd'));
    }
}

TEST(ConfigKeys, ClusterName) {
    EXPECT_EQ(Accept("ClusterName=lab-1").cluster_name, "lab-1");
    EXPECT_EQ(Accept("ClusterName=LAB").cluster_name, "lab");
    ExpectRefused("ClusterName", "");
    ExpectRefused("ClusterName", "lab.one");
    ExpectRefused("ClusterName", "lab one");
}

TEST(ConfigKeys, SlurmUser) {
    EXPECT_EQ(Accept("SlurmUser=slurm").slurm_user, "slurm");
    EXPECT_EQ(Accept("SlurmUser=root").slurm_user, "root");
    ExpectRefused("SlurmUser", "");
    ExpectRefused("SlurmUser", "-slurm");
    ExpectRefused("SlurmUser", "slurm user");
    ExpectRefused("SlurmUser", std::string(33, 'u'));
}

TEST(ConfigKeys, HoldFactor) {
    EXPECT_EQ(Accept("HoldFactor=1").hold_factor_ppm, 1'000'000);
    EXPECT_EQ(Accept("HoldFactor=1.0").hold_factor_ppm, 1'000'000);
    EXPECT_EQ(Accept("HoldFactor=1.25").hold_factor_ppm, 1'250'000);
    EXPECT_EQ(Accept("HoldFactor=10").hold_factor_ppm, 10'000'000);
    for (const char* bad : {"0.99", "10.000001", "0", "-1.2", "abc", "", "1,2"}) {
        ExpectRefused("HoldFactor", bad);
    }
}

TEST(ConfigKeys, SecondTimeouts) {
    for (const std::string key : {"ConnectTimeout", "LockWaitTimeout"}) {
        Config low = Accept(key + "=1");
        Config high = Accept(key + "=60");
        if (key == "ConnectTimeout") {
            EXPECT_EQ(low.connect_timeout_s, 1);
            EXPECT_EQ(high.connect_timeout_s, 60);
        } else {
            EXPECT_EQ(low.lock_wait_timeout_s, 1);
            EXPECT_EQ(high.lock_wait_timeout_s, 60);
        }
        for (const char* bad : {"0", "61", "5s", "", "1.5"}) {
            ExpectRefused(key, bad);
        }
    }
    EXPECT_EQ(Refuse("ConnectTimeout=61"),
              "ConnectTimeout: must be a whole number of seconds from 1 to 60, got '61'");
}

TEST(ConfigKeys, StatementTimeout) {
    EXPECT_EQ(Accept("StatementTimeout=10").statement_timeout_ms, 10);
    EXPECT_EQ(Accept("StatementTimeout=600000").statement_timeout_ms, 600000);
    for (const char* bad : {"9", "600001", "10ms", ""}) {
        ExpectRefused("StatementTimeout", bad);
    }
    EXPECT_EQ(
        Refuse("StatementTimeout=9"),
        "StatementTimeout: must be a whole number of milliseconds from 10 to 600000, got '9'");
}

TEST(ConfigKeys, PluginDeadline) {
    EXPECT_EQ(Accept("PluginDeadline=10").plugin_deadline_ms, 10);
    EXPECT_EQ(Accept("PluginDeadline=5000").plugin_deadline_ms, 5000);
    for (const char* bad : {"9", "5001", "0", "200ms", ""}) {
        ExpectRefused("PluginDeadline", bad);
    }
}

TEST(ConfigKeys, PluginSessions) {
    EXPECT_EQ(Config{}.plugin_sessions, 4);
    EXPECT_EQ(Accept("PluginSessions=1").plugin_sessions, 1);
    EXPECT_EQ(Accept("PluginSessions=64").plugin_sessions, 64);
    for (const char* bad : {"0", "65", "-1", "4s", "", "two"}) {
        ExpectRefused("PluginSessions", bad);
    }
    EXPECT_EQ(Refuse("PluginSessions=0"),
              "PluginSessions: must be a whole number from 1 to 64, got '0'");
}

TEST(ConfigKeys, FailPolicy) {
    EXPECT_EQ(Accept("FailPolicy=open").fail_policy, FailPolicy::kOpen);
    EXPECT_EQ(Accept("FailPolicy=OPEN").fail_policy, FailPolicy::kOpen);
    EXPECT_EQ(Accept("FailPolicy=Closed").fail_policy, FailPolicy::kClosed);
    for (const char* bad : {"", "opened", "close", "0"}) {
        ExpectRefused("FailPolicy", bad);
    }
    EXPECT_EQ(to_string(FailPolicy::kOpen), "open");
    EXPECT_EQ(to_string(FailPolicy::kClosed), "closed");
}

TEST(ConfigKeys, EnforcePolicy) {
    EXPECT_EQ(Config{}.enforce_policy, EnforcePolicy::kEnforce);  // the default
    EXPECT_EQ(Accept("EnforcePolicy=shadow").enforce_policy, EnforcePolicy::kShadow);
    EXPECT_EQ(Accept("EnforcePolicy=SHADOW").enforce_policy, EnforcePolicy::kShadow);
    EXPECT_EQ(Accept("EnforcePolicy=Enforce").enforce_policy, EnforcePolicy::kEnforce);
    for (const char* bad : {"", "shadowed", "audit", "off", "0"}) {
        ExpectRefused("EnforcePolicy", bad);
    }
    EXPECT_EQ(Refuse("EnforcePolicy=audit"),
              "EnforcePolicy: must be enforce or shadow, got 'audit'");
    EXPECT_EQ(to_string(EnforcePolicy::kShadow), "shadow");
    EXPECT_EQ(to_string(EnforcePolicy::kEnforce), "enforce");
}

TEST(ConfigKeys, BreakerSeconds) {
    EXPECT_EQ(Accept("BreakerSeconds=1").breaker_s, 1);
    EXPECT_EQ(Accept("BreakerSeconds=3600").breaker_s, 3600);
    for (const char* bad : {"0", "3601", "30s", ""}) {
        ExpectRefused("BreakerSeconds", bad);
    }
}

TEST(ConfigKeys, BreakerProbeMs) {
    EXPECT_EQ(Accept("").breaker_probe_ms, 1000);
    EXPECT_EQ(Accept("BreakerProbeMs=100").breaker_probe_ms, 100);
    EXPECT_EQ(Accept("BreakerProbeMs=60000").breaker_probe_ms, 60000);
    for (const char* bad : {"99", "60001", "1s", "", "-1"}) {
        ExpectRefused("BreakerProbeMs", bad);
    }
}

TEST(ConfigKeys, SpoolDir) {
    EXPECT_EQ(Accept("SpoolDir=/var/spool/asbb").spool_dir, "/var/spool/asbb");
    ExpectRefused("SpoolDir", "");
    ExpectRefused("SpoolDir", "spool/asbb");
    ExpectRefused("SpoolDir", "~/spool");
    ExpectRefused("SpoolDir", "/" + std::string(4095, 'd'));
}

TEST(ConfigKeys, OrphanHoldTTL) {
    EXPECT_EQ(Accept("OrphanHoldTTL=60").orphan_hold_ttl_s, 60);
    EXPECT_EQ(Accept("OrphanHoldTTL=604800").orphan_hold_ttl_s, 604800);
    EXPECT_EQ(Accept("OrphanHoldTTL=10m").orphan_hold_ttl_s, 600);
    EXPECT_EQ(Accept("OrphanHoldTTL=90s").orphan_hold_ttl_s, 90);
    EXPECT_EQ(Accept("OrphanHoldTTL=2h").orphan_hold_ttl_s, 7200);
    EXPECT_EQ(Accept("OrphanHoldTTL=7d").orphan_hold_ttl_s, 604800);
    EXPECT_EQ(Accept("OrphanHoldTTL=1w").orphan_hold_ttl_s, 604800);
    for (const char* bad : {"59", "604801", "30s", "8d", "2w", "0", "", "10 m", "10min", "-60",
                            "99999999999999999999"}) {
        ExpectRefused("OrphanHoldTTL", bad);
    }
    EXPECT_EQ(Refuse("OrphanHoldTTL=59"),
              "OrphanHoldTTL: must be from 60 seconds to 7 days (seconds, or 10m, 2h, 1d), got "
              "'59'");
}

TEST(ConfigKeys, LinkedHoldGrace) {
    EXPECT_EQ(Accept("").linked_hold_grace_s, 86400);
    EXPECT_EQ(Accept("LinkedHoldGrace=60").linked_hold_grace_s, 60);
    EXPECT_EQ(Accept("LinkedHoldGrace=12h").linked_hold_grace_s, 43200);
    EXPECT_EQ(Accept("LinkedHoldGrace=30d").linked_hold_grace_s, 30 * 86400);
    for (const char* bad : {"59", "31d", "", "1 d", "-60", "99999999999999999999"}) {
        ExpectRefused("LinkedHoldGrace", bad);
    }
    EXPECT_EQ(Refuse("LinkedHoldGrace=31d"),
              "LinkedHoldGrace: must be from 60 seconds to 30 days (seconds, or 10m, 2h, 1d), got "
              "'31d'");
}

TEST(ConfigKeys, MaxDefaultTime) {
    EXPECT_EQ(Config{}.max_default_time_s, 365 * 86400);
    EXPECT_EQ(Accept("MaxDefaultTime=1").max_default_time_s, 60);  // minutes, as SLURM
    EXPECT_EQ(Accept("MaxDefaultTime=7-00:00:00").max_default_time_s, 7 * 86400);
    EXPECT_EQ(Accept("MaxDefaultTime=4294967294").max_default_time_s, int64_t{4294967294} * 60);
    for (const char* bad : {"", "0", "UNLIMITED", "-1", "4294967295", "0:30", "1 day", "7d",
                            "99999999999:00:00", "99999999999999999999"}) {
        ExpectRefused("MaxDefaultTime", bad);
    }
}

TEST(ConfigKeys, LogLevel) {
    for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
        EXPECT_EQ(Accept(std::string("LogLevel=") + level).log_level, level);
    }
    EXPECT_EQ(Accept("LogLevel=WARN").log_level, "warn");
    for (const char* bad : {"", "warning", "fatal", "verbose"}) {
        ExpectRefused("LogLevel", bad);
    }
}

TEST(ConfigTemplate, ParsesWithoutProblems) {
    const ParseResult result = parse_config_text(config_template());
    EXPECT_TRUE(result.ok()) << Problems(result);
}

size_t Count(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (size_t pos = text.find(needle); pos != std::string::npos;
         pos = text.find(needle, pos + 1)) {
        ++count;
    }
    return count;
}

TEST(ConfigTemplate, ListsEveryKeyOnce) {
    const std::string text = config_template();
    for (const char* key :
         {"DbHost",          "DbPort",           "DbSocket",       "DbUser",
          "DbPass",          "DbName",           "SlurmDbName",    "ClusterName",
          "SlurmUser",       "HoldFactor",       "MaxDefaultTime", "ConnectTimeout",
          "LockWaitTimeout", "StatementTimeout", "PluginDeadline", "PluginSessions",
          "FailPolicy",      "BreakerSeconds",   "SpoolDir",       "OrphanHoldTTL",
          "LogLevel",        "BreakerProbeMs",   "LinkedHoldGrace"}) {
        const std::string active = std::string("\n") + key + "=";
        const std::string commented = std::string("\n#") + key + "=";
        EXPECT_EQ(Count(text, active) + Count(text, commented), 1u) << key;
    }
}

TEST(ConfigTemplate, ActiveKeysAreTheOnesEverySiteSets) {
    const std::string text = config_template();
    for (const char* line : {"\nDbHost=127.0.0.1\n", "\nDbPort=3306\n", "\nDbUser=asbb\n",
                             "\nDbPass=\n", "\nDbName=asbb\n", "\nClusterName="}) {
        EXPECT_NE(text.find(line), std::string::npos) << line;
    }
    const ParseResult result = parse_config_text(text);
    ASSERT_TRUE(result.ok());
    // Only the placeholder cluster name differs from the built-in defaults.
    Config want;
    want.cluster_name = result.config.cluster_name;
    EXPECT_FALSE(want.cluster_name.empty());
    EXPECT_TRUE(SameConfig(result.config, want));
}

TEST(ConfigTemplate, CommentedValuesAreTheDefaults) {
    // Uncomment every "#Key=value" line: the result must be the built-in
    // defaults, except the keys whose example stands in for an empty default.
    std::string text;
    const std::string tmpl = config_template();
    size_t start = 0;
    int uncommented = 0;
    while (start < tmpl.size()) {
        const size_t end = tmpl.find('\n', start);
        std::string line = tmpl.substr(start, end - start);
        start = end + 1;
        if (line.size() > 1 && line[0] == '#' &&
            std::isalpha(static_cast<unsigned char>(line[1])) &&
            line.find('=') != std::string::npos) {
            line.erase(0, 1);
            ++uncommented;
        }
        text += line + "\n";
    }
    EXPECT_EQ(uncommented, 45);
    const ParseResult result = parse_config_text(text);
    ASSERT_TRUE(result.ok()) << Problems(result);
    Config want;
    want.cluster_name = result.config.cluster_name;
    want.db_socket = result.config.db_socket;
    want.spool_dir = result.config.spool_dir;
    want.budgeted_partitions = result.config.budgeted_partitions;
    want.cost_dir = result.config.cost_dir;
    want.munge_socket = result.config.munge_socket;
    want.advisor_url = result.config.advisor_url;
    want.advisor_key = result.config.advisor_key;
    want.alert_thresholds_pct = result.config.alert_thresholds_pct;
    want.mail_prog = result.config.mail_prog;
    want.alert_mail = result.config.alert_mail;
    want.mail_domain = result.config.mail_domain;
    want.alert_webhook = result.config.alert_webhook;
    want.bill_node_tag = result.config.bill_node_tag;
    want.idle_cost_account = result.config.idle_cost_account;
    EXPECT_TRUE(SameConfig(result.config, want));
}

TEST(ConfigParse, ServiceAndAdvisorKeys) {
    const ParseResult result = parse_config_text(
        "ServiceAddress=[::1]:18081\nServiceThreads=8\nServiceMaxBody=2048\n"
        "ServiceMaxHeaders=32\nServiceTimeout=250\nMungeSocket=/tmp/m/munge.socket\n"
        "AdvisorURL=http://advisor:8081/\nAdvisorKey=k3y\nAdvisorTimeout=50\n"
        "AdvisorHealthInterval=5\n");
    ASSERT_TRUE(result.ok()) << Problems(result);
    EXPECT_EQ(result.config.service_host, "::1");
    EXPECT_EQ(result.config.service_port, 18081);
    EXPECT_EQ(result.config.service_threads, 8);
    EXPECT_EQ(result.config.service_max_body_bytes, 2048);
    EXPECT_EQ(result.config.service_max_headers, 32);
    EXPECT_EQ(result.config.service_timeout_ms, 250);
    EXPECT_EQ(result.config.munge_socket, "/tmp/m/munge.socket");
    EXPECT_EQ(result.config.advisor_url, "http://advisor:8081");
    EXPECT_EQ(result.config.advisor_key, "k3y");
    EXPECT_EQ(result.config.advisor_timeout_ms, 50);
    EXPECT_EQ(result.config.advisor_health_interval_s, 5);
    for (const char* bad :
         {"ServiceAddress=8080\n", "ServiceAddress=host:0\n", "ServiceAddress=host:99999\n",
          "ServiceThreads=0\n", "ServiceMaxBody=10\n", "MungeSocket=relative\n",
          "AdvisorURL=ftp://x\n", "AdvisorTimeout=5\n"}) {
        EXPECT_FALSE(parse_config_text(bad).ok()) << bad;
    }
}

TEST(ConfigPath, DefaultAndEnvironment) {
    const char* saved = std::getenv("ASBB_CONF");
    const std::string saved_value = saved ? saved : "";
    ::unsetenv("ASBB_CONF");
    EXPECT_EQ(default_config_path(), "/etc/asbb/asbb.conf");
    ::setenv("ASBB_CONF", "", 1);
    EXPECT_EQ(default_config_path(), "/etc/asbb/asbb.conf");
    ::setenv("ASBB_CONF", "/tmp/my.conf", 1);
    EXPECT_EQ(default_config_path(), "/tmp/my.conf");
    if (saved) {
        ::setenv("ASBB_CONF", saved_value.c_str(), 1);
    } else {
        ::unsetenv("ASBB_CONF");
    }
}

// load_config_file against real files in a private temporary directory.
class ConfigFile : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/asbb_config_test.XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        path_ = dir_ + "/asbb.conf";
    }
    void TearDown() override {
        for (const auto& name : created_) {
            ::unlink(name.c_str());
        }
        ::rmdir((dir_ + "/sub").c_str());
        ::rmdir(dir_.c_str());
    }

    std::string Write(const std::string& text, mode_t mode, const std::string& name = "asbb.conf") {
        const std::string path = dir_ + "/" + name;
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out << text;
        }
        EXPECT_EQ(::chmod(path.c_str(), mode), 0);
        created_.push_back(path);
        return path;
    }

    // Changing a file's owner needs root (the brief's CI runs as root).
    bool CanChown() const { return ::geteuid() == 0; }

    std::string dir_;
    std::string path_;
    std::vector<std::string> created_;
};

TEST_F(ConfigFile, Mode600IsLoaded) {
    Write("DbHost=db9\nDbPass=secret\n", 0600);
    auto config = load_config_file(path_);
    ASSERT_TRUE(config.ok()) << config.error();
    EXPECT_EQ(config->db_host, "db9");
    EXPECT_EQ(config->db_pass, "secret");
}

TEST_F(ConfigFile, Mode640And400AreLoaded) {
    Write("DbHost=db9\n", 0640);
    EXPECT_TRUE(load_config_file(path_).ok());
    ASSERT_EQ(::chmod(path_.c_str(), 0400), 0);
    EXPECT_TRUE(load_config_file(path_).ok());
}

TEST_F(ConfigFile, Mode644IsRefused) {
    Write("DbHost=db9\n", 0644);
    auto config = load_config_file(path_);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), "asbb.conf " + path_ +
                                  " should be 600 or 640, is 644: it holds database credentials");
}

TEST_F(ConfigFile, AnyBitForOthersOrGroupWriteIsRefused) {
    Write("DbHost=db9\n", 0600);
    for (mode_t mode : {0601, 0602, 0604, 0606, 0666, 0660, 0620, 0777}) {
        ASSERT_EQ(::chmod(path_.c_str(), mode), 0);
        auto config = load_config_file(path_);
        ASSERT_FALSE(config.ok()) << std::oct << mode;
        EXPECT_NE(config.error().find("should be 600 or 640, is " + format_file_mode(mode)),
                  std::string::npos)
            << config.error();
    }
}

TEST_F(ConfigFile, MissingFile) {
    auto config = load_config_file(dir_ + "/nope.conf");
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), "cannot read " + dir_ + "/nope.conf: No such file or directory");
}

TEST_F(ConfigFile, DirectoryIsRefused) {
    const std::string sub = dir_ + "/sub";
    ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
    auto config = load_config_file(sub);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), "cannot read " + sub + ": not a regular file");
}

TEST_F(ConfigFile, FifoIsRefusedWithoutBlocking) {
    const std::string fifo = dir_ + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    created_.push_back(fifo);
    auto config = load_config_file(fifo);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), "cannot read " + fifo + ": not a regular file");
}

TEST_F(ConfigFile, SymlinkToGoodFileIsFollowed) {
    // Configuration management often links /etc/asbb/asbb.conf elsewhere;
    // the checks apply to the file the link points to.
    Write("DbHost=db9\n", 0600);
    const std::string link = dir_ + "/link.conf";
    ASSERT_EQ(::symlink(path_.c_str(), link.c_str()), 0);
    created_.push_back(link);
    auto config = load_config_file(link);
    ASSERT_TRUE(config.ok()) << config.error();
    EXPECT_EQ(config->db_host, "db9");
}

TEST_F(ConfigFile, UnreadableFile) {
    if (::geteuid() == 0) {
        GTEST_SKIP() << "root reads any file";
    }
    Write("DbHost=db9\n", 0000);
    auto config = load_config_file(path_);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), "cannot read " + path_ + ": Permission denied");
}

TEST_F(ConfigFile, ParseProblemNamesPathAndLine) {
    Write("DbHost=db9\n\nDbHots=x\nDbPort=0\n", 0600);
    auto config = load_config_file(path_);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), path_ + ":3: unknown key 'DbHots'");
}

TEST_F(ConfigFile, OversizedFile) {
    Write(std::string(64 * 1024 + 10, '#'), 0600);
    auto config = load_config_file(path_);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), path_ + ": file is larger than 64 KiB");
}

TEST_F(ConfigFile, TemplateLoadsFromDisk) {
    Write(config_template(), 0600);
    auto config = load_config_file(path_);
    EXPECT_TRUE(config.ok()) << config.error();
}

TEST_F(ConfigFile, OwnedByUnrelatedUserIsRefused) {
    if (!CanChown()) {
        GTEST_SKIP() << "needs root to chown";
    }
    const auto daemon_uid = lookup_user_uid("daemon");
    if (!daemon_uid || *daemon_uid == 12345) {
        GTEST_SKIP() << "no usable 'daemon' user";
    }
    Write("SlurmUser=daemon\nDbHost=db9\n", 0600);
    ASSERT_EQ(::chown(path_.c_str(), 12345, static_cast<gid_t>(-1)), 0);
    auto config = load_config_file(path_);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(), "asbb.conf " + path_ +
                                  " is owned by uid 12345, should be owned by root or SlurmUser "
                                  "daemon (uid " +
                                  std::to_string(*daemon_uid) + "): it holds database credentials");
}

TEST_F(ConfigFile, OwnerRefusalComesBeforeParseProblems) {
    if (!CanChown()) {
        GTEST_SKIP() << "needs root to chown";
    }
    Write("SlurmUser=no_such_user_asbb\nBogus=1\n", 0600);
    ASSERT_EQ(::chown(path_.c_str(), 12345, static_cast<gid_t>(-1)), 0);
    auto config = load_config_file(path_);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error(),
              "asbb.conf " + path_ +
                  " is owned by uid 12345, should be owned by root or SlurmUser "
                  "no_such_user_asbb (no such user): it holds database credentials");
}

TEST_F(ConfigFile, OwnedBySlurmUserIsLoaded) {
    if (!CanChown()) {
        GTEST_SKIP() << "needs root to chown";
    }
    const auto daemon_uid = lookup_user_uid("daemon");
    if (!daemon_uid) {
        GTEST_SKIP() << "no 'daemon' user";
    }
    Write("SlurmUser=daemon\nDbHost=db9\n", 0640);
    ASSERT_EQ(::chown(path_.c_str(), *daemon_uid, static_cast<gid_t>(-1)), 0);
    auto config = load_config_file(path_);
    ASSERT_TRUE(config.ok()) << config.error();
    EXPECT_EQ(config->slurm_user, "daemon");
}

TEST_F(ConfigFile, OwnedByRootIsLoaded) {
    if (!CanChown()) {
        GTEST_SKIP() << "needs root to chown";
    }
    Write("SlurmUser=daemon\n", 0600);
    ASSERT_EQ(::chown(path_.c_str(), 0, static_cast<gid_t>(-1)), 0);
    EXPECT_TRUE(load_config_file(path_).ok());
}

TEST(FileMode, Format) {
    EXPECT_EQ(format_file_mode(0644), "644");
    EXPECT_EQ(format_file_mode(0600), "600");
    EXPECT_EQ(format_file_mode(0), "000");
    EXPECT_EQ(format_file_mode(04755), "4755");
    EXPECT_EQ(format_file_mode(0100644), "644");  // file type bits are not permissions
}

TEST(FileMode, LookupUser) {
    EXPECT_EQ(lookup_user_uid("root"), std::optional<uint32_t>(0));
    EXPECT_EQ(lookup_user_uid("no_such_user_asbb"), std::nullopt);
}

}  // namespace
}  // namespace asbb

namespace asbb {
TEST(ConfigKeys, BudgetedPartitionsIsACheckedList) {
    auto good = parse_config_text("BudgetedPartitions=aws-cpu,aws-gpu\n");
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(good.config.budgeted_partitions, (std::vector<std::string>{"aws-cpu", "aws-gpu"}));
    for (const char* bad : {"BudgetedPartitions=aws-cpu,\n", "BudgetedPartitions=aws'gpu\n",
                            "BudgetedPartitions=,\n"}) {
        auto result = parse_config_text(bad);
        EXPECT_FALSE(result.ok()) << bad;
    }
}
}  // namespace asbb

namespace asbb {
namespace {

TEST(ConfigKeys, AlertThresholds) {
    EXPECT_TRUE(Config{}.alert_thresholds_pct.empty());  // no alerts unless asked for
    EXPECT_EQ(Accept("AlertThresholds=90,50,100,80").alert_thresholds_pct,
              (std::vector<int>{50, 80, 90, 100}));
    EXPECT_EQ(Accept("AlertThresholds=120").alert_thresholds_pct, (std::vector<int>{120}));
    for (const char* bad :
         {"", "0", "1001", "50,,80", "50,80,", "-5", "50.5", "80%", "50,50", "ninety", "99999"}) {
        ExpectRefused("AlertThresholds", bad);
    }
    EXPECT_NE(Refuse("AlertThresholds=50,50").find("given twice"), std::string::npos);
}

TEST(ConfigKeys, AlertDelivery) {
    EXPECT_EQ(Config{}.alert_basis, AlertBasis::kCommitted);
    EXPECT_EQ(Accept("AlertBasis=Spent").alert_basis, AlertBasis::kSpent);
    ExpectRefused("AlertBasis", "held");
    EXPECT_EQ(Accept("MailProg=/usr/bin/mail").mail_prog, "/usr/bin/mail");
    ExpectRefused("MailProg", "mail");
    EXPECT_EQ(Accept("AlertMail=finance@example.org,root").alert_mail,
              (std::vector<std::string>{"finance@example.org", "root"}));
    for (const char* bad :
         {"-oProxyCommand=x", "a b@c", "x@", "@x", "a@b@c", "o'hara@x", "caf\xc3\xa9@x", "a,,b"}) {
        ExpectRefused("AlertMail", bad);
    }
    EXPECT_FALSE(Accept("AlertMailCoordinators=no").alert_mail_coordinators);
    ExpectRefused("AlertMailCoordinators", "maybe");
    EXPECT_EQ(Accept("MailDomain=example.org").mail_domain, "example.org");
    ExpectRefused("MailDomain", "-example.org");
    ExpectRefused("MailDomain", "exa mple.org");
    EXPECT_EQ(Accept("AlertWebhook=https://hooks.example.org/x").alert_webhook,
              "https://hooks.example.org/x");
    EXPECT_EQ(Accept("AlertWebhook=http://hooks:8000/").alert_webhook, "http://hooks:8000");
    ExpectRefused("AlertWebhook", "ftp://x");
    ExpectRefused("AlertWebhook", "http://a b");
    EXPECT_EQ(Accept("AlertTimeout=250").alert_timeout_ms, 250);
    ExpectRefused("AlertTimeout", "50");
    EXPECT_EQ(Accept("BillCurrency=EUR").bill_currency, "EUR");
    EXPECT_EQ(Accept("").bill_currency, "USD");
    ExpectRefused("BillCurrency", "usd");
    ExpectRefused("BillCurrency", "DOLLARS");
    EXPECT_EQ(Accept("BillNodeTag=Name").bill_node_tag, "Name");
    EXPECT_EQ(Accept("BillNodeTag=parallelcluster:compute-resource-name").bill_node_tag,
              "parallelcluster:compute-resource-name");
    EXPECT_EQ(Accept("").bill_node_tag, "");
    ExpectRefused("BillNodeTag", "Slurm Node");
    ExpectRefused("BillNodeTag", "Name'");
    ExpectRefused("BillNodeTag", "N\xc3\xa4me");
    ExpectRefused("BillNodeTag", std::string(129, 'x'));
    EXPECT_EQ(Accept("").bill_shared_costs, SharedCosts::kUnattributed);
    EXPECT_EQ(Accept("BillSharedCosts=proportional").bill_shared_costs, SharedCosts::kProportional);
    ExpectRefused("BillSharedCosts", "evenly");
    EXPECT_EQ(Accept("IdleCostAccount=Overhead").idle_cost_account, "overhead");
    EXPECT_EQ(Accept("").idle_cost_account, "");
    ExpectRefused("IdleCostAccount", "over head");
    ExpectRefused("IdleCostAccount", "x'; DROP TABLE budget; --");
    EXPECT_EQ(Accept("AlertAttempts=3").alert_attempts, 3);
    ExpectRefused("AlertAttempts", "0");
}

}  // namespace
}  // namespace asbb
