#include "smsgw/accounts/account_store.hpp"

#include <chrono>
#include <utility>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"
#include "smsgw/accounts/account_queries.hpp"

namespace osprey::smsgw::accounts {
namespace {

using internal::FindUser;
using internal::RunRead;
using internal::RunTransaction;
using internal::UnknownUser;
using internal::UserRow;

constexpr std::size_t kTokenBytes = 32;

Error InvalidUsername() {
  return Error(ErrorCode::kInvalidArgument, "invalid username: use 1-64 characters from A-Z a-z 0-9 . _ @ -");
}

// 32 bytes from the CSPRNG in base64url; the intermediate string is wiped so no copy outlives the Secret.
Secret NewToken() {
  const Secret raw = crypto::RandomSecret(kTokenBytes);
  std::string text = Base64UrlEncode(raw.view());
  Secret token(text);
  volatile char* p = text.data();
  for (std::size_t i = 0; i < text.size(); ++i) p[i] = 0;
  return token;
}

// Writes every column of `row` except id and created_at.
void UpdateUser(soci::session& s, const UserRow& row) {
  const std::string level(AccessLevelName(row.access_level));
  int v1 = row.flags.apiv1_enabled, v2 = row.flags.apiv2_enabled;
  int pa = row.flags.password_access, all = row.flags.all_resources;
  const std::string hash = row.password_hash.value_or("");
  soci::indicator hash_ind = row.password_hash ? soci::i_ok : soci::i_null;
  s << "UPDATE gateway_users SET access_level = :level, apiv1_enabled = :v1, apiv2_enabled = :v2, "
       "password_access = :pa, all_resources = :allres, password_hash = :hash WHERE id = :id",
      soci::use(level), soci::use(v1), soci::use(v2), soci::use(pa), soci::use(all),
      soci::use(hash, hash_ind), soci::use(row.id);
}

void InsertUser(soci::session& s, const UserRow& row) {
  const std::string level(AccessLevelName(row.access_level));
  int v1 = row.flags.apiv1_enabled, v2 = row.flags.apiv2_enabled;
  int pa = row.flags.password_access, all = row.flags.all_resources;
  const std::string hash = row.password_hash.value_or("");
  soci::indicator hash_ind = row.password_hash ? soci::i_ok : soci::i_null;
  s << "INSERT INTO gateway_users (username, access_level, apiv1_enabled, apiv2_enabled, password_access, "
       "all_resources, password_hash, created_at) VALUES (:username, :level, :v1, :v2, :pa, :allres, :hash, "
       ":created)",
      soci::use(row.username), soci::use(level), soci::use(v1), soci::use(v2), soci::use(pa), soci::use(all),
      soci::use(hash, hash_ind), soci::use(row.created_at);
}

void ApplyChanges(const UserChanges& changes, const std::optional<std::string>& new_hash, UserRow& row) {
  if (changes.access_level) row.access_level = *changes.access_level;
  if (changes.apiv1_enabled) row.flags.apiv1_enabled = *changes.apiv1_enabled;
  if (changes.apiv2_enabled) row.flags.apiv2_enabled = *changes.apiv2_enabled;
  if (changes.password_access) row.flags.password_access = *changes.password_access;
  if (changes.all_resources) row.flags.all_resources = *changes.all_resources;
  if (new_hash) row.password_hash = new_hash;
  if (changes.clear_password) row.password_hash.reset();
}

// Takes the user's row lock before anything else, so that concurrent token generations for one user
// serialize: on PostgreSQL the later one fails with a serialization failure and WithTransaction runs it
// again, instead of failing on the one-active-token index. (SQLite's BEGIN IMMEDIATE serializes anyway.)
std::optional<UserRow> LockUser(soci::session& s, const std::string& username) {
  s << "UPDATE gateway_users SET username = username WHERE username = :username", soci::use(username);
  return FindUser(s, username);
}

void RevokeActive(soci::session& s, long long user_id, const std::string& kind, long long now) {
  s << "UPDATE gateway_api_tokens SET revoked_at = :now WHERE user_id = :id AND kind = :kind AND "
       "revoked_at IS NULL",
      soci::use(now), soci::use(user_id), soci::use(kind);
}

Result<PermissionSet> ParseAll(const std::vector<std::string>& names) {
  PermissionSet out;
  for (const std::string& name : names) {
    auto permission = ParsePermission(name);
    if (!permission.ok()) return permission.error();
    out.insert(*permission);
  }
  return out;
}

void WritePermissions(soci::session& s, long long user_id, const PermissionSet& grant,
                      const PermissionSet& revoke) {
  const PermissionSet held = internal::QueryPermissions(s, user_id);
  for (const Permission p : grant) {
    if (held.count(p) != 0) continue;
    const std::string name(PermissionName(p));
    s << "INSERT INTO gateway_user_permissions (user_id, permission) VALUES (:id, :permission)",
        soci::use(user_id), soci::use(name);
  }
  for (const Permission p : revoke) {
    const std::string name(PermissionName(p));
    s << "DELETE FROM gateway_user_permissions WHERE user_id = :id AND permission = :permission",
        soci::use(user_id), soci::use(name);
  }
}

}  // namespace

AccountStore::AccountStore(sql::Database& db, const crypto::KeyedHasher& hasher, const Clock& clock,
                           AccountStoreOptions options)
    : db_(db), tokens_(hasher), clock_(clock), options_(options) {}

long long AccountStore::NowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

Result<std::optional<std::string>> AccountStore::HashNewPassword(
    const std::optional<Secret>& password) const {
  if (!password) return std::optional<std::string>();
  if (password->empty()) return Error(ErrorCode::kInvalidArgument, "the password must not be empty");
  auto hash = crypto::HashPassword(*password, options_.password_options);
  if (!hash.ok()) return hash.error();
  return std::optional<std::string>(std::move(*hash));
}

Result<User> AccountStore::AddUser(std::string_view username, AccessLevel level, const UserFlags& flags,
                                   const std::optional<Secret>& password) {
  if (!IsValidUsername(username)) return InvalidUsername();
  // Hashed before the transaction: argon2id is slow and a retried transaction would pay for it again.
  auto hash = HashNewPassword(password);
  if (!hash.ok()) return hash.error();
  UserRow row{0, std::string(username), level, flags, *hash, NowSeconds()};
  std::optional<User> added;
  const Status status = RunTransaction(db_, [&](soci::session& s) -> Status {
    if (FindUser(s, row.username)) {
      return Error(ErrorCode::kAlreadyExists, "gateway user '" + row.username + "' already exists");
    }
    InsertUser(s, row);
    added = internal::LoadUser(s, *FindUser(s, row.username));
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return std::move(*added);
}

Result<std::vector<User>> AccountStore::ListUsers() {
  std::vector<User> users;
  const Status status = RunRead(db_, [&](soci::session& s) -> Status {
    users.clear();
    for (const UserRow& row : internal::QueryUsers(s)) users.push_back(internal::LoadUser(s, row));
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return users;
}

Result<User> AccountStore::GetUser(std::string_view username) {
  const std::string name(username);
  std::optional<User> user;
  const Status status = RunRead(db_, [&](soci::session& s) -> Status {
    auto row = FindUser(s, name);
    if (!row) return UnknownUser(name);
    user = internal::LoadUser(s, *row);
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return std::move(*user);
}

Status AccountStore::RemoveUser(std::string_view username) {
  const std::string name(username);
  return RunTransaction(db_, [&](soci::session& s) -> Status {
    auto row = FindUser(s, name);
    if (!row) return UnknownUser(name);
    s << "DELETE FROM gateway_api_tokens WHERE user_id = :id", soci::use(row->id);
    s << "DELETE FROM gateway_user_permissions WHERE user_id = :id", soci::use(row->id);
    s << "DELETE FROM gateway_users WHERE id = :id", soci::use(row->id);
    return OkStatus();
  });
}

Result<User> AccountStore::SetUser(std::string_view username, const UserChanges& changes) {
  if (changes.password && changes.clear_password) {
    return Error(ErrorCode::kInvalidArgument, "set a new password or clear it, not both");
  }
  auto hash = HashNewPassword(changes.password);
  if (!hash.ok()) return hash.error();
  const std::string name(username);
  std::optional<User> updated;
  const Status status = RunTransaction(db_, [&](soci::session& s) -> Status {
    auto row = FindUser(s, name);
    if (!row) return UnknownUser(name);
    ApplyChanges(changes, *hash, *row);
    UpdateUser(s, *row);
    updated = internal::LoadUser(s, *row);
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return std::move(*updated);
}

Result<Secret> AccountStore::GenerateToken(std::string_view username, TokenKind kind) {
  Secret token = NewToken();
  const std::string hash = tokens_.Hash(token.view(), kind);
  const std::string name(username);
  const std::string kind_name(TokenKindName(kind));
  const long long now = NowSeconds();
  const Status status = RunTransaction(db_, [&](soci::session& s) -> Status {
    auto row = LockUser(s, name);
    if (!row) return UnknownUser(name);
    RevokeActive(s, row->id, kind_name, now);
    s << "INSERT INTO gateway_api_tokens (user_id, kind, token_hash, created_at) VALUES (:id, :kind, :hash, "
         ":created)",
        soci::use(row->id), soci::use(kind_name), soci::use(hash), soci::use(now);
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return token;
}

Status AccountStore::RevokeToken(std::string_view username, TokenKind kind) {
  const std::string name(username);
  const std::string kind_name(TokenKindName(kind));
  const long long now = NowSeconds();
  return RunTransaction(db_, [&](soci::session& s) -> Status {
    auto row = FindUser(s, name);
    if (!row) return UnknownUser(name);
    if (!internal::HasActiveToken(s, row->id, kind)) {
      return Error(ErrorCode::kNotFound, "gateway user '" + name + "' has no active " + kind_name + " token");
    }
    RevokeActive(s, row->id, kind_name, now);
    return OkStatus();
  });
}

Result<PermissionSet> AccountStore::Permit(std::string_view username, const std::vector<std::string>& grant,
                                           const std::vector<std::string>& revoke) {
  auto to_grant = ParseAll(grant);
  if (!to_grant.ok()) return to_grant.error();
  auto to_revoke = ParseAll(revoke);
  if (!to_revoke.ok()) return to_revoke.error();
  for (const Permission p : *to_grant) {
    if (to_revoke->count(p) != 0) {
      return Error(ErrorCode::kInvalidArgument,
                   "permission '" + std::string(PermissionName(p)) + "' is both granted and revoked");
    }
  }
  const std::string name(username);
  PermissionSet result;
  const Status status = RunTransaction(db_, [&](soci::session& s) -> Status {
    auto row = FindUser(s, name);
    if (!row) return UnknownUser(name);
    WritePermissions(s, row->id, *to_grant, *to_revoke);
    result = internal::QueryPermissions(s, row->id);
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return result;
}

}  // namespace osprey::smsgw::accounts
