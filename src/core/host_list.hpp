// DbHost: one MariaDB server or several (the nodes of a Galera cluster),
// comma-separated, each "host", "host:port", "[ipv6]" or "[ipv6]:port". A
// bare IPv6 address (two or more colons, no brackets) takes no port. The one
// parser of that syntax: the config validates with it, and the connection
// code builds its list of servers from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

struct HostPort {
    std::string host;  // without brackets
    int port = 0;      // 0: none given, the caller's default (DbPort) applies
};

// At most this many servers in one list.
inline constexpr size_t kMaxHosts = 16;

// The entries in order; an error names the entry that is wrong and why.
// Rejected: empty entries, spaces, characters outside host names and
// addresses, a port outside 1..65535, one entry twice, more than kMaxHosts.
Expected<std::vector<HostPort>> parse_host_list(std::string_view text);

// "host:port", "[v6]:port": how messages name one server.
std::string format_host_port(const std::string& host, int port);

}  // namespace asbb
