// Password hashing for people's passwords (admin accounts, local users) with argon2id via libsodium.
// Stored hashes are PHC strings ("$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>") that carry their own
// parameters and salt, so raising the cost later still verifies old hashes; NeedsRehash tells when to
// replace one. This is deliberately slow (tens of milliseconds at the default cost): never use it on a
// per-request path such as PIN checks (see keyed_hash.hpp for those).
//
// Thread-safe. Each call allocates `memlimit` bytes for its duration.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::crypto {

// argon2id cost parameters. The defaults are libsodium's INTERACTIVE values (2 passes, 64 MiB).
struct PasswordOptions {
  unsigned long long opslimit = 2;
  std::size_t memlimit = std::size_t{64} << 20;

  static constexpr PasswordOptions Interactive() { return {}; }
  // libsodium's MODERATE values (3 passes, 256 MiB).
  static constexpr PasswordOptions Moderate() { return {3, std::size_t{256} << 20}; }
  // The smallest cost libsodium accepts (1 pass, 8 KiB). For tests only.
  static constexpr PasswordOptions Minimum() { return {1, 8192}; }
};

// The PHC string for `password` with a fresh random salt. kInvalidArgument when the options are outside
// libsodium's limits; kInternal when the memory cannot be allocated.
Result<std::string> HashPassword(const Secret& password, const PasswordOptions& options = {});

// True when `password` matches `stored`. False for a wrong password and for a malformed `stored`.
bool VerifyPassword(const Secret& password, std::string_view stored);

// True when `stored` was made with parameters other than `options` (or is not an argon2id hash), so the
// caller should store a new HashPassword after the next successful VerifyPassword.
bool NeedsRehash(std::string_view stored, const PasswordOptions& options = {});

}  // namespace osprey::crypto
