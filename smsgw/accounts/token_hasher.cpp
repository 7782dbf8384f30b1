#include "smsgw/accounts/token_hasher.hpp"

#include <utility>

namespace osprey::smsgw::accounts {
namespace {

crypto::KeyedHasher HasherFor(const crypto::KeyRing& ring, const std::string& key_id) {
  crypto::KeyRing copy = ring.Clone();
  // The id comes from the ring itself, so SetActive cannot fail.
  (void)copy.SetActive(key_id);
  return crypto::KeyedHasher(std::move(copy));
}

}  // namespace

TokenHasher::TokenHasher(const crypto::KeyedHasher& hasher) {
  const crypto::KeyRing& ring = hasher.keys();
  hashers_.push_back(HasherFor(ring, ring.active_id()));
  for (const std::string& id : ring.ids()) {
    if (id != ring.active_id()) hashers_.push_back(HasherFor(ring, id));
  }
}

std::string TokenHasher::Hash(std::string_view token, TokenKind kind) const {
  return hashers_.front().Hash(token, TokenKindName(kind));
}

std::vector<std::string> TokenHasher::LookupHashes(std::string_view token, TokenKind kind) const {
  std::vector<std::string> out;
  out.reserve(hashers_.size());
  for (const crypto::KeyedHasher& hasher : hashers_) out.push_back(hasher.Hash(token, TokenKindName(kind)));
  return out;
}

}  // namespace osprey::smsgw::accounts
