// Who is acting, and fresh randomness for hold ids and token secrets: the
// facts about the running process that the ledger records.
#pragma once

#include <cstdint>
#include <string>

#include "core/hold_id.hpp"

namespace asbb {

// The login name of the real uid ("uid:1234" when it has no passwd entry),
// recorded as the actor of every journal row the CLI writes.
std::string current_user_name();

// The login name of any uid, the same way ("uid:N" without a passwd entry).
// getpwuid_r: safe in multi-threaded slurmctld.
std::string user_name_of(uint32_t uid);

// A new hold id from the wall clock and getrandom(2).
HoldId new_hold_id();

// A new API token secret (core/api_token.hpp) from getrandom(2).
std::string new_token_secret();

}  // namespace asbb
