// The condition matchers of the policy engine (policy.hpp), apart so that they are tested table by table.
//
// A condition list (realm, resolver, user, admin realm/user) matches a value when the list is empty, or when
// no entry excludes the value ("!x" or "-x", as privacyIDEA accepts both) and either some positive entry
// matches it or the list has no positive entry at all ("!bob" alone = everyone but bob) [Osprey choice:
// privacyIDEA 3.13 needs a positive entry as well]. Entries may contain `*` wildcards; case-insensitive
// comparison is the caller's choice. An empty value can only match `*` entries, so an unknown user matches
// only lists without a positive condition.
//
// Client lists hold IPv4/IPv6 addresses or networks (CIDR), with the same "!"/"-" exclusion rule. IPv4-mapped
// IPv6 clients (::ffff:a.b.c.d) match IPv4 entries. Thread rule: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::mfa::policy::match {

// `*` matches any run of characters (also none); everything else literally.
bool Glob(std::string_view pattern, std::string_view value, bool case_insensitive);

bool ListMatches(const std::vector<std::string>& entries, std::string_view value, bool case_insensitive);

struct IpNetwork {
  bool v6 = false;
  std::array<std::uint8_t, 16> address{};  // v4 uses the first 4 bytes
  int prefix = 0;
  bool Contains(const IpNetwork& ip) const;
};

// "10.0.0.0/8", "10.1.2.3", "2001:db8::/32", "::1". nullopt for anything else (host bits set are allowed and
// ignored, as Python's IPNetwork does).
std::optional<IpNetwork> ParseNetwork(std::string_view text);

struct ClientEntry {
  bool exclude = false;
  IpNetwork network;
};
// Parses a policy's client list (empty entries skipped); nullopt when an entry is malformed, whose index is
// then stored in `bad` when given.
std::optional<std::vector<ClientEntry>> ParseClients(const std::vector<std::string>& entries,
                                                     std::size_t* bad = nullptr);

// `client` is an address ("" or unparsable: matches only lists without positive entries).
bool ClientMatches(const std::vector<ClientEntry>& entries, std::string_view client);

}  // namespace osprey::mfa::policy::match
