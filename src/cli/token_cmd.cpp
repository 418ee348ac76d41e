// asbb token create|list|revoke: API tokens for machine clients (the burst
// advisor), which the service accepts as "Authorization: Bearer <secret>".
// Local only: whoever can read asbb.conf holds the database's password and
// so may grant access; no token can make or see another.
#include <ostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/api_token.hpp"
#include "core/names.hpp"
#include "db/api_tokens.hpp"
#include "db/slurm_tree.hpp"
#include "util/identity.hpp"
#include "util/local_time.hpp"

namespace asbb::cli {

namespace {

constexpr const char* kTokenUsage = "usage: asbb token create|list|revoke ...";

std::string parse_token_name(const std::string& text) {
    auto name = validate_token_name(text);
    if (!name) usage_error(name.error());
    return *name;
}

int create_token(Context& context, const Args& args) {
    auto options = command_options("asbb token create NAME",
                                   "Make an API token; its secret is printed once, on the last "
                                   "line");
    options.add_options()("role", "reader or coordinator", OptionArg::kValue)(
        "accounts", "comma-separated accounts (with the accounts below them), or all",
        OptionArg::kValue);
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb token create: name the token");
    const std::string role_text = required_value(parsed, "role");
    const std::string accounts_text = required_value(parsed, "accounts");
    TokenGrant grant;
    grant.name = parse_token_name(positional[0]);
    auto role = parse_token_role(role_text);
    if (!role) usage_error("--role: " + role.error());
    grant.role = *role;
    if (auto ok = parse_token_accounts(accounts_text, grant); !ok) {
        usage_error("--accounts: " + ok.error());
    }
    auto& session = context.session();
    for (const auto& account : grant.accounts) {
        if (!db::slurm_account_exists(session, context.slurm_db(), account)) {
            user_error("SLURM has no account '" + account + "'");
        }
    }
    const std::string secret = new_token_secret();
    if (!db::create_token(session, grant, token_secret_hash(secret), context.actor,
                          context.now_s)) {
        user_error("a token named " + grant.name + " exists already (revoked names stay taken)");
    }
    context.out << "created " << token_role_name(grant.role) << " token " << grant.name << " for "
                << (grant.all_accounts ? "all accounts" : token_accounts_text(grant))
                << "; its secret, shown only now:\n"
                << secret << "\n";
    return kExitOk;
}

Listing token_listing(const std::vector<db::TokenRecord>& tokens) {
    Listing listing;
    listing.columns = {{"Name", Align::kLeft},      {"Role", Align::kLeft},
                       {"Accounts", Align::kLeft},  {"Created", Align::kLeft},
                       {"CreatedBy", Align::kLeft}, {"LastUsed", Align::kLeft},
                       {"Revoked", Align::kLeft}};
    auto when = [](const std::optional<int64_t>& at) {
        return at ? Cell{format_local_datetime(*at)} : Cell{};
    };
    for (const auto& t : tokens) {
        listing.rows.push_back({t.grant.name, std::string(token_role_name(t.grant.role)),
                                token_accounts_text(t.grant), format_local_datetime(t.created_at),
                                t.created_by, when(t.last_used_at), when(t.revoked_at)});
    }
    return listing;
}

int list_tokens(Context& context, const Args& args) {
    auto options = command_options("asbb token list", "List API tokens (never their secrets)");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 0);
    if (wants_help(context, options, parsed)) return kExitOk;
    print_listing(context, token_listing(db::list_tokens(context.session())));
    return kExitOk;
}

int revoke(Context& context, const Args& args) {
    auto options = command_options("asbb token revoke NAME",
                                   "Revoke an API token: the service refuses it from now on");
    std::vector<std::string> positional;
    auto parsed = parse_options(options, args, positional, 1);
    if (wants_help(context, options, parsed)) return kExitOk;
    if (positional.empty()) usage_error("asbb token revoke: name the token");
    const std::string name = parse_token_name(positional[0]);
    switch (db::revoke_token(context.session(), name, context.actor, context.now_s)) {
        case db::RevokeOutcome::kUnknown:
            user_error("no token named " + name);
        case db::RevokeOutcome::kAlreadyRevoked:
            user_error("token " + name + " is revoked already");
        case db::RevokeOutcome::kRevoked:
            break;
    }
    context.out << "revoked token " << name << "\n";
    return kExitOk;
}

}  // namespace

int token_command(Context& context, const Args& args) {
    if (args.empty()) usage_error(kTokenUsage);
    const std::string& verb = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (verb == "create") return create_token(context, rest);
    if (verb == "list") return list_tokens(context, rest);
    if (verb == "revoke") return revoke(context, rest);
    usage_error("unknown token verb '" + verb + "' (" + kTokenUsage + ")");
}

}  // namespace asbb::cli
