// TokenHasher: the stored form of API tokens, and the values to look a presented token up by.
//
// A stored token hash is KeyedHasher::Hash(token, context = TokenKindName(kind)), so an APIv1 token never
// matches as an APIv2 token. The hash is deterministic per key, which lets the database find a token through
// its unique index instead of verifying every row. KeyedHasher hashes under the active key only, so for key
// rotation this class keeps one hasher per key of the ring: LookupHashes gives the token's hash under every
// key (active first), one indexed probe each. Tokens made under a key that has left the ring stop working.
//
// Thread rule: immutable after construction; any number of threads may call the const members.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/secret.hpp"
#include "smsgw/accounts/account.hpp"

namespace osprey::smsgw::accounts {

class TokenHasher {
 public:
  // Copies the keys of `hasher`'s ring; `hasher` need not outlive this.
  explicit TokenHasher(const crypto::KeyedHasher& hasher);

  // The value to store for a new token: the hash under the active key.
  std::string Hash(std::string_view token, TokenKind kind) const;

  // The hashes `token` would have been stored as, one per key in the ring, the active key first.
  std::vector<std::string> LookupHashes(std::string_view token, TokenKind kind) const;

 private:
  std::vector<crypto::KeyedHasher> hashers_;  // hashers_[0] uses the active key
};

}  // namespace osprey::smsgw::accounts
