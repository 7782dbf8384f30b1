// The "sql" resolver type: Osprey's own user table mfa_user, one table for every instance, rows keyed by the
// instance name. uid = the row id as decimal text (privacyIDEA's SQL resolver uses the numeric id too).
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "mfa/users/users.hpp"
#include "mfa/users/users_internal.hpp"
#include "osprey/core/password.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::users::internal {
namespace {

constexpr const char* kColumns =
    "SELECT CAST(id AS BIGINT), username, givenname, surname, email, mobile, phone, description FROM "
    "mfa_user ";

UserInfo ReadUser(const soci::row& row) {
  UserInfo info;
  info.uid = std::to_string(sql::Int(row, 0));
  info.username = sql::Text(row, 1);
  info.givenname = sql::Text(row, 2);
  info.surname = sql::Text(row, 3);
  info.email = sql::Text(row, 4);
  info.mobile = sql::Text(row, 5);
  info.phone = sql::Text(row, 6);
  info.description = sql::Text(row, 7);
  return info;
}

std::optional<long long> ParseUid(std::string_view uid) {
  long long id = 0;
  auto [end, ec] = std::from_chars(uid.data(), uid.data() + uid.size(), id);
  if (ec != std::errc() || end != uid.data() + uid.size()) return std::nullopt;
  return id;
}

// One-time queries (at most one row: the user is unique per resolver): on PostgreSQL one round trip, where a
// prepared statement (rowset) would take four (prepare, describe, execute, deallocate).
std::optional<UserInfo> QueryOne(soci::session& s, const std::string& where, const std::string& resolver,
                                 const std::string& key) {
  soci::row row;
  s << kColumns + where, soci::use(resolver, "resolver"), soci::use(key, "key"), soci::into(row);
  if (!s.got_data()) return std::nullopt;
  return ReadUser(row);
}

std::optional<UserInfo> QueryById(soci::session& s, const std::string& resolver, long long id) {
  soci::row row;
  s << std::string(kColumns) + "WHERE resolver = :resolver AND id = :id", soci::use(resolver, "resolver"),
      soci::use(id, "id"), soci::into(row);
  if (!s.got_data()) return std::nullopt;
  return ReadUser(row);
}

Result<std::optional<std::string>> HashOf(const std::optional<Secret>& password,
                                          const crypto::PasswordOptions& o) {
  if (!password) return std::optional<std::string>();
  auto hash = crypto::HashPassword(*password, o);
  if (!hash.ok()) return hash.error();
  return std::optional<std::string>(std::move(*hash));
}

void WriteUser(soci::session& s, const std::string& resolver, long long id, const UserInfo& u) {
  s << "UPDATE mfa_user SET username = :username, givenname = :givenname, surname = :surname, email = "
       ":email, "
       "mobile = :mobile, phone = :phone, description = :description WHERE resolver = :resolver AND id = :id",
      soci::use(u.username, "username"), soci::use(u.givenname, "givenname"), soci::use(u.surname, "surname"),
      soci::use(u.email, "email"), soci::use(u.mobile, "mobile"), soci::use(u.phone, "phone"),
      soci::use(u.description, "description"), soci::use(resolver, "resolver"), soci::use(id, "id");
}

// FindByName is on /validate/check's path: on SQLite the SELECT is compiled once per pooled connection
// (Database::SessionLocal) instead of on every lookup, and reads the covering index of users migration 2
// alone (SQLite's planner would take the UNIQUE (resolver, username) index and then the table: 0.7 more page
// reads per /validate/check, `rd` of bench/validate_bench).
struct KeptFindByName {
  explicit KeptFindByName(soci::session& s)
      : st((s.prepare << std::string(kColumns) +
                             "INDEXED BY mfa_user_by_name WHERE resolver = :resolver AND username = :key",
            soci::into(id), soci::into(c[0]), soci::into(c[1]), soci::into(c[2]), soci::into(c[3]),
            soci::into(c[4]), soci::into(c[5]), soci::into(c[6]), soci::use(resolver, "resolver"),
            soci::use(key, "key"))) {}

  std::optional<UserInfo> Run(sql::Engine engine) {
    bool found = false;
    try {
      found = st.execute(true);
    } catch (...) {
      sql::ResetStatement(st, engine);
      throw;
    }
    sql::ResetStatement(st, engine);
    if (!found) return std::nullopt;
    return UserInfo{std::to_string(id), c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
  }

  std::string resolver, key;
  long long id = 0;
  std::string c[7];
  soci::statement st;
};

class SqlResolver final : public UserResolver {
 public:
  SqlResolver(sql::Database& db, std::string name, crypto::PasswordOptions options)
      : db_(db), name_(std::move(name)), options_(options) {}

  Result<std::optional<UserInfo>> FindByName(std::string_view username) override {
    std::optional<UserInfo> found;
    const std::string key(username);
    Status st = sql::RunRead(db_, "find user", [&](soci::session& s) {
      static const char kKey = 0;
      KeptFindByName* kept = db_.SessionLocal<KeptFindByName>(
          s, &kKey, [](soci::session& session) { return std::make_unique<KeptFindByName>(session); });
      if (kept == nullptr) {
        found = QueryOne(s, "WHERE resolver = :resolver AND username = :key", name_, key);
        return;
      }
      kept->resolver = name_;
      kept->key = key;
      found = kept->Run(db_.engine());
    });
    if (!st.ok()) return st.error();
    return found;
  }

  Result<std::optional<UserInfo>> FindByUid(std::string_view uid) override {
    auto id = ParseUid(uid);
    if (!id) return std::optional<UserInfo>();
    std::optional<UserInfo> found;
    Status st = sql::RunRead(db_, "find user", [&](soci::session& s) { found = QueryById(s, name_, *id); });
    if (!st.ok()) return st.error();
    return found;
  }

  Result<std::vector<UserInfo>> List(const UserFilter& filter) override {
    if (Status c = CheckFilter(filter); !c.ok()) return c.error();
    std::vector<UserInfo> users;
    Status st = sql::RunRead(db_, "list users", [&](soci::session& s) {
      users.clear();
      soci::rowset<soci::row> rows =
          (s.prepare << std::string(kColumns) + "WHERE resolver = :resolver ORDER BY username",
           soci::use(name_, "resolver"));
      for (const soci::row& row : rows) {
        UserInfo info = ReadUser(row);
        if (FilterMatches(filter, info)) users.push_back(std::move(info));
      }
    });
    if (!st.ok()) return st.error();
    return users;
  }

  Result<bool> CheckPassword(std::string_view uid, const Secret& password) override {
    auto id = ParseUid(uid);
    if (!id) return false;
    std::optional<std::string> hash;
    Status st = sql::RunRead(db_, "check password", [&](soci::session& s) {
      soci::rowset<soci::row> rows =
          (s.prepare << "SELECT password_hash FROM mfa_user WHERE resolver = :resolver "
                        "AND id = :id",
           soci::use(name_, "resolver"), soci::use(*id, "id"));
      for (const soci::row& row : rows) hash = sql::OptText(row, 0);
    });
    if (!st.ok()) return st.error();
    if (!hash || hash->empty()) return false;
    return crypto::VerifyPassword(password, *hash);
  }

  bool Editable() const override { return true; }

  Result<std::string> Create(const UserInfo& info, const std::optional<Secret>& password) override {
    if (info.username.empty()) return Error(ErrorCode::kInvalidArgument, "the username must not be empty");
    auto hash = HashOf(password, options_);  // before the transaction: argon2id is slow
    if (!hash.ok()) return hash.error();
    std::optional<Error> failure;
    long long id = 0;
    Status st = sql::RunTransaction(db_, "create user", [&](soci::session& s) {
      failure.reset();
      if (QueryOne(s, "WHERE resolver = :resolver AND username = :key", name_, info.username)) {
        failure = Error(ErrorCode::kAlreadyExists,
                        "The user '" + info.username + "' already exists in resolver '" + name_ + "'.");
        return;
      }
      const std::string h = hash->value_or("");
      soci::indicator ind = *hash ? soci::i_ok : soci::i_null;
      s << "INSERT INTO mfa_user (resolver, username, givenname, surname, email, mobile, phone, description, "
           "password_hash) VALUES (:resolver, :username, :givenname, :surname, :email, :mobile, :phone, "
           ":description, :hash) RETURNING id",
          soci::use(name_, "resolver"), soci::use(info.username, "username"),
          soci::use(info.givenname, "givenname"), soci::use(info.surname, "surname"),
          soci::use(info.email, "email"), soci::use(info.mobile, "mobile"), soci::use(info.phone, "phone"),
          soci::use(info.description, "description"), soci::use(h, ind, "hash"), soci::into(id);
    });
    if (!st.ok()) return st.error();
    if (failure) return *failure;
    return std::to_string(id);
  }

  Status Update(std::string_view uid, const std::map<std::string, std::string>& changes,
                const std::optional<Secret>& password) override {
    for (const auto& [key, value] : changes) {
      if (!IsAttribute(key) || key == "userid") {
        return Error(ErrorCode::kInvalidArgument, "unknown user attribute '" + key + "'");
      }
    }
    auto id = ParseUid(uid);
    if (!id) return Error(ErrorCode::kNotFound, "no user with uid '" + std::string(uid) + "'");
    auto hash = HashOf(password, options_);
    if (!hash.ok()) return hash.error();
    std::optional<Error> failure;
    Status st = sql::RunTransaction(db_, "update user",
                                    [&](soci::session& s) { failure = ApplyUpdate(s, *id, changes, *hash); });
    if (!st.ok()) return st;
    if (failure) return *failure;
    return OkStatus();
  }

  Status Remove(std::string_view uid) override {
    auto id = ParseUid(uid);
    if (!id) return Error(ErrorCode::kNotFound, "no user with uid '" + std::string(uid) + "'");
    bool found = false;
    Status st = sql::RunTransaction(db_, "remove user", [&](soci::session& s) {
      found = QueryById(s, name_, *id).has_value();
      if (found)
        s << "DELETE FROM mfa_user WHERE resolver = :resolver AND id = :id", soci::use(name_), soci::use(*id);
    });
    if (!st.ok()) return st;
    if (!found) return Error(ErrorCode::kNotFound, "no user with uid '" + std::string(uid) + "'");
    return OkStatus();
  }

 private:
  std::optional<Error> ApplyUpdate(soci::session& s, long long id,
                                   const std::map<std::string, std::string>& changes,
                                   const std::optional<std::string>& hash) {
    auto user = QueryById(s, name_, id);
    if (!user) return Error(ErrorCode::kNotFound, "no user with uid '" + std::to_string(id) + "'");
    const std::string old_name = user->username;
    for (const auto& [key, value] : changes) {
      if (!value.empty()) SetAttribute(*user, key, value);
    }
    if (user->username != old_name &&
        QueryOne(s, "WHERE resolver = :resolver AND username = :key", name_, user->username)) {
      return Error(ErrorCode::kAlreadyExists,
                   "The user '" + user->username + "' already exists in resolver '" + name_ + "'.");
    }
    WriteUser(s, name_, id, *user);
    if (hash) {
      s << "UPDATE mfa_user SET password_hash = :hash WHERE resolver = :resolver AND id = :id",
          soci::use(*hash), soci::use(name_), soci::use(id);
    }
    return std::nullopt;
  }

  sql::Database& db_;
  const std::string name_;
  const crypto::PasswordOptions options_;
};

}  // namespace

ResolverType SqlResolverType() {
  ResolverType type;
  type.create = [](const ResolverContext& ctx) -> Result<std::unique_ptr<UserResolver>> {
    if (ctx.db == nullptr) return Error(ErrorCode::kInternal, "the sql resolver needs a database");
    return std::unique_ptr<UserResolver>(new SqlResolver(*ctx.db, ctx.name, ctx.password_options));
  };
  return type;
}

}  // namespace osprey::mfa::users::internal
