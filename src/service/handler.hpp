// What the service's endpoint handlers share: the state every worker sees,
// one request's call (who is asking, a database session, the path
// parameters) and the errors that become HTTP statuses.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/access.hpp"
#include "db/session.hpp"
#include "db/slurm_tree.hpp"
#include "net/advisor_client.hpp"
#include "service/http_server.hpp"
#include "service/json.hpp"
#include "service/metrics.hpp"

namespace asbb::service {

class ApiError : public std::runtime_error {
  public:
    ApiError(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};

[[noreturn]] inline void api_error(int status, const std::string& message) {
    throw ApiError(status, message);
}
[[noreturn]] inline void bad_request(const std::string& message) {
    throw ApiError(400, message);
}
// 400 naming the first member of a JSON object body that is not in known:
// a misspelt field must not be silently ignored.
void refuse_unknown_fields(const JsonValue& body, std::initializer_list<const char*> known);

// Runs a CLI verb for a caller (cli::run_for_caller); handed in by whoever
// starts the service, so that this library does not depend on the CLI's.
using CliRunner =
    std::function<int(const Principal& caller, const Config& config, db::Session& session,
                      const std::vector<std::string>& args, std::ostream& out, std::ostream& err)>;

struct ServiceState {
    const Config& config;
    Metrics& metrics;
    net::AdvisorClient* advisor = nullptr;  // null: the rate card only
    CliRunner cli;                          // empty: POST /api/v1/cli answers 404
};

struct Call {
    const HttpRequest& request;
    std::vector<std::string> params;  // the path's {placeholders}, in order
    ServiceState& state;
    Principal principal;
    db::Session* session = nullptr;  // null for the public endpoints
    int64_t now_s = 0;

    const Config& config() const { return state.config; }
    db::SlurmDbName slurm() const { return {state.config.slurm_db_name}; }
    // The request body as a JSON object (400 otherwise).
    JsonValue body_object() const;
    // A query parameter, validated by the caller.
    std::optional<std::string> query(const std::string& name) const;

    // May the caller do this to the account (on cluster; "" = ClusterName)?
    bool may(Access access, const std::string& account, const std::string& cluster = "");
    // As may(), but 403 when not.
    void require(Access access, const std::string& account, const std::string& cluster = "");
};

HttpResponse json_response(int status, const std::string& body);
// {"error": message, "status": status}
HttpResponse error_response(int status, const std::string& message);

// The endpoints (one file per group).
HttpResponse get_health(Call& call);
HttpResponse get_version(Call& call);
HttpResponse get_metrics(Call& call);
HttpResponse list_accounts(Call& call);
HttpResponse create_account(Call& call);
HttpResponse show_account(Call& call);
HttpResponse update_account(Call& call);
HttpResponse delete_account(Call& call);
HttpResponse list_transactions(Call& call);
HttpResponse budget_check(Call& call);
HttpResponse budget_reconcile(Call& call);
HttpResponse budget_context(Call& call);
HttpResponse asba_budget_status(Call& call);
HttpResponse asba_affordability_check(Call& call);
HttpResponse run_cli_verb(Call& call);

// Path parameter / body helpers shared by the handlers.
std::string account_param(const std::string& text);  // normalized, 400 when invalid

}  // namespace asbb::service
