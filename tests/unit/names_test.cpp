#include "core/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/split.hpp"

namespace asbb {
namespace {

std::string ok(const Expected<std::string>& result) {
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error());
    return result.ok() ? *result : "<error>";
}

std::string error(const Expected<std::string>& result) {
    EXPECT_FALSE(result.ok()) << "accepted as '" << (result.ok() ? *result : "") << "'";
    return result.ok() ? "" : result.error();
}

void expect_one_line(const std::string& message) {
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find('\r'), std::string::npos) << message;
    EXPECT_LT(message.size(), 200u) << message;
    ASSERT_FALSE(message.empty());
    EXPECT_NE(message.back(), '.') << message;
}

TEST(AccountName, AcceptedAndFolded) {
    EXPECT_EQ(ok(normalize_account_name("proj001")), "proj001");
    EXPECT_EQ(ok(normalize_account_name("PROJ001")), "proj001");
    EXPECT_EQ(ok(normalize_account_name("Lab-A.group_2")), "lab-a.group_2");
    EXPECT_EQ(ok(normalize_account_name("9lives")), "9lives");
    EXPECT_EQ(ok(normalize_account_name("a")), "a");
    EXPECT_EQ(ok(normalize_account_name(std::string(64, 'a'))), std::string(64, 'a'));
}

TEST(AccountName, Refused) {
    const std::string allowed = " is not allowed (use a-z, 0-9, '_', '.', '-')";
    EXPECT_EQ(error(normalize_account_name("")), "invalid account name '': empty");
    EXPECT_EQ(error(normalize_account_name("o'brien")),
              "invalid account name 'o'brien': ''' at position 2" + allowed);
    EXPECT_EQ(error(normalize_account_name("a\"b")),
              "invalid account name 'a\"b': '\"' at position 2" + allowed);
    EXPECT_EQ(error(normalize_account_name("a\\b")),
              "invalid account name 'a\\b': '\\' at position 2" + allowed);
    EXPECT_EQ(error(normalize_account_name("proj%")),
              "invalid account name 'proj%': '%' at position 5" + allowed);
    EXPECT_EQ(error(normalize_account_name("my proj")),
              "invalid account name 'my proj': ' ' at position 3" + allowed);
    EXPECT_EQ(error(normalize_account_name("caf\xc3\xa9")),
              "invalid account name 'caf\\xc3\\xa9': byte \\xc3 at position 4" + allowed);
    EXPECT_EQ(error(normalize_account_name("a\nb")),
              "invalid account name 'a\\x0ab': byte \\x0a at position 2" + allowed);
    EXPECT_EQ(error(normalize_account_name(std::string(1, '\0'))),
              "invalid account name '\\x00': byte \\x00 at position 1" + allowed);
    EXPECT_EQ(
        error(normalize_account_name(std::string(65, 'a'))),
        "invalid account name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (65 bytes): longer "
        "than 64 characters");
    EXPECT_EQ(error(normalize_account_name("-proj")),
              "invalid account name '-proj': must start with a letter or digit");
    EXPECT_EQ(error(normalize_account_name(".proj")),
              "invalid account name '.proj': must start with a letter or digit");
    EXPECT_EQ(error(normalize_account_name("_proj")),
              "invalid account name '_proj': must start with a letter or digit");
    EXPECT_EQ(error(normalize_account_name("a;drop table")),
              "invalid account name 'a;drop table': ';' at position 2" + allowed);
}

TEST(AccountName, HugeInputGivesShortMessage) {
    const std::string huge(10 * 1024, 'x');
    const std::string message = error(normalize_account_name(huge));
    EXPECT_EQ(message,
              "invalid account name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (10240 bytes): "
              "longer than 64 characters");
    expect_one_line(message);
}

TEST(AccountName, EveryRefusalIsOneLine) {
    for (std::string_view bad : {"", "o'brien", "a\"b", "a\\b", "p%", "a b", "\xc3\xa9", "a\nb",
                                 "a\r\nb", "-a", "\x1b[2J"}) {
        expect_one_line(error(normalize_account_name(bad)));
    }
}

TEST(PartitionName, KeepsCase) {
    EXPECT_EQ(ok(validate_partition_name("GPU-large.v2_a")), "GPU-large.v2_a");
    EXPECT_EQ(ok(validate_partition_name(std::string(64, 'P'))), std::string(64, 'P'));
    EXPECT_EQ(error(validate_partition_name("")), "invalid partition name '': empty");
    EXPECT_EQ(error(validate_partition_name("gpu large")),
              "invalid partition name 'gpu large': ' ' at position 4 is not allowed (use A-Z, "
              "a-z, 0-9, '_', '.', '-')");
    EXPECT_FALSE(validate_partition_name("gpu,cpu").ok());
    EXPECT_FALSE(validate_partition_name("gpu'").ok());
    EXPECT_FALSE(validate_partition_name("-5").ok());
    EXPECT_FALSE(validate_partition_name("-gpu").ok());
    EXPECT_FALSE(validate_partition_name(std::string(65, 'p')).ok());
}

TEST(ClusterName, FoldsAndRefuses) {
    EXPECT_EQ(ok(normalize_cluster_name("AWS-East_1")), "aws-east_1");
    EXPECT_EQ(error(normalize_cluster_name("aws.east")),
              "invalid cluster name 'aws.east': '.' at position 4 is not allowed (use a-z, 0-9, "
              "'_', '-')");
    EXPECT_EQ(error(normalize_cluster_name("")), "invalid cluster name '': empty");
    EXPECT_FALSE(normalize_cluster_name(std::string(65, 'c')).ok());
    EXPECT_TRUE(normalize_cluster_name(std::string(64, 'c')).ok());
}

TEST(UserName, Rules) {
    EXPECT_EQ(ok(validate_user_name("Alice.Smith-2_x")), "Alice.Smith-2_x");
    EXPECT_EQ(ok(validate_user_name(std::string(32, 'u'))), std::string(32, 'u'));
    EXPECT_FALSE(validate_user_name(std::string(33, 'u')).ok());
    EXPECT_EQ(error(validate_user_name("-alice")),
              "invalid user name '-alice': must start with a character other than '-'");
    EXPECT_EQ(error(validate_user_name("")), "invalid user name '': empty");
    EXPECT_FALSE(validate_user_name("al ice").ok());
    EXPECT_FALSE(validate_user_name("alice@example").ok());
    EXPECT_FALSE(validate_user_name("root'--").ok());
}

TEST(SqlIdentifier, Strict) {
    EXPECT_EQ(ok(validate_sql_identifier("asbb_test_42")), "asbb_test_42");
    EXPECT_EQ(ok(validate_sql_identifier("slurm_acct_db")), "slurm_acct_db");
    EXPECT_EQ(error(validate_sql_identifier("asbb-test")),
              "invalid sql identifier 'asbb-test': '-' at position 5 is not allowed (use A-Z, "
              "a-z, 0-9, '_')");
    EXPECT_FALSE(validate_sql_identifier("a`b").ok());
    EXPECT_FALSE(validate_sql_identifier("a.b").ok());
    EXPECT_FALSE(validate_sql_identifier("a b").ok());
    EXPECT_FALSE(validate_sql_identifier("db;drop").ok());
    EXPECT_FALSE(validate_sql_identifier("").ok());
    EXPECT_FALSE(validate_sql_identifier(std::string(65, 'd')).ok());
    EXPECT_TRUE(validate_sql_identifier(std::string(64, 'd')).ok());
}

TEST(FreeText, AllowsQuotesAndUnicode) {
    EXPECT_EQ(ok(validate_free_text("")), "");
    EXPECT_EQ(ok(validate_free_text("it's \"fine\"; 100% \\o/")), "it's \"fine\"; 100% \\o/");
    EXPECT_EQ(ok(validate_free_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80")),
              "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80");
    EXPECT_EQ(ok(validate_free_text(std::string(255, 'r'))), std::string(255, 'r'));
    EXPECT_EQ(ok(validate_free_text("abc", 3)), "abc");
    // U+00A0 is the first code point after the C1 controls.
    EXPECT_TRUE(validate_free_text("\xc2\xa0").ok());
    // U+10FFFF is the last code point.
    EXPECT_TRUE(validate_free_text("\xf4\x8f\xbf\xbf").ok());
}

TEST(FreeText, RefusesControlCharacters) {
    EXPECT_EQ(error(validate_free_text("line\nbreak")),
              "invalid text 'line\\x0abreak': control character \\x0a at byte 5");
    EXPECT_EQ(error(validate_free_text("tab\there")),
              "invalid text 'tab\\x09here': control character \\x09 at byte 4");
    EXPECT_EQ(error(validate_free_text(std::string("nul\0", 4))),
              "invalid text 'nul\\x00': control character \\x00 at byte 4");
    EXPECT_EQ(error(validate_free_text("\x1b[31mred")),
              "invalid text '\\x1b[31mred': control character \\x1b at byte 1");
    EXPECT_EQ(error(validate_free_text("del\x7f")),
              "invalid text 'del\\x7f': control character \\x7f at byte 4");
    EXPECT_EQ(error(validate_free_text("c1\xc2\x85")),
              "invalid text 'c1\\xc2\\x85': control character U+0085 at byte 3");
    EXPECT_FALSE(validate_free_text("\xc2\x9f").ok());
}

TEST(FreeText, RefusesInvalidUtf8) {
    EXPECT_EQ(error(validate_free_text("bad\xff")),
              "invalid text 'bad\\xff': invalid UTF-8 at byte 4");
    EXPECT_FALSE(validate_free_text("\xc3").ok());              // truncated
    EXPECT_FALSE(validate_free_text("\xc3(").ok());             // bad continuation
    EXPECT_FALSE(validate_free_text("\xa9").ok());              // lone continuation
    EXPECT_FALSE(validate_free_text("\xc0\xaf").ok());          // overlong '/'
    EXPECT_FALSE(validate_free_text("\xe0\x80\xaf").ok());      // overlong
    EXPECT_FALSE(validate_free_text("\xed\xa0\x80").ok());      // surrogate U+D800
    EXPECT_FALSE(validate_free_text("\xf4\x90\x80\x80").ok());  // past U+10FFFF
    EXPECT_FALSE(validate_free_text("\xf0\x9f\x9a").ok());      // truncated 4-byte
    EXPECT_FALSE(validate_free_text("\xf5\x80\x80\x80").ok());
}

TEST(FreeText, RefusesTooLong) {
    EXPECT_EQ(error(validate_free_text("abcd", 3)), "invalid text 'abcd': longer than 3 bytes");
    const std::string message = error(validate_free_text(std::string(10 * 1024, 'z')));
    EXPECT_EQ(message,
              "invalid text 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...' (10240 bytes): longer "
              "than 255 bytes");
    expect_one_line(message);
    // The limit is in bytes: a two-byte character counts twice.
    EXPECT_FALSE(validate_free_text("\xc3\xa9\xc3\xa9", 3).ok());
}

TEST(QuoteInput, EscapesAndCuts) {
    EXPECT_EQ(quote_input(""), "''");
    EXPECT_EQ(quote_input("abc"), "'abc'");
    EXPECT_EQ(quote_input("a\nb"), "'a\\x0ab'");
    EXPECT_EQ(quote_input(std::string(40, 'q')), "'" + std::string(40, 'q') + "'");
    EXPECT_EQ(quote_input(std::string(41, 'q')), "'" + std::string(40, 'q') + "...' (41 bytes)");
}

}  // namespace
}  // namespace asbb

namespace asbb {
namespace {

// The one list splitter: every caller sees empty items and decides.
TEST(SplitOn, KeepsEveryItemEmptyOnesIncludedInOrder) {
    using List = std::vector<std::string_view>;
    EXPECT_EQ(split_on("aws-cpu,aws-gpu"), (List{"aws-cpu", "aws-gpu"}));
    EXPECT_EQ(split_on("a,,b"), (List{"a", "", "b"}));
    EXPECT_EQ(split_on("a,"), (List{"a", ""}));
    EXPECT_EQ(split_on(",a"), (List{"", "a"}));
    EXPECT_EQ(split_on(""), (List{""}));
    EXPECT_EQ(split_on("1:2", ':'), (List{"1", "2"}));
}

}  // namespace
}  // namespace asbb

namespace asbb {
namespace {

TEST(MailNames, RecipientsAreUserOrUserAtDomainAndNeverAnOption) {
    EXPECT_EQ(ok(validate_mail_recipient("finance@example.org")), "finance@example.org");
    EXPECT_EQ(ok(validate_mail_recipient("first.last+asbb@dept.example.org")),
              "first.last+asbb@dept.example.org");
    EXPECT_EQ(ok(validate_mail_recipient("root")), "root");
    for (const char* bad : {"", "-f", "-oi@example.org", "a b", "a@", "@b", "a@b@c", "<a@b>", "a;b",
                            "o'hara", "caf\xc3\xa9"}) {
        expect_one_line(error(validate_mail_recipient(bad)));
    }
    EXPECT_EQ(ok(validate_mail_domain("example.org")), "example.org");
    for (const char* bad : {"", "-x.org", ".x.org", "x_y.org", "x.org/", "x@y"}) {
        expect_one_line(error(validate_mail_domain(bad)));
    }
}

}  // namespace
}  // namespace asbb
