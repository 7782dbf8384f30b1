// Test support (header-only, for *_test.cpp files and test fixtures): key rings of one key.
#pragma once

#include <stdexcept>
#include <string>

#include "osprey/core/crypto.hpp"
#include "osprey/core/key_ring.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::crypto::testing {

// A ring holding `key` under `id`.
inline KeyRing RingOf(const std::string& id, const Secret& key) {
  KeyRing ring;
  if (!ring.Add(id, key.Clone()).ok()) throw std::logic_error("bad test key");
  return ring;
}

// A ring holding a fresh random key under `id`.
inline KeyRing RandomRing(const std::string& id) { return RingOf(id, RandomSecret(KeyRing::kKeySize)); }

}  // namespace osprey::crypto::testing
