#include "core/api_token.hpp"

#include <algorithm>
#include <limits>

#include "core/names.hpp"
#include "core/sha256.hpp"
#include "core/split.hpp"

namespace asbb {

Expected<TokenRole> parse_token_role(std::string_view text) {
    if (text == "reader") return TokenRole::kReader;
    if (text == "coordinator") return TokenRole::kCoordinator;
    return Error{"must be reader or coordinator, got " + quote_input(text)};
}

const char* token_role_name(TokenRole role) {
    return role == TokenRole::kCoordinator ? "coordinator" : "reader";
}

Expected<std::string> validate_token_name(std::string_view text) {
    auto name = validate_user_name(text);
    if (!name) return Error{"token name: " + name.error()};
    if (name->size() > kMaxTokenNameBytes) {
        return Error{"token name: " + quote_input(text) + " is longer than " +
                     std::to_string(kMaxTokenNameBytes) +
                     " characters (the journal names its actor token:NAME)"};
    }
    return name;
}

Expected<bool> parse_token_accounts(std::string_view text, TokenGrant& grant) {
    grant.accounts.clear();
    grant.all_accounts = text == "all";
    if (grant.all_accounts) return true;
    if (text.empty()) return Error{"name one or more accounts, or all"};
    for (std::string_view item : split_on(text)) {
        auto account = normalize_account_name(item);
        if (!account) return Error{account.error()};
        grant.accounts.push_back(*account);
    }
    std::sort(grant.accounts.begin(), grant.accounts.end());
    grant.accounts.erase(std::unique(grant.accounts.begin(), grant.accounts.end()),
                         grant.accounts.end());
    if (grant.accounts.size() > kMaxTokenAccounts) {
        return Error{"at most " + std::to_string(kMaxTokenAccounts) + " accounts (or all)"};
    }
    return true;
}

std::string token_accounts_text(const TokenGrant& grant) {
    if (grant.all_accounts) return "all";
    std::string text;
    for (const auto& account : grant.accounts) text += (text.empty() ? "" : ",") + account;
    return text;
}

std::string token_secret_text(const std::array<uint8_t, kTokenSecretBytes>& random) {
    return std::string(kTokenSecretPrefix) + lower_hex(random);
}

bool well_formed_token_secret(std::string_view text) {
    if (!text.starts_with(kTokenSecretPrefix)) return false;
    const std::string_view hex = text.substr(kTokenSecretPrefix.size());
    return hex.size() == 2 * kTokenSecretBytes && std::all_of(hex.begin(), hex.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string token_secret_hash(std::string_view secret) {
    return sha256_hex(secret);
}

Principal token_principal(const TokenGrant& grant) {
    Principal principal;
    // No uid: not root (0), nor any user's.
    principal.uid = std::numeric_limits<uint32_t>::max();
    principal.user = "token:" + grant.name;
    principal.token = grant.name;
    const Access access = grant.role == TokenRole::kCoordinator ? Access::kManage : Access::kRead;
    if (grant.all_accounts) {
        principal.every_account = access;
    } else if (access == Access::kManage) {
        principal.coordinated = grant.accounts;
    } else {
        principal.readable = grant.accounts;
    }
    return principal;
}

}  // namespace asbb
