// API tokens at the service's door: a request whose Authorization header is
// "Bearer <secret>" is the token's caller (core/api_token.hpp), looked up by
// the secret's SHA-256 (db/api_tokens.hpp). Failed attempts are counted per
// client address, and an address over TokenFailureLimit is refused before
// any lookup, so guessing costs the guesser time and the database nothing.
#pragma once

#include <optional>
#include <string>

#include "core/access.hpp"
#include "core/failure_limiter.hpp"
#include "db/session.hpp"
#include "service/http_server.hpp"

namespace asbb::service {

class TokenAuth {
  public:
    explicit TokenAuth(int failure_limit) : limiter_(failure_limit, kWindowS) {}

    // Before the database is touched: 429 (with Retry-After) while the
    // address is over its limit, 401 for a secret not of asbb's form (a
    // failure that counts). Nothing when the lookup may go ahead.
    std::optional<HttpResponse> refuse_early(const std::string& secret, const std::string& address,
                                             int64_t now_s);

    // The caller the token stands for, its use recorded; nothing (a
    // failure that counts) for an unknown or revoked token.
    std::optional<Principal> caller(db::Session& session, const std::string& secret,
                                    const std::string& address, int64_t now_s);

  private:
    static constexpr int64_t kWindowS = 60;
    FailureLimiter limiter_;
};

}  // namespace asbb::service
