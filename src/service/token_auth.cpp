#include "service/token_auth.hpp"

#include <spdlog/spdlog.h>

#include "core/api_token.hpp"
#include "db/api_tokens.hpp"
#include "service/handler.hpp"

namespace asbb::service {

std::optional<HttpResponse> TokenAuth::refuse_early(const std::string& secret,
                                                    const std::string& address, int64_t now_s) {
    if (const int64_t wait_s = limiter_.retry_after_s(address, now_s); wait_s > 0) {
        HttpResponse response =
            error_response(429, "too many failed API token attempts from " + address +
                                    "; try again in " + std::to_string(wait_s) + " s");
        response.headers.emplace_back("Retry-After", std::to_string(wait_s));
        return response;
    }
    if (!well_formed_token_secret(secret)) {
        limiter_.record_failure(address, now_s);
        spdlog::warn("malformed API token from {}", address);
        return error_response(401, "malformed API token (asbb_ and 64 hex digits expected)");
    }
    return std::nullopt;
}

std::optional<Principal> TokenAuth::caller(db::Session& session, const std::string& secret,
                                           const std::string& address, int64_t now_s) {
    auto grant = db::find_active_token(session, token_secret_hash(secret));
    if (!grant) {
        limiter_.record_failure(address, now_s);
        spdlog::warn("unknown or revoked API token from {}", address);
        return std::nullopt;
    }
    db::touch_token(session, grant->name, now_s);
    return token_principal(*grant);
}

}  // namespace asbb::service
