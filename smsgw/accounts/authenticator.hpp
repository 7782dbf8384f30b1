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
// token_hasher.hpp), no scan. Nothing is cached, so a revoke, a removed user or a disabled API takes effect
// on the next request.
//
// Ownership: refers to `db`, which must outlive it; copies the keys of `hasher`.
// Thread rule: any number of threads may call the const members concurrently.
#pragma once

#include <string>
#include <string_view>

#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/password.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/sql/database.hpp"
#include "smsgw/accounts/account.hpp"
#include "smsgw/accounts/token_hasher.hpp"

namespace osprey::smsgw::accounts {

class Authenticator {
 public:
  // `password_options` should be the cost AccountStore hashes passwords with: a login for an unknown user
  // verifies against a dummy hash of that cost, so that it takes as long as one for a known user.
  Authenticator(sql::Database& db, const crypto::KeyedHasher& hasher,
                const crypto::PasswordOptions& password_options = {});
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
  Result<Principal> AuthenticateToken(std::string_view token, TokenKind kind) const;

  sql::Database& db_;
  const TokenHasher tokens_;
  std::string dummy_hash_;  // argon2id of a random password; empty if it could not be made
};

}  // namespace osprey::smsgw::accounts
