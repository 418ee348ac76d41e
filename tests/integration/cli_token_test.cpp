// asbb token create|list|revoke (issue 12, item 7): the secret is printed
// once, alone on the last line, and stored only as its SHA-256; the listing
// in table, -P and --json (golden, on a fixed clock); bad input refused with
// one line and nothing stored.
#include "core/api_token.hpp"
#include "core/sha256.hpp"
#include "db/api_tokens.hpp"
#include "integration/support/cli_test.hpp"
#include "util/identity.hpp"

namespace asbb::test {
namespace {

constexpr int64_t kNow = 1'773'576'000;  // 2026-03-15T12:00:00Z

class CliToken : public CliTest {
  protected:
    void SetUp() override {
        fix_clock("UTC", kNow);
        CliTest::SetUp();
    }
    void TearDown() override {
        CliTest::TearDown();
        restore_clock();
    }

    // Creates a token and returns its secret (the last line of stdout).
    std::string create(const std::string& name, const std::string& role,
                       const std::string& accounts) {
        const std::string text =
            out({"token", "create", name, "--role=" + role, "--accounts=" + accounts});
        EXPECT_TRUE(text.ends_with("\n")) << text;
        const std::string body = text.substr(0, text.size() - 1);
        return body.substr(body.rfind('\n') + 1);
    }
};

TEST_F(CliToken, CreatePrintsTheSecretOnceAndStoresOnlyItsHash) {
    const std::string text =
        out({"token", "create", "advisor", "--role=reader", "--accounts=physics,Chem"});
    const std::string secret = text.substr(text.rfind('\n', text.size() - 2) + 1,
                                           text.size() - text.rfind('\n', text.size() - 2) - 2);
    EXPECT_EQ(text, "created reader token advisor for chem,physics; its secret, shown only now:\n" +
                        secret + "\n");
    EXPECT_TRUE(well_formed_token_secret(secret)) << secret;
    // The secret is nowhere in the table; its SHA-256 is. (Searched here,
    // not with LIKE: the columns' character sets differ, and MariaDB 11.8
    // refuses to mix their collations with a parameter's.)
    for (const auto& row :
         session().query("SELECT name, secret_sha256, role, accounts, created_by FROM api_token")) {
        for (size_t i = 0; i < row.size(); ++i) {
            EXPECT_EQ(row.str(i).find(secret.substr(5, 16)), std::string::npos) << i;
        }
    }
    EXPECT_EQ(
        scalar("SELECT COUNT(*) FROM api_token WHERE secret_sha256 = ?", {sha256_hex(secret)}), 1);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM api_token WHERE created_by = ? AND created_at = ?",
                     {current_user_name(), kNow}),
              1);
    // The grant comes back from the hash; two tokens never share a secret.
    auto grant = db::find_active_token(session(), sha256_hex(secret));
    ASSERT_TRUE(grant.has_value());
    EXPECT_EQ(grant->accounts, (std::vector<std::string>{"chem", "physics"}));
    EXPECT_NE(create("second", "reader", "physics"), secret);
    // The listing never shows a secret or its hash.
    const std::string listing = out({"token", "list", "--json"});
    EXPECT_EQ(listing.find(secret.substr(5, 16)), std::string::npos);
    EXPECT_EQ(listing.find(sha256_hex(secret).substr(0, 16)), std::string::npos);
}

TEST_F(CliToken, ListShowsEveryTokenInTableParsableAndJson) {
    create("advisor", "reader", "proj001");
    create("ops", "coordinator", "all");
    create("old", "reader", "chem");
    db::touch_token(session(), "advisor", kNow + 3600);
    setenv("ASBB_NOW", std::to_string(kNow + 7200).c_str(), 1);
    expect_output({"token", "revoke", "old"}, "revoked token old\n");
    // Who made them depends on who runs the test (checked above).
    session().exec("UPDATE api_token SET created_by = 'admin'");
    expect_output({"token", "list"},
                  "Name    Role        Accounts Created             CreatedBy LastUsed            "
                  "Revoked             \n"
                  "------- ----------- -------- ------------------- --------- ------------------- "
                  "------------------- \n"
                  "advisor reader      proj001  2026-03-15T12:00:00 admin     2026-03-15T13:00:00  "
                  "                   \n"
                  "old     reader      chem     2026-03-15T12:00:00 admin                         "
                  "2026-03-15T14:00:00 \n"
                  "ops     coordinator all      2026-03-15T12:00:00 admin                          "
                  "                   \n");
    expect_output({"token", "list", "-P"},
                  "Name|Role|Accounts|Created|CreatedBy|LastUsed|Revoked\n"
                  "advisor|reader|proj001|2026-03-15T12:00:00|admin|2026-03-15T13:00:00|\n"
                  "old|reader|chem|2026-03-15T12:00:00|admin||2026-03-15T14:00:00\n"
                  "ops|coordinator|all|2026-03-15T12:00:00|admin||\n");
    expect_output({"token", "list", "--json"}, R"~([
  {
    "name": "advisor",
    "role": "reader",
    "accounts": "proj001",
    "created": "2026-03-15T12:00:00",
    "created_by": "admin",
    "last_used": "2026-03-15T13:00:00",
    "revoked": null
  },
  {
    "name": "old",
    "role": "reader",
    "accounts": "chem",
    "created": "2026-03-15T12:00:00",
    "created_by": "admin",
    "last_used": null,
    "revoked": "2026-03-15T14:00:00"
  },
  {
    "name": "ops",
    "role": "coordinator",
    "accounts": "all",
    "created": "2026-03-15T12:00:00",
    "created_by": "admin",
    "last_used": null,
    "revoked": null
  }
]
)~");
}

TEST_F(CliToken, BadInputIsRefusedWithOneLineAndNothingStored) {
    create("advisor", "reader", "proj001");
    expect_refused({"token", "create", "advisor", "--role=reader", "--accounts=chem"}, 1,
                   "a token named advisor exists already");
    expect_refused({"token", "create", "x", "--role=admin", "--accounts=chem"}, 2,
                   "--role: must be reader or coordinator");
    expect_refused({"token", "create", "x", "--role=reader", "--accounts=nosuch"}, 1,
                   "SLURM has no account 'nosuch'");
    expect_refused({"token", "create", "x", "--role=reader", "--accounts="}, 2, "--accounts:");
    expect_refused({"token", "create", "x", "--role=reader", "--accounts=a'b"}, 2, "--accounts:");
    expect_refused({"token", "create", "o'brien", "--role=reader", "--accounts=chem"}, 2,
                   "token name:");
    expect_refused({"token", "create", "caf\xc3\xa9", "--role=reader", "--accounts=chem"}, 2,
                   "token name:");
    expect_refused({"token", "create", "x", "--accounts=chem"}, 2, "--role");
    expect_refused({"token", "create", "x", "--role=reader"}, 2, "--accounts");
    expect_refused({"token", "create", "--role=reader", "--accounts=chem"}, 2, "name the token");
    expect_refused({"token", "revoke", "nosuch"}, 1, "no token named nosuch");
    expect_refused({"token", "frobnicate"}, 2, "unknown token verb");
    out({"token", "revoke", "advisor"});
    expect_refused({"token", "revoke", "advisor"}, 1, "token advisor is revoked already");
    // A revoked name stays taken.
    expect_refused({"token", "create", "advisor", "--role=reader", "--accounts=chem"}, 1,
                   "exists already");
}

}  // namespace
}  // namespace asbb::test
