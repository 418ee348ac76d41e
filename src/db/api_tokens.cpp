#include "db/api_tokens.hpp"

#include "core/split.hpp"

namespace asbb::db {

namespace {

constexpr const char* kTokenColumns =
    "name, role, all_accounts, accounts, created_at, created_by, last_used_at, revoked_at,"
    " revoked_by";

// A row written by create_token; anything else there is an error to
// report, never a grant to guess at.
TokenGrant grant_from_row(const Row& row) {
    TokenGrant grant;
    grant.name = row.str(0);
    auto role = parse_token_role(row.str(1));
    if (!role) throw DbError(DbErrorKind::kOther, 0, "api_token " + grant.name + ": bad role");
    grant.role = *role;
    grant.all_accounts = row.i64(2) != 0;
    if (!grant.all_accounts) {
        for (std::string_view account : split_on(row.str(3))) grant.accounts.emplace_back(account);
    }
    return grant;
}

}  // namespace

bool create_token(Session& session, const TokenGrant& grant, const std::string& secret_sha256,
                  const std::string& actor, int64_t now_s) {
    try {
        session.exec(
            "INSERT INTO api_token (name, secret_sha256, role, all_accounts, accounts, created_at,"
            " created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {grant.name, secret_sha256, std::string(token_role_name(grant.role)),
             int64_t{grant.all_accounts ? 1 : 0},
             grant.all_accounts ? std::string() : token_accounts_text(grant), now_s, actor});
    } catch (const DbError& e) {
        if (e.kind() == DbErrorKind::kDuplicateKey) return false;
        throw;
    }
    return true;
}

std::vector<TokenRecord> list_tokens(Session& session) {
    std::vector<TokenRecord> tokens;
    for (const auto& row :
         session.query(std::string("SELECT ") + kTokenColumns + " FROM api_token ORDER BY name")) {
        tokens.push_back({grant_from_row(row), row.i64(4), row.str(5), row.opt_i64(6),
                          row.opt_i64(7), row.str_or(8, "")});
    }
    return tokens;
}

RevokeOutcome revoke_token(Session& session, const std::string& name, const std::string& actor,
                           int64_t now_s) {
    if (session.exec("UPDATE api_token SET revoked_at = ?, revoked_by = ?"
                     " WHERE name = ? AND revoked_at IS NULL",
                     {now_s, actor, name}) > 0) {
        return RevokeOutcome::kRevoked;
    }
    return session.query("SELECT 1 FROM api_token WHERE name = ?", {name}).empty()
               ? RevokeOutcome::kUnknown
               : RevokeOutcome::kAlreadyRevoked;
}

std::optional<TokenGrant> find_active_token(Session& session, const std::string& secret_sha256) {
    auto rows = session.query(std::string("SELECT ") + kTokenColumns +
                                  " FROM api_token WHERE secret_sha256 = ? AND revoked_at IS NULL",
                              {secret_sha256});
    if (rows.empty()) return std::nullopt;
    return grant_from_row(rows[0]);
}

void touch_token(Session& session, const std::string& name, int64_t now_s) {
    session.exec(
        "UPDATE api_token SET last_used_at = ? WHERE name = ?"
        " AND (last_used_at IS NULL OR last_used_at < ?)",
        {now_s, name, now_s - 60});
}

}  // namespace asbb::db
