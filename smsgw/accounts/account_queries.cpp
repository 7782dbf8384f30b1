#include "smsgw/accounts/account_queries.hpp"

#include <chrono>
#include <exception>

namespace osprey::smsgw::accounts::internal {
namespace {

// Thrown inside a transaction to roll it back; carries nothing, the Status lives in the caller.
struct Rollback : std::exception {};

// Booleans are read through CASE so that both engines give an integer (PostgreSQL's BOOLEAN arrives as
// 't'/'f').
constexpr const char* kSelectUsers =
    "SELECT id, username, access_level, CASE WHEN apiv1_enabled THEN 1 ELSE 0 END, "
    "CASE WHEN apiv2_enabled THEN 1 ELSE 0 END, CASE WHEN password_access THEN 1 ELSE 0 END, "
    "CASE WHEN all_resources THEN 1 ELSE 0 END, password_hash, created_at FROM gateway_users";

// The into-targets of kSelectUsers, refilled by every fetch.
struct RowBuffer {
  long long id = 0;
  std::string username;
  std::string level;
  int apiv1 = 0, apiv2 = 0, password_access = 0, all_resources = 0;
  std::string hash;
  soci::indicator hash_ind = soci::i_null;
  long long created_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(username));
    st.exchange(soci::into(level));
    st.exchange(soci::into(apiv1));
    st.exchange(soci::into(apiv2));
    st.exchange(soci::into(password_access));
    st.exchange(soci::into(all_resources));
    st.exchange(soci::into(hash, hash_ind));
    st.exchange(soci::into(created_at));
  }

  UserRow ToRow() const {
    UserRow row;
    row.id = id;
    row.username = username;
    row.access_level = level == "admin" ? AccessLevel::kAdmin : AccessLevel::kUser;
    row.flags = UserFlags{apiv1 != 0, apiv2 != 0, password_access != 0, all_resources != 0};
    if (hash_ind == soci::i_ok) row.password_hash = hash;
    row.created_at = created_at;
    return row;
  }
};

Status MapSociError(const soci::soci_error& e) {
  // get_error_message() leaves out the statement's bound values, which what() would quote.
  return Error(ErrorCode::kInternal, "gateway accounts database: " + e.get_error_message());
}

}  // namespace

Status RunTransaction(sql::Database& db, const std::function<Status(soci::session&)>& work) {
  Status outcome;
  try {
    Status tx = db.WithTransaction([&](soci::session& s) {
      outcome = work(s);
      if (!outcome.ok()) throw Rollback();
    });
    if (!tx.ok()) return tx;
    return outcome;
  } catch (const Rollback&) {
    return outcome;
  } catch (const soci::soci_error& e) {
    return MapSociError(e);
  }
}

Status RunRead(sql::Database& db, const std::function<Status(soci::session&)>& work) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.error();
  try {
    return work(lease->get());
  } catch (const soci::soci_error& e) {
    return MapSociError(e);
  }
}

std::vector<UserRow> QueryUsers(soci::session& s, const std::string* username, const long long* id) {
  RowBuffer buffer;
  soci::statement st(s);
  buffer.Bind(st);
  std::string sql = kSelectUsers;
  if (username != nullptr) {
    sql += " WHERE username = :username";
    st.exchange(soci::use(*username, "username"));
  } else if (id != nullptr) {
    sql += " WHERE id = :id";
    st.exchange(soci::use(*id, "id"));
  }
  sql += " ORDER BY username";
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  std::vector<UserRow> rows;
  if (st.execute(true)) {
    do {
      rows.push_back(buffer.ToRow());
    } while (st.fetch());
  }
  return rows;
}

std::optional<UserRow> FindUser(soci::session& s, const std::string& username) {
  std::vector<UserRow> rows = QueryUsers(s, &username);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::optional<UserRow> FindUser(soci::session& s, long long id) {
  std::vector<UserRow> rows = QueryUsers(s, nullptr, &id);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

PermissionSet QueryPermissions(soci::session& s, long long user_id) {
  PermissionSet out;
  soci::rowset<std::string> names =
      (s.prepare << "SELECT permission FROM gateway_user_permissions WHERE user_id = :id",
       soci::use(user_id));
  for (const std::string& name : names) {
    auto permission = ParsePermission(name);
    if (permission.ok()) out.insert(*permission);
  }
  return out;
}

bool HasActiveToken(soci::session& s, long long user_id, TokenKind kind) {
  const std::string kind_name(TokenKindName(kind));
  int count = 0;
  s << "SELECT COUNT(*) FROM gateway_api_tokens WHERE user_id = :id AND kind = :kind AND revoked_at IS NULL",
      soci::use(user_id), soci::use(kind_name), soci::into(count);
  return count > 0;
}

User LoadUser(soci::session& s, const UserRow& row) {
  User user;
  user.id = row.id;
  user.username = row.username;
  user.access_level = row.access_level;
  user.flags = row.flags;
  user.has_password = row.password_hash.has_value();
  user.has_apiv1_token = HasActiveToken(s, row.id, TokenKind::kApiV1);
  user.has_apiv2_token = HasActiveToken(s, row.id, TokenKind::kApiV2);
  user.created_at = Clock::TimePoint(std::chrono::seconds(row.created_at));
  user.permissions = QueryPermissions(s, row.id);
  return user;
}

Error UnknownUser(const std::string& username) {
  return Error(ErrorCode::kNotFound, "no gateway user '" + username + "'");
}

}  // namespace osprey::smsgw::accounts::internal
