// Local admin accounts and the JWTs of /auth (spec privacyidea-api.md §1.5, §3, §10).
//
// AdminStore: admins with argon2id password hashes (component "mfa_auth"). AuthService: POST /auth for admins
// (first) and users (user-store password via users::Directory), and verification of the HS256 JWTs it issues
// (claims username, realm, nonce, role, authtype, exp, rights; lifetime 3600 s).
// Errors are PiErrors with the exact §3 texts (4031, 4032, 4033, 4304, 4305, 4306).
// Thread rule: any thread, any member.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/common/pi_error.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/users/users.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/key_ring.hpp"
#include "osprey/core/password.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::auth {

const sql::MigrationSet& AuthMigrations();

// Who made a request, from a verified JWT.
struct Caller {
  std::string username;
  std::string realm;     // "" for local admins
  std::string role;      // "admin" or "user"
  std::string resolver;  // users only
  std::vector<std::string> rights;
  bool is_admin() const { return role == "admin"; }
};

struct AdminInfo {
  std::string username, email;
  std::int64_t created = 0;  // unix seconds
};

class AdminStore {
 public:
  AdminStore(sql::Database& db, const Clock& clock, crypto::PasswordOptions options = {});
  // kAlreadyExists, kInvalidArgument (empty name/password).
  Status Add(std::string_view username, const Secret& password, std::string_view email = {});
  Result<std::vector<AdminInfo>> List() const;
  Status Remove(std::string_view username);                               // kNotFound
  Status SetPassword(std::string_view username, const Secret& password);  // kNotFound
  // True for a known admin with this password (argon2id; constant work for unknown names).
  Result<bool> Check(std::string_view username, const Secret& password) const;
  Result<bool> Exists(std::string_view username) const;

  // Admin names: 1-64 characters, none of them white space or control characters [choice].
  static bool IsValidUsername(std::string_view username);

 private:
  // A hash of a random password, verified against for unknown names so that a login attempt takes as long
  // for an unknown admin as for a known one.
  const std::string& DummyHash() const;
  Result<std::string> HashOf(const Secret& password) const;

  sql::Database& db_;
  const Clock& clock_;
  crypto::PasswordOptions options_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;
};

struct LoginResult {
  std::string token;  // the JWT
  Caller caller;
  std::vector<std::string> menus;  // the WebUI main menus the rights open (rights.hpp MenusFor)
  std::int64_t expires = 0;        // the JWT's exp (unix seconds)
};

// The JWT lifetime (privacyIDEA's default; spec §10).
inline constexpr std::int64_t kJwtLifetimeSeconds = 3600;

class AuthService {
 public:
  // The HS256 secret is derived from the hash key ring's active key: HMAC-SHA256(key, "osprey mfa jwt v1")
  // (tokens signed under an older key in the ring still verify; the JWT header carries the key id as `kid`).
  AuthService(AdminStore& admins, users::Directory& directory, const policy::PolicyEngine& policies,
              const Clock& clock, const crypto::KeyRing& hash_keys);
  // POST /auth. `username` may carry "@realm"; `realm` overrides. Errors: 4032 missing username, 4031 wrong
  // credentials / unknown realm.
  PiResult<LoginResult> Login(std::string_view username, const Secret& password, std::string_view realm,
                              bool split_at_sign, std::string_view client);
  // A JWT from PI-Authorization / Authorization (raw, no "Bearer "). 4304 undecodable/bad signature, 4305
  // expired.
  // For a user JWT, `resolver` is looked up in the Directory ("" when the user no longer exists).
  PiResult<Caller> Verify(std::string_view jwt) const;

 private:
  std::int64_t JwtLifetime(const policy::Subject& subject) const;
  PiResult<LoginResult> Issue(Caller caller, std::string_view client) const;

  AdminStore& admins_;
  users::Directory& directory_;
  const policy::PolicyEngine& policies_;
  const Clock& clock_;
  crypto::KeyRing jwt_keys_;  // derived
};

}  // namespace osprey::mfa::auth
