#include "smsgw/accounts/authenticator.hpp"

#include <optional>

#include "osprey/core/crypto.hpp"
#include "smsgw/accounts/account_queries.hpp"

namespace osprey::smsgw::accounts {
namespace {

using internal::UserRow;

// Longer input is no token of ours (43 characters); refusing it early bounds the hashing work.
constexpr std::size_t kMaxTokenSize = 256;

Principal ToPrincipal(soci::session& s, const UserRow& row) {
  Principal principal;
  principal.user_id = row.id;
  principal.username = row.username;
  principal.access_level = row.access_level;
  principal.all_resources = row.flags.all_resources || row.access_level == AccessLevel::kAdmin;
  principal.permissions = internal::QueryPermissions(s, row.id);
  return principal;
}

// The user holding the active token stored as one of `hashes`, if any.
std::optional<long long> FindTokenOwner(soci::session& s, const std::vector<std::string>& hashes,
                                        const std::string& kind) {
  for (const std::string& hash : hashes) {
    long long user_id = 0;
    s << "SELECT user_id FROM gateway_api_tokens WHERE token_hash = :hash AND kind = :kind AND "
         "revoked_at IS NULL",
        soci::use(hash), soci::use(kind), soci::into(user_id);
    if (s.got_data()) return user_id;
  }
  return std::nullopt;
}

std::string DummyHash(const crypto::PasswordOptions& options) {
  auto hash = crypto::HashPassword(crypto::RandomSecret(32), options);
  return hash.ok() ? std::move(*hash) : std::string();
}

bool ApiEnabled(const UserRow& row, TokenKind kind) {
  return kind == TokenKind::kApiV2 ? row.flags.apiv2_enabled : row.flags.apiv1_enabled;
}

}  // namespace

Authenticator::Authenticator(sql::Database& db, const crypto::KeyedHasher& hasher,
                             const crypto::PasswordOptions& password_options, AuthCacheOptions cache)
    : db_(db), tokens_(hasher), dummy_hash_(DummyHash(password_options)), cache_options_(cache) {}

Result<Principal> Authenticator::AuthenticateApiV2(std::string_view token) const {
  return AuthenticateToken(token, TokenKind::kApiV2);
}

Result<Principal> Authenticator::AuthenticateApiV1Token(std::string_view token) const {
  return AuthenticateToken(token, TokenKind::kApiV1);
}

Result<Principal> Authenticator::AuthenticateToken(std::string_view token, TokenKind kind) const {
  const Error rejected(ErrorCode::kUnauthenticated, "invalid " + std::string(TokenKindName(kind)) + " token");
  if (token.empty() || token.size() > kMaxTokenSize) return rejected;
  const std::vector<std::string> hashes = tokens_.LookupHashes(token, kind);
  const bool caching = cache_options_.ttl.count() > 0 && cache_options_.clock != nullptr && !hashes.empty();
  std::string key;
  if (caching) {
    key.append(TokenKindName(kind)).append(":").append(hashes.front());
    if (std::optional<Principal> hit = FromCache(key)) return std::move(*hit);
  }
  Result<Principal> found = LookupToken(hashes, kind);
  if (caching && found.ok()) ToCache(key, *found);
  return found;
}

Result<Principal> Authenticator::LookupToken(const std::vector<std::string>& hashes, TokenKind kind) const {
  const Error rejected(ErrorCode::kUnauthenticated, "invalid " + std::string(TokenKindName(kind)) + " token");
  const std::string kind_name(TokenKindName(kind));
  std::optional<Principal> principal;
  const Status status = internal::RunRead(db_, [&](soci::session& s) -> Status {
    const std::optional<long long> owner = FindTokenOwner(s, hashes, kind_name);
    if (!owner) return rejected;
    const std::optional<UserRow> row = internal::FindUser(s, *owner);
    if (!row || !ApiEnabled(*row, kind)) return rejected;
    principal = ToPrincipal(s, *row);
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return std::move(*principal);
}

// An entry is fresh while 0 <= now - stored < ttl: a wall clock set back makes it stale, not immortal.
std::optional<Principal> Authenticator::FromCache(const std::string& key) const {
  const Clock::TimePoint now = cache_options_.clock->Now();
  std::lock_guard lock(cache_mu_);
  const auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  if (now < it->second.stored || now - it->second.stored >= cache_options_.ttl) {
    cache_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void Authenticator::ToCache(const std::string& key, const Principal& principal) const {
  const Clock::TimePoint now = cache_options_.clock->Now();
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= cache_options_.capacity && cache_.find(key) == cache_.end()) {
    std::erase_if(cache_, [&](const auto& entry) {
      return now < entry.second.stored || now - entry.second.stored >= cache_options_.ttl;
    });
    if (cache_.size() >= cache_options_.capacity) cache_.clear();
  }
  cache_.insert_or_assign(key, Cached{principal, now});
}

Result<Principal> Authenticator::AuthenticateApiV1Password(std::string_view login,
                                                           const Secret& password) const {
  const Error rejected(ErrorCode::kUnauthenticated, "invalid login or password");
  if (!IsValidUsername(login) || password.empty()) return rejected;
  const std::string name(login);
  std::optional<UserRow> row;
  const Status read = internal::RunRead(db_, [&](soci::session& s) -> Status {
    row = internal::FindUser(s, name);
    return OkStatus();
  });
  if (!read.ok()) return read.error();
  const bool usable = row && row->flags.apiv1_enabled && row->flags.password_access && row->password_hash;
  // argon2id runs outside the session lease (it is slow) and also for unusable users, against a dummy hash,
  // so the time taken does not tell which usernames exist.
  const bool matches = crypto::VerifyPassword(password, usable ? *row->password_hash : dummy_hash_);
  if (!usable || !matches) return rejected;
  std::optional<Principal> principal;
  const Status status = internal::RunRead(db_, [&](soci::session& s) -> Status {
    // Read again: the user may have been removed or changed while argon2id ran.
    const std::optional<UserRow> now = internal::FindUser(s, row->id);
    if (!now || now->flags != row->flags || now->password_hash != row->password_hash) return rejected;
    principal = ToPrincipal(s, *now);
    return OkStatus();
  });
  if (!status.ok()) return status.error();
  return std::move(*principal);
}

}  // namespace osprey::smsgw::accounts
