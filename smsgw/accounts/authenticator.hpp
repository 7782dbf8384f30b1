// Authenticator: identifies the caller of the gateway's APIs (spec §2, §3 and §11) from an API token or an
// APIv1 login+pass, and returns the Principal the API checks permissions and scoping against.
//
// Every failure to identify the caller is kUnauthenticated with one message per method, whatever the reason
// (missing, malformed, unknown or revoked token; unknown user; API not enabled; wrong password), so neither
// the reply nor the log tells an attacker which one it was. The API maps it to 401 "Invalid API key." (APIv2)
// or "Invalid access token" / "Invalid login or password" (APIv1). Database failures are kUnavailable or
// kInternal, never kUnauthenticated. Messages never contain the token or password.
//
// A token is found through the unique index on its keyed hash: one indexed probe per key in the ring (see
// token_hasher.hpp), no scan. With `AuthCacheOptions::ttl` > 0, the Principal found for a token is kept in
// memory (keyed by the token's keyed hash, never the token) and reused for up to `ttl`: then a revoke, a
// removed user, a disabled API or a changed permission takes effect within `ttl` instead of on the next
// request (docs/compatibility.md; the gateway's default is 1 s). A failed lookup is never cached. With ttl 0
// (the default here) nothing is cached. APIv1 login+password is never cached.
//
// Ownership: refers to `db`, which must outlive it; copies the keys of `hasher`.
// Thread rule: any number of threads may call the const members concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/password.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/sql/database.hpp"
#include "smsgw/accounts/account.hpp"
#include "smsgw/accounts/token_hasher.hpp"

namespace osprey::smsgw::accounts {

struct AuthCacheOptions {
  std::chrono::milliseconds ttl{0};  // 0: no cache
  const Clock* clock = nullptr;      // required when ttl > 0; must outlive the Authenticator
  std::size_t capacity = 4096;       // tokens kept at most; beyond it, expired entries go, then all
};

class Authenticator {
 public:
  // `password_options` should be the cost AccountStore hashes passwords with: a login for an unknown user
  // verifies against a dummy hash of that cost, so that it takes as long as one for a known user.
  Authenticator(sql::Database& db, const crypto::KeyedHasher& hasher,
                const crypto::PasswordOptions& password_options = {}, AuthCacheOptions cache = {});
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // The owner of the active APIv2 token `token`, if the owner has APIv2 enabled.
  Result<Principal> AuthenticateApiV2(std::string_view token) const;

  // The owner of the active APIv1 token `token`, if the owner has APIv1 enabled.
  Result<Principal> AuthenticateApiV1Token(std::string_view token) const;

  // The user named `login`, if it has APIv1 and password access enabled and `password` matches its stored
  // password (argon2id: tens of milliseconds at the default cost).
  Result<Principal> AuthenticateApiV1Password(std::string_view login, const Secret& password) const;

 private:
  struct Cached {
    Principal principal;
    Clock::TimePoint stored;
  };
  Result<Principal> AuthenticateToken(std::string_view token, TokenKind kind) const;
  Result<Principal> LookupToken(const std::vector<std::string>& hashes, TokenKind kind) const;
  std::optional<Principal> FromCache(const std::string& key) const;
  void ToCache(const std::string& key, const Principal& principal) const;

  sql::Database& db_;
  const TokenHasher tokens_;
  std::string dummy_hash_;  // argon2id of a random password; empty if it could not be made
  const AuthCacheOptions cache_options_;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, Cached> cache_;  // GUARDED_BY(cache_mu_); key: kind + keyed hash
};

}  // namespace osprey::smsgw::accounts
