#include "service/api.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/names.hpp"
#include "db/slurm_roles.hpp"
#include "net/munge_credential.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::service {

namespace {

struct Route {
    const char* method;
    const char* pattern;  // "{x}" matches one path segment
    HttpResponse (*handler)(Call&);
    bool authenticated;
};

// The original asbb's paths. /health, /version and /metrics answer without a
// credential (load balancers and Prometheus have none) and tell nothing
// about any budget.
constexpr Route kRoutes[] = {
    {"GET", "/health", get_health, false},
    {"GET", "/version", get_version, false},
    {"GET", "/metrics", get_metrics, false},
    {"GET", "/api/v1/accounts", list_accounts, true},
    {"POST", "/api/v1/accounts", create_account, true},
    {"GET", "/api/v1/accounts/{account}", show_account, true},
    {"PUT", "/api/v1/accounts/{account}", update_account, true},
    {"DELETE", "/api/v1/accounts/{account}", delete_account, true},
    {"GET", "/api/v1/transactions", list_transactions, true},
    {"POST", "/api/v1/budget/check", budget_check, true},
    {"POST", "/api/v1/budget/reconcile", budget_reconcile, true},
    {"GET", "/api/v1/integration/budget-context/{job_id}", budget_context, true},
    {"POST", "/api/v1/asba/budget-status", asba_budget_status, true},
    {"POST", "/api/v1/asba/affordability-check", asba_affordability_check, true},
    // The CLI's read verbs for users who cannot read asbb.conf (cli/remote.hpp).
    {"POST", "/api/v1/cli", run_cli_verb, true},
};

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    size_t start = 1;
    if (path.empty() || path[0] != '/') return {"\x01"};  // matches nothing
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        parts.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

bool match(const char* pattern, const std::vector<std::string>& parts,
           std::vector<std::string>& params) {
    const auto want = split_path(pattern);
    if (want.size() != parts.size()) return false;
    std::vector<std::string> found;
    for (size_t i = 0; i < want.size(); ++i) {
        if (want[i].starts_with('{')) {
            if (parts[i].empty()) return false;
            found.push_back(parts[i]);
        } else if (want[i] != parts[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

int status_for(net::MungeStatus status) {
    return status == net::MungeStatus::kUnavailable ? 503 : 401;
}

// The Authorization header: "MUNGE <credential>" (users), "Bearer
// <secret>" (API tokens), or neither (treated as a missing credential).
struct Credential {
    bool bearer = false;
    std::string value;
};

Credential credential_of(const std::string& authorization) {
    for (const auto& [scheme, bearer] :
         {std::pair<std::string_view, bool>{"MUNGE ", false}, {"Bearer ", true}}) {
        if (authorization.size() > scheme.size() && authorization.starts_with(scheme)) {
            return {bearer, authorization.substr(scheme.size())};
        }
    }
    return {};
}

}  // namespace

HttpResponse error_response(int status, const std::string& message) {
    JsonOut json;
    json.w().StartObject();
    json.text("error", message).number("status", status);
    json.w().EndObject();
    return json_response(status, json.str());
}

// Nothing is read before the caller is known: a MUNGE credential is decoded
// by munged, a token's secret is checked for form and rate limit, before a
// database session is borrowed.
HttpResponse Api::authenticated(HttpResponse (*handler)(Call&), Call& call) {
    const Credential credential = credential_of(call.request.authorization);
    const std::string& address = call.request.remote_address;
    net::MungeIdentity identity;
    if (credential.bearer) {
        if (auto refusal = tokens_.refuse_early(credential.value, address, call.now_s)) {
            state_.metrics.count_auth_failure();
            return *refusal;
        }
    } else {
        identity = net::decode_munge_credential(credential.value, state_.config.munge_socket);
        if (identity.status != net::MungeStatus::kOk) {
            state_.metrics.count_auth_failure();
            const std::string why = identity.status == net::MungeStatus::kMissing
                                        ? "a MUNGE credential or an API token is required "
                                          "(Authorization: MUNGE <credential> | Bearer <token>)"
                                        : "credential refused: " + identity.message;
            return error_response(status_for(identity.status), why);
        }
    }
    auto lease = pool_.borrow();
    try {
        call.session = &**lease;
        if (credential.bearer) {
            auto caller = tokens_.caller(**lease, credential.value, address, call.now_s);
            if (!caller) {
                state_.metrics.count_auth_failure();
                return error_response(401, "unknown or revoked API token");
            }
            call.principal = std::move(*caller);
        } else {
            call.principal.uid = identity.uid;
            call.principal.user = user_name_of(identity.uid);
            if (identity.uid != 0) {
                db::load_slurm_roles(**lease, call.slurm(), state_.config.cluster_name,
                                     call.principal);
            }
        }
        return handler(call);
    } catch (const db::DbError& e) {
        if (e.kind() == db::DbErrorKind::kConnection) lease->mark_broken();
        throw;
    }
}

HttpResponse json_response(int status, const std::string& body) {
    HttpResponse response;
    response.status = status;
    response.body = body;
    return response;
}

HttpResponse Api::handle(const HttpRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    const auto parts = split_path(request.path);
    const Route* route = nullptr;
    bool path_known = false;
    std::vector<std::string> params;
    for (const Route& r : kRoutes) {
        std::vector<std::string> found;
        if (!match(r.pattern, parts, found)) continue;
        path_known = true;
        if (request.method == r.method ||
            (request.method == "HEAD" && std::string(r.method) == "GET")) {
            route = &r;
            params = std::move(found);
            break;
        }
    }
    const std::string label = route != nullptr ? route->pattern : path_known ? "method" : "unknown";
    HttpResponse response;
    try {
        if (route == nullptr) {
            response = path_known ? error_response(405, "method not allowed")
                                  : error_response(404, "no such endpoint");
        } else {
            Call call{request, std::move(params), state_, {}, nullptr, now_epoch_s()};
            response =
                route->authenticated ? authenticated(route->handler, call) : route->handler(call);
        }
    } catch (const ApiError& e) {
        response = error_response(e.status(), e.what());
    } catch (const db::DbError& e) {
        state_.metrics.count_db_error();
        const bool down = e.kind() == db::DbErrorKind::kConnection ||
                          e.kind() == db::DbErrorKind::kLockWaitTimeout ||
                          e.kind() == db::DbErrorKind::kDeadlock ||
                          e.kind() == db::DbErrorKind::kStatementTimeout;
        spdlog::warn("{} {}: database error: {}", request.method, label, e.what());
        // A misconfiguration (missing table or grant, login refused) is not
        // worth retrying: 500, and the log has the server's text.
        response = down ? error_response(503, "database unavailable, try again")
                   : e.kind() == db::DbErrorKind::kMisconfigured
                       ? error_response(500, "database misconfigured; see the service's log")
                       : error_response(500, "database error");
    } catch (const std::exception& e) {
        spdlog::error("{} {}: {}", request.method, label, e.what());
        response = error_response(500, "internal error");
    }
    const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
    state_.metrics.observe_request(label, response.status, elapsed_us);
    return response;
}

JsonValue Call::body_object() const {
    auto parsed = parse_json(request.body);
    if (!parsed) bad_request("body: " + parsed.error());
    if (parsed->kind != JsonValue::Kind::kObject) bad_request("body: must be a JSON object");
    return std::move(parsed).value();
}

void refuse_unknown_fields(const JsonValue& body, std::initializer_list<const char*> known) {
    for (const auto& [name, value] : body.members) {
        bool ok = false;
        for (const char* k : known) ok = ok || name == k;
        if (!ok) bad_request(name + ": unknown field");
    }
}

std::optional<std::string> Call::query(const std::string& name) const {
    auto found = request.query.find(name);
    if (found == request.query.end()) return std::nullopt;
    return found->second;
}

bool Call::may(Access access, const std::string& account, const std::string& cluster) {
    return db::may_access(*session, slurm(), cluster.empty() ? config().cluster_name : cluster,
                          principal, access, account);
}

void Call::require(Access access, const std::string& account, const std::string& cluster) {
    if (!may(access, account, cluster)) {
        api_error(403, std::string(access == Access::kRead ? "may not read" : "may not change") +
                           " account " + account + " (user " + principal.user + ")");
    }
}

std::string account_param(const std::string& text) {
    auto account = normalize_account_name(text);
    if (!account) bad_request("account: " + account.error());
    return *account;
}

}  // namespace asbb::service
