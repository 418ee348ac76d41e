// API tokens in the ledger's database (sql/011_api_tokens.sql): made and
// revoked by `asbb token`, looked up by the service for every Bearer
// request. Only the secret's SHA-256 is stored or compared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/api_token.hpp"
#include "db/session.hpp"

namespace asbb::db {

struct TokenRecord {
    TokenGrant grant;
    int64_t created_at = 0;
    std::string created_by;
    std::optional<int64_t> last_used_at;
    std::optional<int64_t> revoked_at;
    std::string revoked_by;
};

// Stores a new token under secret_sha256. False when a token of that name
// exists already (revoked ones included: a name means one grant forever).
bool create_token(Session& session, const TokenGrant& grant, const std::string& secret_sha256,
                  const std::string& actor, int64_t now_s);

// Every token, revoked ones too, by name.
std::vector<TokenRecord> list_tokens(Session& session);

enum class RevokeOutcome { kRevoked, kUnknown, kAlreadyRevoked };
RevokeOutcome revoke_token(Session& session, const std::string& name, const std::string& actor,
                           int64_t now_s);

// The grant of the unrevoked token whose secret has this SHA-256, if any.
std::optional<TokenGrant> find_active_token(Session& session, const std::string& secret_sha256);

// Records a use (at most one write a minute per token: the column says
// "last used", not how often).
void touch_token(Session& session, const std::string& name, int64_t now_s);

}  // namespace asbb::db
