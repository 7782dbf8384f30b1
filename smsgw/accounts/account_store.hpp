// AccountStore: the gateway's users, their API tokens and permissions (spec §3), kept in the database of
// AccountMigrations(). Management operations for the CLI; the API authenticates through Authenticator.
//
// Tokens: GenerateToken returns a fresh token exactly once (43 characters: 32 random bytes in base64url
// without padding). Only its keyed hash is stored (see token_hasher.hpp), so a lost token cannot be shown
// again, only regenerated. Generating a token revokes the user's previous token of that kind in the same
// transaction; the database allows at most one active token per user and kind.
//
// Errors common to every operation: kNotFound for an unknown username; kUnavailable when the database
// cannot be reached or stays busy; kInternal when a statement fails. Messages never contain passwords or
// tokens. Nothing is cached, so every change (a revoke above all) takes effect on the next authentication.
//
// Ownership: the store refers to `db` and `clock`, which must outlive it; it copies the keys of `hasher`.
// Thread rule: any number of threads may call any member concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>
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

// What SetUser changes; fields left empty stay as they are.
struct UserChanges {
  std::optional<AccessLevel> access_level;
  std::optional<bool> apiv1_enabled;
  std::optional<bool> apiv2_enabled;
  std::optional<bool> password_access;
  std::optional<bool> all_resources;
  std::optional<Secret> password;  // a new APIv1 password (non-empty)
  bool clear_password = false;     // remove the password; REQUIRES: !password
};

struct AccountStoreOptions {
  // Cost of the argon2id hashes of APIv1 passwords. Tests use PasswordOptions::Minimum().
  crypto::PasswordOptions password_options;
};

class AccountStore {
 public:
  AccountStore(sql::Database& db, const crypto::KeyedHasher& hasher, const Clock& clock,
               AccountStoreOptions options = {});
  AccountStore(const AccountStore&) = delete;
  AccountStore& operator=(const AccountStore&) = delete;

  // Creates a user without tokens or permissions. kInvalidArgument for a username that IsValidUsername
  // rejects or an empty password; kAlreadyExists when the username is taken.
  Result<User> AddUser(std::string_view username, AccessLevel level, const UserFlags& flags,
                       const std::optional<Secret>& password = std::nullopt);

  // Every user, in username order.
  Result<std::vector<User>> ListUsers();
  Result<User> GetUser(std::string_view username);

  // Deletes the user with its tokens (which stop authenticating at once) and permissions.
  Status RemoveUser(std::string_view username);

  // Applies `changes` and returns the user as stored. kInvalidArgument for an empty password or for both
  // `password` and `clear_password`.
  Result<User> SetUser(std::string_view username, const UserChanges& changes);

  // A new token of `kind` for the user, shown only here; the previous token of that kind is revoked. Works
  // whether or not the API of that kind is enabled for the user (authentication checks that).
  Result<Secret> GenerateToken(std::string_view username, TokenKind kind);

  // Revokes the user's active token of `kind`. kNotFound when the user has none.
  Status RevokeToken(std::string_view username, TokenKind kind);

  // Grants the permissions named in `grant` and withdraws those in `revoke` (PermissionName identifiers),
  // all or nothing; granting a held or withdrawing a missing permission is no error. Returns the user's
  // permissions afterwards. kInvalidArgument, changing nothing, for an unknown name (the message lists the
  // valid ones) or a name in both lists.
  Result<PermissionSet> Permit(std::string_view username, const std::vector<std::string>& grant,
                               const std::vector<std::string>& revoke);

 private:
  Result<std::optional<std::string>> HashNewPassword(const std::optional<Secret>& password) const;
  long long NowSeconds() const;

  sql::Database& db_;
  const TokenHasher tokens_;
  const Clock& clock_;
  const AccountStoreOptions options_;
};

}  // namespace osprey::smsgw::accounts
