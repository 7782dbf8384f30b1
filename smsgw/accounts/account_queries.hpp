// SQL shared by AccountStore and Authenticator (module-internal; not for other modules).
//
// Thread rule: a soci::session belongs to the calling thread (see sql::Database); the functions keep no
// state.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"
#include "smsgw/accounts/account.hpp"

namespace osprey::smsgw::accounts::internal {

// One row of gateway_users.
struct UserRow {
  long long id = 0;
  std::string username;
  AccessLevel access_level = AccessLevel::kUser;
  UserFlags flags;
  std::optional<std::string> password_hash;
  long long created_at = 0;
};

// Runs `work` in a transaction (retried on conflicts, so `work` must be safe to run again). A non-ok Status
// from `work` rolls back and is returned. A SOCI failure becomes kInternal with the driver's message only
// (never the bound values); a pool or retry failure keeps its code (kUnavailable).
Status RunTransaction(sql::Database& db, const std::function<Status(soci::session&)>& work);

// Runs `work` on a leased session without a transaction, with the same error mapping.
Status RunRead(sql::Database& db, const std::function<Status(soci::session&)>& work);

// Users in username order; only the one named `username` or with `id` when either is given.
std::vector<UserRow> QueryUsers(soci::session& s, const std::string* username = nullptr,
                                const long long* id = nullptr);
std::optional<UserRow> FindUser(soci::session& s, const std::string& username);
std::optional<UserRow> FindUser(soci::session& s, long long id);

// The user's granted permissions. Names this binary does not know (written by a newer one) are ignored, so
// they deny rather than fail.
PermissionSet QueryPermissions(soci::session& s, long long user_id);

// True when the user holds an active token of `kind`.
bool HasActiveToken(soci::session& s, long long user_id, TokenKind kind);

// A full User (permissions and token presence included) for `row`.
User LoadUser(soci::session& s, const UserRow& row);

Error UnknownUser(const std::string& username);

}  // namespace osprey::smsgw::accounts::internal
