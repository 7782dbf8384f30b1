// KeyedHasher: stored hashes of PINs and API tokens, made with HMAC-SHA256 under a key of their own (not
// the sealing key). A stored hash is text: "h1:<key id>:<base64url(mac)>".
//
// Why not a slow KDF such as argon2? A token PIN has 4-6 digits: 10^6 guesses. Once the database leaks,
// no affordable work factor stops an offline search of a million candidates, and a work factor that
// would (seconds per guess) cannot be paid on every /validate/check either. What protects the PINs is the
// key: it lives in a key file apart from the database, and without it the stored hashes are useless. So
// the check stays cheap (about a microsecond) and the security lies in keeping the key file apart
// (mode 0600, not in database backups). Passwords of people, which are long and reused elsewhere, go to
// password.hpp (argon2id) instead.
//
// The optional `context` (e.g. the token serial) is mixed into the MAC, so equal PINs on different tokens
// do not give equal hashes and a hash copied to another row does not verify there.
// MAC input: uint32 big-endian length of context | context | secret.
//
// Thread rule: immutable after construction; any number of threads may call Hash and Verify.
#pragma once

#include <string>
#include <string_view>

#include "osprey/core/key_ring.hpp"

namespace osprey::crypto {

class KeyedHasher {
 public:
  static constexpr std::string_view kVersion = "h1";

  // REQUIRES: !keys.empty() (throws std::invalid_argument otherwise).
  explicit KeyedHasher(KeyRing keys);

  // The stored form of `secret` under the active key.
  std::string Hash(std::string_view secret, std::string_view context = {}) const;

  // True when `candidate` is the secret `stored` was made from (with the same context). False for a wrong
  // candidate, a malformed `stored`, or a key id no longer in the ring. The comparison is constant-time.
  bool Verify(std::string_view candidate, std::string_view stored, std::string_view context = {}) const;

  // True when `stored` was not made under the active key (or is malformed). After a successful Verify the
  // caller may store Hash(candidate) to move it to the active key.
  bool NeedsRehash(std::string_view stored) const;

  const KeyRing& keys() const { return keys_; }

 private:
  KeyRing keys_;
};

}  // namespace osprey::crypto
