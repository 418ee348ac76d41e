// The CLI for users who cannot read asbb.conf (it holds database
// credentials): read verbs go to the asbb service instead, with a MUNGE
// credential of the user, and the service runs the very same verb there
// for that user, with the rights SLURM gives them (Context::require).
// Generic: a verb becomes available this way by calling context.require()
// or context.may() before it shows an account, and being listed in
// kRemoteVerbs (cli/remote.cpp).
//
// When: the verb is in the list and asbb.conf may not be read by the user
// (or is missing from the default place when neither --config nor
// $ASBB_CONF names one), or --service=URL is given; never for --help. The URL is --service's,
// else $ASBB_SERVICE_URL, else http://127.0.0.1:8080; the credential comes
// from munged at $ASBB_MUNGE_SOCKET (else libmunge's default socket).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/access.hpp"
#include "db/session.hpp"

namespace asbb::cli {

// True when the verb (after the global options) may run through the service.
bool remote_capable(const std::vector<std::string>& args);

// The service to use for these arguments, or none (run locally).
// config_path: --config's value or ""; service_option: --service's or "".
std::optional<std::string> remote_service_url(const std::vector<std::string>& verb_args,
                                              const std::string& config_path,
                                              const std::string& service_option);

// Sends the arguments to the service, prints what the verb printed there and
// returns its exit status (3 when the service cannot be reached).
int run_remote(const std::string& url, const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

// The service's side: runs the verb for caller on the service's config and
// session. Verbs not in kRemoteVerbs, and --config, are refused (exit 2).
int run_for_caller(const Principal& caller, const Config& config, db::Session& session,
                   const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace asbb::cli
