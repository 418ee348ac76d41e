#include "core/host_list.hpp"

#include <algorithm>

#include "core/split.hpp"

namespace asbb {

namespace {

constexpr size_t kMaxHostName = 255;

bool host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

bool v6_char(char c) {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' ||
           c == '.' || c == '%';
}

// Why port text is not a port, or empty when it is one.
std::string port_problem(std::string_view text, int& port) {
    if (text.empty() || text.size() > 5) return "its port must be a number from 1 to 65535";
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return "its port must be a number from 1 to 65535";
        value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return "its port must be a number from 1 to 65535";
    port = value;
    return "";
}

// Splits one entry into host and port; the problem, or empty.
std::string split_entry(std::string_view entry, HostPort& out) {
    std::string_view host = entry;
    std::string_view port;
    if (entry.front() == '[') {
        const size_t close = entry.find(']');
        if (close == std::string_view::npos) return "an IPv6 address in [ ] lacks its ']'";
        host = entry.substr(1, close - 1);
        std::string_view rest = entry.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return "only ':port' may follow ']'";
        if (!rest.empty()) port = rest.substr(1);
        if (port.empty() && !rest.empty()) return "its port is empty";
        if (host.find(':') == std::string_view::npos ||
            !std::all_of(host.begin(), host.end(), v6_char))
            return "the text in [ ] is not an IPv6 address";
    } else if (std::count(entry.begin(), entry.end(), ':') >= 2) {
        if (!std::all_of(entry.begin(), entry.end(), v6_char))
            return "it is neither host:port nor an IPv6 address (write [v6]:port for a port)";
    } else if (const size_t colon = entry.find(':'); colon != std::string_view::npos) {
        host = entry.substr(0, colon);
        port = entry.substr(colon + 1);
        if (host.empty()) return "the host before ':' is empty";
        if (port.empty()) return "its port is empty";
    }
    if (host.size() > kMaxHostName)
        return "the host is longer than " + std::to_string(kMaxHostName) + " characters";
    if (entry.front() != '[' && host.find(':') == std::string_view::npos &&
        !std::all_of(host.begin(), host.end(), host_char))
        return "a host name or address may only contain A-Z, a-z, 0-9, '.', '-', '_'";
    out.host = std::string(host);
    return port.empty() ? "" : port_problem(port, out.port);
}

}  // namespace

Expected<std::vector<HostPort>> parse_host_list(std::string_view text) {
    if (text.empty()) return make_error("must name at least one host");
    std::vector<HostPort> hosts;
    for (std::string_view entry : split_on(text, ',')) {
        const std::string shown = "'" + std::string(entry) + "'";
        if (entry.empty()) return make_error("has an empty entry (two commas, or one at an end)");
        if (entry.find_first_of(" \t") != std::string_view::npos)
            return make_error("entry " + shown + " contains a space");
        HostPort parsed;
        const std::string problem = split_entry(entry, parsed);
        if (!problem.empty()) return make_error("entry " + shown + ": " + problem);
        for (const HostPort& seen : hosts) {
            if (seen.host == parsed.host && seen.port == parsed.port)
                return make_error("entry " + shown + " is listed twice");
        }
        hosts.push_back(std::move(parsed));
    }
    if (hosts.size() > kMaxHosts)
        return make_error("lists " + std::to_string(hosts.size()) + " hosts, at most " +
                          std::to_string(kMaxHosts) + " are allowed");
    return hosts;
}

std::string format_host_port(const std::string& host, int port) {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace asbb
