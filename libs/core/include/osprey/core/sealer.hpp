// Sealer: authenticated encryption of secrets stored in the database (token seeds, SMS gateway
// credentials) with AES-256-GCM under a master KeyRing.
//
// A sealed value is text: "v1:<key id>:<base64url(nonce[12] | ciphertext | tag[16])>". The nonce is fresh
// and random for every Seal, so sealing the same plaintext twice gives different text. The version and
// key id are authenticated along with the caller's associated data.
//
// Associated data binds a sealed value to where it belongs (e.g. the token serial): a value copied into
// another row does not open there. Pass the same associated data to Seal and Open.
//
// Random 96-bit nonces keep AES-GCM safe for about 2^32 seals per key; rotate keys long before that.
//
// Thread rule: a Sealer is immutable after construction; any number of threads may Seal and Open.
#pragma once

#include <string>
#include <string_view>

#include "osprey/core/key_ring.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::crypto {

class Sealer {
 public:
  static constexpr std::string_view kVersion = "v1";
  static constexpr std::size_t kNonceSize = 12;
  static constexpr std::size_t kTagSize = 16;

  // REQUIRES: !keys.empty() (throws std::invalid_argument otherwise).
  explicit Sealer(KeyRing keys);

  // Seals `plaintext` under the active key. Throws std::runtime_error only if OpenSSL fails.
  std::string Seal(std::string_view plaintext, std::string_view associated_data) const;

  // Opens a value made by Seal with any key still in the ring.
  // kNotFound when the value names a key id that is not in the ring (the message names the id);
  // kCorrupted when the value is malformed or fails authentication (tampered, wrong associated data).
  Result<Secret> Open(std::string_view sealed, std::string_view associated_data) const;

  // The key id `sealed` names, or kCorrupted if it is not a sealed value. Lets callers find values made
  // under an old key so that they can re-seal them after a rotation.
  static Result<std::string> KeyIdOf(std::string_view sealed);

  const KeyRing& keys() const { return keys_; }

 private:
  KeyRing keys_;
};

}  // namespace osprey::crypto
