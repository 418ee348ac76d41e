// core/api_token and the access a token gives (issue 12, item 7): the form
// of a secret, the parsing of --role and --accounts, and the caller a
// token stands for, which reads or manages its accounts' subtrees and is
// never a superuser.
#include "core/api_token.hpp"

#include <gtest/gtest.h>

#include "core/access.hpp"

namespace asbb {
namespace {

const std::vector<std::string> kProj001 = {"proj001", "physics", "root"};
const std::vector<std::string> kPhysics = {"physics", "root"};
const std::vector<std::string> kChem = {"chem", "root"};

TokenGrant grant(TokenRole role, const std::string& accounts) {
    TokenGrant g;
    g.name = "advisor";
    g.role = role;
    EXPECT_TRUE(parse_token_accounts(accounts, g).ok()) << accounts;
    return g;
}

TEST(ApiToken, SecretsHaveOneFormAndOthersAreMalformed) {
    std::array<uint8_t, kTokenSecretBytes> bytes{};
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 37);
    const std::string secret = token_secret_text(bytes);
    EXPECT_EQ(secret.size(), 5 + 64u);
    EXPECT_TRUE(secret.starts_with("asbb_"));
    EXPECT_TRUE(well_formed_token_secret(secret));
    EXPECT_FALSE(well_formed_token_secret(""));
    EXPECT_FALSE(well_formed_token_secret(secret.substr(0, secret.size() - 1)));
    EXPECT_FALSE(well_formed_token_secret(secret + "0"));
    std::string upper = secret;
    upper.back() = 'F';
    EXPECT_FALSE(well_formed_token_secret(upper));
    EXPECT_FALSE(well_formed_token_secret("xxxx_" + secret.substr(5)));
    EXPECT_FALSE(well_formed_token_secret(secret.substr(0, 20) + "'; --" + secret.substr(25)));
    // Stored as the SHA-256 of the whole secret, never the secret.
    EXPECT_EQ(token_secret_hash(secret).size(), 64u);
    EXPECT_NE(token_secret_hash(secret), secret.substr(5));
}

TEST(ApiToken, RolesNamesAndAccountsAreParsedOrRefused) {
    EXPECT_EQ(*parse_token_role("reader"), TokenRole::kReader);
    EXPECT_EQ(*parse_token_role("coordinator"), TokenRole::kCoordinator);
    for (const char* bad : {"", "admin", "Reader", "reader "}) {
        EXPECT_FALSE(parse_token_role(bad).ok()) << bad;
    }
    EXPECT_TRUE(validate_token_name("burst-advisor.1").ok());
    // 26 characters fit "token:NAME" in the journal's actor column; 27 do not.
    EXPECT_TRUE(validate_token_name("abcdefghijklmnopqrstuvwxyz").ok());
    for (const char* bad :
         {"", "-x", "a b", "o'brien", "t\xc3\xa9", "token:x", "abcdefghijklmnopqrstuvwxyz0"}) {
        EXPECT_FALSE(validate_token_name(bad).ok()) << bad;
    }
    TokenGrant g;
    ASSERT_TRUE(parse_token_accounts("Physics,chem,physics", g).ok());
    EXPECT_EQ(g.accounts, (std::vector<std::string>{"chem", "physics"}));
    EXPECT_EQ(token_accounts_text(g), "chem,physics");
    ASSERT_TRUE(parse_token_accounts("all", g).ok());
    EXPECT_TRUE(g.all_accounts);
    EXPECT_TRUE(g.accounts.empty());
    EXPECT_EQ(token_accounts_text(g), "all");
    for (const char* bad : {"", ",", "a,,b", "a'b", "caf\xc3\xa9"}) {
        EXPECT_FALSE(parse_token_accounts(bad, g).ok()) << bad;
    }
    std::string many;
    for (int i = 0; i <= static_cast<int>(kMaxTokenAccounts); ++i) {
        many += (i ? ",a" : "a") + std::to_string(i);
    }
    EXPECT_FALSE(parse_token_accounts(many, g).ok());
}

TEST(ApiToken, AReaderReadsItsAccountsSubtreesOnly) {
    const Principal p = token_principal(grant(TokenRole::kReader, "physics"));
    EXPECT_EQ(p.user, "token:advisor");
    EXPECT_NE(p.uid, 0u);
    EXPECT_FALSE(p.superuser());
    EXPECT_TRUE(allowed(p, Access::kRead, kPhysics));
    EXPECT_TRUE(allowed(p, Access::kRead, kProj001));
    EXPECT_FALSE(allowed(p, Access::kManage, kProj001));
    EXPECT_FALSE(allowed(p, Access::kRead, kChem));
    EXPECT_FALSE(allowed(p, Access::kRead, {"root"}));
    EXPECT_EQ(role_name(p), "reader token");
}

TEST(ApiToken, ACoordinatorManagesItsAccountsSubtreesOnly) {
    const Principal p = token_principal(grant(TokenRole::kCoordinator, "proj001"));
    EXPECT_FALSE(p.superuser());
    EXPECT_TRUE(allowed(p, Access::kManage, kProj001));
    EXPECT_TRUE(allowed(p, Access::kRead, kProj001));
    EXPECT_FALSE(allowed(p, Access::kRead, kPhysics));
    EXPECT_EQ(role_name(p), "coordinator token");
}

TEST(ApiToken, AllAccountsGivesTheRoleEverywhereButNeverSuperuser) {
    const Principal reader = token_principal(grant(TokenRole::kReader, "all"));
    EXPECT_TRUE(allowed(reader, Access::kRead, kChem));
    EXPECT_TRUE(allowed(reader, Access::kRead, {"unknown"}));
    EXPECT_FALSE(allowed(reader, Access::kManage, kChem));
    EXPECT_FALSE(reader.superuser());
    const Principal coordinator = token_principal(grant(TokenRole::kCoordinator, "all"));
    EXPECT_TRUE(allowed(coordinator, Access::kManage, kChem));
    EXPECT_FALSE(coordinator.superuser());
}

}  // namespace
}  // namespace asbb
