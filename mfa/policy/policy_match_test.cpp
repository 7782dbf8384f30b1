#include "mfa/policy/policy_match.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::mfa::policy::match {
namespace {

TEST(GlobTest, Table) {
  struct Case {
    const char* pattern;
    const char* value;
    bool ci;
    bool match;
  };
  const Case cases[] = {
      {"*", "", false, true},
      {"*", "alice", false, true},
      {"alice", "alice", false, true},
      {"alice", "Alice", false, false},
      {"alice", "Alice", true, true},
      {"al*", "alice", false, true},
      {"*ce", "alice", false, true},
      {"a*i*e", "alice", false, true},
      {"a*x", "alice", false, false},
      {"customer_*", "customer_1", false, true},
      {"customer_*", "customer", false, false},
      {"user1", "user1234", false, false},
      {"", "", false, true},
      {"", "a", false, false},
      {"**", "abc", false, true},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Glob(c.pattern, c.value, c.ci), c.match) << c.pattern << " ~ " << c.value;
}

TEST(ListMatchesTest, Table) {
  using L = std::vector<std::string>;
  struct Case {
    L entries;
    const char* value;
    bool match;
  };
  const Case cases[] = {
      {{}, "alice", true},
      {{}, "", true},
      {{"alice"}, "alice", true},
      {{"alice"}, "ALICE", true},  // case-insensitive in this table
      {{"alice", "bob"}, "bob", true},
      {{"alice"}, "bob", false},
      {{"alice"}, "", false},  // unknown value: a positive condition does not match
      {{"*"}, "", true},
      {{"*", "!bob"}, "alice", true},
      {{"*", "!bob"}, "bob", false},
      {{"*", "-bob"}, "bob", false},
      {{"!bob"}, "alice", true},  // only exclusions: everyone else matches
      {{"!bob"}, "BOB", false},
      {{"!bob"}, "", true},
      {{"al*", "!alex"}, "alice", true},
      {{"al*", "!alex"}, "alex", false},
      {{"!al*"}, "alice", false},
      {{""}, "x", true},  // empty entries are ignored
  };
  for (const auto& c : cases) {
    std::string joined;
    for (const auto& e : c.entries) joined += e + ",";
    EXPECT_EQ(ListMatches(c.entries, c.value, true), c.match) << "[" << joined << "] ~ " << c.value;
  }
  EXPECT_FALSE(ListMatches({"alice"}, "ALICE", false));
}

TEST(ParseNetworkTest, Table) {
  struct Case {
    const char* text;
    bool ok;
    bool v6;
    int prefix;
  };
  const Case cases[] = {
      {"10.0.0.1", true, false, 32},
      {"10.0.0.0/8", true, false, 8},
      {" 10.0.0.0/8 ", true, false, 8},
      {"10.0.0.0/33", false, false, 0},
      {"10.0.0.0/", false, false, 0},
      {"10.0.0.0/x", false, false, 0},
      {"10.0.0", false, false, 0},
      {"::1", true, true, 128},
      {"2001:db8::/32", true, true, 32},
      {"2001:db8::/129", false, false, 0},
      {"::ffff:10.0.0.1", true, false, 32},
      {"host.example", false, false, 0},
      {"", false, false, 0},
  };
  for (const auto& c : cases) {
    auto net = ParseNetwork(c.text);
    ASSERT_EQ(net.has_value(), c.ok) << c.text;
    if (!net) continue;
    EXPECT_EQ(net->v6, c.v6) << c.text;
    EXPECT_EQ(net->prefix, c.prefix) << c.text;
  }
}

TEST(ClientMatchesTest, Table) {
  using L = std::vector<std::string>;
  struct Case {
    L entries;
    const char* client;
    bool match;
  };
  const Case cases[] = {
      {{}, "10.0.0.1", true},
      {{}, "", true},
      {{"10.0.0.0/8"}, "10.1.2.3", true},
      {{"10.0.0.0/8"}, "11.1.2.3", false},
      {{"10.0.0.0/8"}, "", false},
      {{"10.0.0.0/8"}, "garbage", false},
      {{"10.0.0.0/8", "!10.0.0.17"}, "10.0.0.17", false},
      {{"10.0.0.0/8", "-10.0.0.17"}, "10.0.0.17", false},
      {{"10.0.0.0/8", "!10.0.0.17"}, "10.0.0.18", true},
      {{"!10.0.0.0/24"}, "10.0.1.1", true},
      {{"!10.0.0.0/24"}, "10.0.0.1", false},
      {{"172.16.0.0/12"}, "172.31.255.255", true},
      {{"172.16.0.0/12"}, "172.32.0.0", false},
      {{"10.0.0.5/8"}, "10.9.9.9", true},  // host bits in the entry are ignored
      {{"2001:db8::/32"}, "2001:db8:1::5", true},
      {{"2001:db8::/32"}, "2001:db9::5", false},
      {{"2001:db8::/32", "!2001:db8::bad"}, "2001:db8::bad", false},
      {{"::1"}, "::1", true},
      {{"10.0.0.0/8"}, "::ffff:10.1.1.1", true},  // IPv4-mapped client
      {{"10.0.0.0/8"}, "::1", false},
      {{"::/0"}, "10.0.0.1", false},  // families do not mix
      {{"0.0.0.0/0"}, "192.168.1.1", true},
      {{"0.0.0.0/0", "!192.168.0.0/16"}, "192.168.1.1", false},
  };
  for (const auto& c : cases) {
    auto parsed = ParseClients(c.entries);
    ASSERT_TRUE(parsed.has_value());
    std::string joined;
    for (const auto& e : c.entries) joined += e + ",";
    EXPECT_EQ(ClientMatches(*parsed, c.client), c.match) << "[" << joined << "] ~ " << c.client;
  }
}

TEST(ParseClientsTest, ReportsTheFirstMalformedEntry) {
  std::size_t bad = 99;
  EXPECT_FALSE(ParseClients({"10.0.0.0/8", "!nonsense", "x"}, &bad).has_value());
  EXPECT_EQ(bad, 1u);
  EXPECT_TRUE(ParseClients({"", "10.0.0.1"}).has_value());
}

}  // namespace
}  // namespace osprey::mfa::policy::match
