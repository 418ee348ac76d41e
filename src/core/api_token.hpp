// API tokens for machine clients (the burst advisor and others that cannot
// hold a MUNGE credential): what a token may do, the form of its secret, and
// the caller it stands for. Pure: db/api_tokens stores them (the secret only
// as its SHA-256), service/token_auth checks a request's Bearer token.
//
//   reader       reads its accounts and every account below them;
//   coordinator  reads and manages them, as their SLURM coordinator would;
//   all          (for --accounts) either on every account.
//
// A token is never a superuser: the verbs and endpoints that SLURM's
// operators and administrators alone may use stay theirs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/access.hpp"
#include "core/expected.hpp"

namespace asbb {

enum class TokenRole { kReader, kCoordinator };

struct TokenGrant {
    std::string name;
    TokenRole role = TokenRole::kReader;
    bool all_accounts = false;
    std::vector<std::string> accounts;  // normalized, sorted, unique; empty with all_accounts
};

// "reader" or "coordinator".
Expected<TokenRole> parse_token_role(std::string_view text);
const char* token_role_name(TokenRole role);

// A token's name: the rule of a user name ([A-Za-z0-9_.-], not starting
// with '-'), so that it can stand where a user is named, and at most 26
// characters, so that its actor "token:NAME" fits the journal's 32.
inline constexpr size_t kMaxTokenNameBytes = 26;
Expected<std::string> validate_token_name(std::string_view text);

// "all", or a comma-separated list of SLURM account names (normalized,
// sorted, duplicates dropped; at most kMaxTokenAccounts). Fills grant's
// all_accounts and accounts.
inline constexpr size_t kMaxTokenAccounts = 100;
Expected<bool> parse_token_accounts(std::string_view text, TokenGrant& grant);
// The accounts as --accounts takes them: "all" or "a,b".
std::string token_accounts_text(const TokenGrant& grant);

// The secret handed to the client once: "asbb_" and 64 lowercase hex
// digits (32 random bytes). Anything else in a Bearer header is malformed
// and refused without a database lookup.
inline constexpr std::string_view kTokenSecretPrefix = "asbb_";
inline constexpr size_t kTokenSecretBytes = 32;
std::string token_secret_text(const std::array<uint8_t, kTokenSecretBytes>& random);
bool well_formed_token_secret(std::string_view text);

// What is stored and looked up: the secret's SHA-256 in hex.
std::string token_secret_hash(std::string_view secret);

// The caller a token stands for. Its user is "token:NAME", which the journal
// records as the actor of what it writes.
Principal token_principal(const TokenGrant& grant);

}  // namespace asbb
