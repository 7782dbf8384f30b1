#include "mfa/policy/policy_match.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

namespace osprey::mfa::policy::match {
namespace {

bool IsNegated(std::string_view entry) { return !entry.empty() && (entry[0] == '!' || entry[0] == '-'); }

char Fold(char c, bool case_insensitive) {
  return case_insensitive ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Turns an IPv4-mapped IPv6 address into the IPv4 address, so both spellings of one client match alike.
IpNetwork Unmapped(IpNetwork ip) {
  static constexpr std::array<std::uint8_t, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!ip.v6 || ip.prefix < 96) return ip;
  for (std::size_t i = 0; i < kMapped.size(); ++i) {
    if (ip.address[i] != kMapped[i]) return ip;
  }
  IpNetwork v4;
  for (std::size_t i = 0; i < 4; ++i) v4.address[i] = ip.address[12 + i];
  v4.prefix = ip.prefix - 96;
  return v4;
}

}  // namespace

bool Glob(std::string_view pattern, std::string_view value, bool case_insensitive) {
  // Iterative wildcard match with back-tracking to the last '*': linear in practice, no recursion.
  std::size_t p = 0, v = 0, star = std::string_view::npos, mark = 0;
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = v;
    } else if (p < pattern.size() && Fold(pattern[p], case_insensitive) == Fold(value[v], case_insensitive)) {
      ++p;
      ++v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool ListMatches(const std::vector<std::string>& entries, std::string_view value, bool case_insensitive) {
  bool positive = false, found = false;
  for (const std::string& entry : entries) {
    if (entry.empty()) continue;
    if (IsNegated(entry)) {
      if (Glob(std::string_view(entry).substr(1), value, case_insensitive)) return false;
    } else {
      positive = true;
      if (Glob(entry, value, case_insensitive)) found = true;
    }
  }
  return found || !positive;
}

bool IpNetwork::Contains(const IpNetwork& raw) const {
  const IpNetwork ip = Unmapped(raw);
  if (ip.v6 != v6) return false;
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((address[i] & mask) != (ip.address[i] & mask)) return false;
  }
  return true;
}

std::optional<IpNetwork> ParseNetwork(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  const std::size_t slash = text.find('/');
  const std::string host(text.substr(0, slash));
  IpNetwork net;
  if (::inet_pton(AF_INET, host.c_str(), net.address.data()) == 1) {
    net.prefix = 32;
  } else if (::inet_pton(AF_INET6, host.c_str(), net.address.data()) == 1) {
    net.v6 = true;
    net.prefix = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    int prefix = -1;
    const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty() || prefix < 0 ||
        prefix > net.prefix) {
      return std::nullopt;
    }
    net.prefix = prefix;
  }
  return Unmapped(net);
}

std::optional<std::vector<ClientEntry>> ParseClients(const std::vector<std::string>& entries,
                                                     std::size_t* bad) {
  std::vector<ClientEntry> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string_view entry = entries[i];
    if (entry.empty()) continue;
    ClientEntry parsed;
    parsed.exclude = IsNegated(entry);
    if (parsed.exclude) entry.remove_prefix(1);
    auto net = ParseNetwork(entry);
    if (!net) {
      if (bad != nullptr) *bad = i;
      return std::nullopt;
    }
    parsed.network = *net;
    out.push_back(parsed);
  }
  return out;
}

bool ClientMatches(const std::vector<ClientEntry>& entries, std::string_view client) {
  const auto ip = ParseNetwork(client);
  bool positive = false, found = false;
  for (const ClientEntry& entry : entries) {
    const bool contains = ip && ip->prefix == (ip->v6 ? 128 : 32) && entry.network.Contains(*ip);
    if (entry.exclude) {
      if (contains) return false;
    } else {
      positive = true;
      found = found || contains;
    }
  }
  return found || !positive;
}

}  // namespace osprey::mfa::policy::match
