// KeyRing: the master keys for sealing stored secrets or for keyed hashes, each 32 bytes and named by a
// short key id ("k1", "k2", ...). One key is active: new values are made under it, while values made
// under older keys still open as long as their key stays in the ring. That is how keys rotate.
//
// Ownership: the ring owns its keys (as Secret, wiped on destruction). It is move-only; Clone() copies
// explicitly. Thread rule: fill it on one thread at start-up; afterwards any number of threads may call
// the const members concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::crypto {

class KeyRing {
 public:
  static constexpr std::size_t kKeySize = 32;
  static constexpr std::size_t kMaxKeyIdSize = 32;

  KeyRing() = default;
  KeyRing(KeyRing&&) noexcept = default;
  KeyRing& operator=(KeyRing&&) noexcept = default;
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // True for 1..kMaxKeyIdSize characters from [A-Za-z0-9_-]. Key ids appear in stored values and key files,
  // so they never contain ':' or white space.
  static bool IsValidKeyId(std::string_view key_id);

  // Adds a key and makes it the active one. kInvalidArgument for a malformed id or a key that is not
  // kKeySize bytes; kAlreadyExists for an id already in the ring. On failure the ring is unchanged.
  Status Add(std::string_view key_id, Secret key);
  // Makes an existing key the active one; kNotFound otherwise.
  Status SetActive(std::string_view key_id);

  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  // Key ids in the order they were added.
  std::vector<std::string> ids() const;

  // REQUIRES: !empty().
  const std::string& active_id() const { return keys_.at(active_).first; }
  const Secret& active_key() const { return keys_.at(active_).second; }

  // The key named `key_id`, or nullptr. The pointer lives as long as the ring is not modified.
  const Secret* Find(std::string_view key_id) const;

  KeyRing Clone() const;

 private:
  std::vector<std::pair<std::string, Secret>> keys_;  // a handful at most: linear search is fastest
  std::size_t active_ = 0;
};

}  // namespace osprey::crypto
