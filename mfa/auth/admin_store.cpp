#include <chrono>
#include <optional>

#include "mfa/auth/auth.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::auth {
namespace {

constexpr std::size_t kMaxUsernameLength = 64;

Error UnknownAdmin(std::string_view username) {
  return Error(ErrorCode::kNotFound, "admin '" + std::string(username) + "' does not exist");
}

std::optional<std::string> FindHash(soci::session& s, const std::string& username) {
  std::string hash;
  soci::indicator ind = soci::i_null;
  s << "SELECT password_hash FROM mfa_admin WHERE username = :username", soci::use(username, "username"),
      soci::into(hash, ind);
  if (!s.got_data() || ind == soci::i_null) return std::nullopt;
  return hash;
}

}  // namespace

const sql::MigrationSet& AuthMigrations() {
  static const sql::MigrationSet set{"mfa_auth",
                                     {
                                         {1, "local admin accounts",
                                          "CREATE TABLE mfa_admin (\n"
                                          "  id {{id}},\n"
                                          "  username {{text}} NOT NULL UNIQUE,\n"
                                          "  email {{text}} NOT NULL,\n"
                                          "  password_hash {{text}} NOT NULL,\n"
                                          "  created_at {{bigint}} NOT NULL\n"
                                          ")"},
                                     }};
  return set;
}

AdminStore::AdminStore(sql::Database& db, const Clock& clock, crypto::PasswordOptions options)
    : db_(db), clock_(clock), options_(options) {}

bool AdminStore::IsValidUsername(std::string_view username) {
  if (username.empty() || username.size() > kMaxUsernameLength) return false;
  for (unsigned char c : username) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

const std::string& AdminStore::DummyHash() const {
  std::call_once(dummy_once_, [this] {
    auto hash = crypto::HashPassword(crypto::RandomSecret(16), options_);
    dummy_hash_ = hash.ok() ? *hash : std::string();
  });
  return dummy_hash_;
}

// Hashed before any transaction: argon2id is slow and a retried transaction would pay for it again.
Result<std::string> AdminStore::HashOf(const Secret& password) const {
  if (password.empty()) return Error(ErrorCode::kInvalidArgument, "the password must not be empty");
  return crypto::HashPassword(password, options_);
}

Status AdminStore::Add(std::string_view username, const Secret& password, std::string_view email) {
  if (!IsValidUsername(username)) {
    return Error(ErrorCode::kInvalidArgument, "invalid admin name: use 1-64 characters without blanks");
  }
  auto hash = HashOf(password);
  if (!hash.ok()) return hash.error();
  const std::string name(username), mail(email);
  const long long now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  Status result = OkStatus();
  Status run = sql::RunTransaction(db_, "add admin", [&](soci::session& s) {
    result = OkStatus();
    if (FindHash(s, name)) {
      result = Error(ErrorCode::kAlreadyExists, "admin '" + name + "' already exists");
      return;
    }
    s << "INSERT INTO mfa_admin (username, email, password_hash, created_at) VALUES (:username, :email, "
         ":hash, "
         ":created)",
        soci::use(name, "username"), soci::use(mail, "email"), soci::use(*hash, "hash"),
        soci::use(now, "created");
  });
  return run.ok() ? result : run;
}

Result<std::vector<AdminInfo>> AdminStore::List() const {
  std::vector<AdminInfo> admins;
  Status run = sql::RunRead(db_, "list admins", [&](soci::session& s) {
    admins.clear();
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT username, email, CAST(created_at AS BIGINT) FROM mfa_admin ORDER BY username");
    for (const soci::row& row : rows)
      admins.push_back({sql::Text(row, 0), sql::Text(row, 1), sql::Int(row, 2)});
  });
  if (!run.ok()) return run.error();
  return admins;
}

Status AdminStore::Remove(std::string_view username) {
  const std::string name(username);
  Status result = OkStatus();
  Status run = sql::RunTransaction(db_, "remove admin", [&](soci::session& s) {
    result = OkStatus();
    if (!FindHash(s, name)) {
      result = UnknownAdmin(name);
      return;
    }
    s << "DELETE FROM mfa_admin WHERE username = :username", soci::use(name, "username");
  });
  return run.ok() ? result : run;
}

Status AdminStore::SetPassword(std::string_view username, const Secret& password) {
  auto hash = HashOf(password);
  if (!hash.ok()) return hash.error();
  const std::string name(username);
  Status result = OkStatus();
  Status run = sql::RunTransaction(db_, "set admin password", [&](soci::session& s) {
    result = OkStatus();
    if (!FindHash(s, name)) {
      result = UnknownAdmin(name);
      return;
    }
    s << "UPDATE mfa_admin SET password_hash = :hash WHERE username = :username", soci::use(*hash, "hash"),
        soci::use(name, "username");
  });
  return run.ok() ? result : run;
}

Result<bool> AdminStore::Check(std::string_view username, const Secret& password) const {
  const std::string name(username);
  std::optional<std::string> stored;
  Status run = sql::RunRead(db_, "check admin", [&](soci::session& s) { stored = FindHash(s, name); });
  if (!run.ok()) return run.error();
  if (!stored) {
    (void)crypto::VerifyPassword(password, DummyHash());
    return false;
  }
  if (password.empty()) return false;
  return crypto::VerifyPassword(password, *stored);
}

Result<bool> AdminStore::Exists(std::string_view username) const {
  const std::string name(username);
  bool found = false;
  Status run =
      sql::RunRead(db_, "find admin", [&](soci::session& s) { found = FindHash(s, name).has_value(); });
  if (!run.ok()) return run.error();
  return found;
}

}  // namespace osprey::mfa::auth
