// DbHost's syntax: one server or a list, each with or without a port.
#include "core/host_list.hpp"

#include <gtest/gtest.h>

namespace asbb {
namespace {

std::vector<HostPort> Parse(const std::string& text) {
    auto parsed = parse_host_list(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
    return parsed.ok() ? parsed.value() : std::vector<HostPort>{};
}

std::string Refuse(const std::string& text) {
    auto parsed = parse_host_list(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.ok() ? "" : parsed.error();
}

TEST(HostList, OneHostKeepsTheDefaultPort) {
    auto hosts = Parse("db1.example.org");
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts[0].host, "db1.example.org");
    EXPECT_EQ(hosts[0].port, 0);
}

TEST(HostList, ListsMixPortsAndNames) {
    auto hosts = Parse("127.0.0.1:3307,127.0.0.1:3308,db3,[::1]:3309,::1,[fe80::1]");
    ASSERT_EQ(hosts.size(), 6u);
    EXPECT_EQ(hosts[0].host, "127.0.0.1");
    EXPECT_EQ(hosts[0].port, 3307);
    EXPECT_EQ(hosts[1].port, 3308);
    EXPECT_EQ(hosts[2].host, "db3");
    EXPECT_EQ(hosts[2].port, 0);
    EXPECT_EQ(hosts[3].host, "::1");
    EXPECT_EQ(hosts[3].port, 3309);
    EXPECT_EQ(hosts[4].host, "::1");
    EXPECT_EQ(hosts[4].port, 0);
    EXPECT_EQ(hosts[5].host, "fe80::1");
}

TEST(HostList, BadEntriesAreNamed) {
    EXPECT_EQ(Refuse(""), "must name at least one host");
    EXPECT_EQ(Refuse("a,,b"), "has an empty entry (two commas, or one at an end)");
    EXPECT_EQ(Refuse("a,"), "has an empty entry (two commas, or one at an end)");
    EXPECT_EQ(Refuse("a,db:0"), "entry 'db:0': its port must be a number from 1 to 65535");
    EXPECT_EQ(Refuse("db:65536"), "entry 'db:65536': its port must be a number from 1 to 65535");
    EXPECT_EQ(Refuse("db:x"), "entry 'db:x': its port must be a number from 1 to 65535");
    EXPECT_EQ(Refuse("db:"), "entry 'db:': its port is empty");
    EXPECT_EQ(Refuse(":3306"), "entry ':3306': the host before ':' is empty");
    EXPECT_EQ(Refuse("db;drop"),
              "entry 'db;drop': a host name or address may only contain A-Z, a-z, 0-9, '.', '-', "
              "'_'");
    EXPECT_EQ(Refuse("[::1"), "entry '[::1': an IPv6 address in [ ] lacks its ']'");
    EXPECT_EQ(Refuse("[::1]x"), "entry '[::1]x': only ':port' may follow ']'");
    EXPECT_EQ(Refuse("[db]"), "entry '[db]': the text in [ ] is not an IPv6 address");
    EXPECT_EQ(Refuse("a:1:x"),
              "entry 'a:1:x': it is neither host:port nor an IPv6 address (write [v6]:port for a "
              "port)");
    EXPECT_EQ(Refuse("a:1,b,a:1"), "entry 'a:1' is listed twice");
    EXPECT_EQ(Refuse("a b"), "entry 'a b' contains a space");
    EXPECT_EQ(Refuse(std::string(256, 'h')),
              "entry '" + std::string(256, 'h') + "': the host is longer than 255 characters");
    std::string many = "h0";
    for (int i = 1; i <= 16; ++i) many += ",h" + std::to_string(i);
    EXPECT_EQ(Refuse(many), "lists 17 hosts, at most 16 are allowed");
}

TEST(HostList, FormatsForMessages) {
    EXPECT_EQ(format_host_port("db1", 3306), "db1:3306");
    EXPECT_EQ(format_host_port("::1", 3307), "[::1]:3307");
}

}  // namespace
}  // namespace asbb
