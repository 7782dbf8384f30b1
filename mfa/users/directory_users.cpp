// Directory: realms (/realm/, /defaultrealm) and users (lookup, listing, editing).
#include <algorithm>
#include <set>
#include <utility>

#include "mfa/users/directory_snapshot.hpp"
#include "mfa/users/directory_store.hpp"
#include "mfa/users/users.hpp"
#include "mfa/users/users_internal.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::users {

using internal::ToLower;
using internal::UnknownResolver;
using internal::UnknownUser;

namespace internal {

Error UnknownResolver(std::string_view name) {
  return Error(ErrorCode::kNotFound, "The resolver '" + std::string(name) + "' does not exist!");
}

Error UnknownUser(std::string_view login, std::string_view resolver, std::string_view realm) {
  std::string conf = resolver.empty() ? "" : "." + std::string(resolver);
  return Error(ErrorCode::kNotFound,
               "User <" + std::string(login) + conf + "@" + std::string(realm) + "> does not exist.");
}

}  // namespace internal

namespace {

Error UnknownRealm(std::string_view name) {
  return Error(ErrorCode::kNotFound, "The realm '" + std::string(name) + "' does not exist.");
}

}  // namespace

// ------------------------------------------------------------------------------------------------ realms

Result<std::int64_t> Directory::SetRealm(std::string_view name, const std::vector<RealmResolver>& resolvers) {
  const std::string realm = ToLower(name);
  if (Status st = internal::CheckName(realm); !st.ok()) return st.error();
  std::optional<Error> failure;
  std::int64_t id = 0;
  Status st = sql::RunTransaction(db_, "set realm", [&](soci::session& s) {
    failure.reset();
    std::vector<std::pair<std::int64_t, int>> members;
    for (const RealmResolver& r : resolvers) {
      auto row = internal::FindResolverRow(s, r.name);
      if (!row) {
        failure = Error(ErrorCode::kInvalidArgument, "The resolver '" + r.name + "' does not exist!");
        return;
      }
      members.emplace_back(row->id, r.priority);
    }
    auto existing = internal::FindRealmId(s, realm);
    // privacyIDEA: the first realm ever created becomes the default.
    id = existing ? *existing : internal::InsertRealm(s, realm, internal::CountRealms(s) == 0);
    internal::ReplaceRealmResolvers(s, id, members);
    internal::BumpGeneration(s);
  });
  Invalidate();
  if (!st.ok()) return st.error();
  if (failure) return *failure;
  return id;
}

Result<std::vector<Realm>> Directory::ListRealms() const {
  auto snap = Current();
  std::vector<Realm> out;
  for (const auto& [name, realm] : snap->realms) out.push_back(realm);
  return out;
}

Result<std::int64_t> Directory::DeleteRealm(std::string_view name) {
  const std::string realm = ToLower(name);
  std::optional<std::int64_t> id;
  Status st = sql::RunTransaction(db_, "delete realm", [&](soci::session& s) {
    id = internal::FindRealmId(s, realm);
    if (!id) return;
    const bool had_default = internal::DefaultRealmName(s).has_value();
    internal::DeleteRealmRow(s, *id);
    // privacyIDEA: when the default realm went away and exactly one realm is left, that one becomes default.
    if (had_default && !internal::DefaultRealmName(s) && internal::CountRealms(s) == 1) {
      s << "UPDATE mfa_realm SET is_default = TRUE";
    }
    internal::BumpGeneration(s);
  });
  Invalidate();
  if (!st.ok()) return st.error();
  if (!id) return UnknownRealm(realm);
  return *id;
}

Status Directory::SetDefaultRealm(std::string_view name) {
  const std::string realm = ToLower(name);
  bool found = true;
  Status st = sql::RunTransaction(db_, "set default realm", [&](soci::session& s) {
    std::optional<std::int64_t> id;
    if (!realm.empty()) {
      id = internal::FindRealmId(s, realm);
      found = id.has_value();
      if (!found) return;
    }
    internal::SetDefault(s, id);
    internal::BumpGeneration(s);
  });
  Invalidate();
  if (!st.ok()) return st;
  if (!found) return UnknownRealm(realm);
  return OkStatus();
}

std::string Directory::DefaultRealm() const { return Current()->default_realm; }

bool Directory::RealmExists(std::string_view name) const {
  return Current()->FindRealm(ToLower(name)) != nullptr;
}

// ------------------------------------------------------------------------------------------------- users

// privacyIDEA's split_user: "user@realm" at the last '@' when the suffix is a realm; otherwise, when there is
// no '@' at all, "realm\user" at the last '\' when the prefix is a realm.
std::pair<std::string, std::string> Directory::SplitLogin(std::string_view login, bool split_at_sign) const {
  std::string user(login);
  const char* ws = " \t\r\n";
  const std::size_t b = user.find_first_not_of(ws);
  user = b == std::string::npos ? "" : user.substr(b, user.find_last_not_of(ws) - b + 1);
  if (!split_at_sign) return {user, ""};
  if (const std::size_t at = user.rfind('@'); at != std::string::npos) {
    const std::string realm = ToLower(user.substr(at + 1));
    if (RealmExists(realm)) return {user.substr(0, at), realm};
    return {user, ""};
  }
  if (const std::size_t bs = user.rfind('\\'); bs != std::string::npos) {
    const std::size_t first = user.find('\\');
    const std::string realm = ToLower(user.substr(0, first));
    if (RealmExists(realm)) return {user.substr(bs + 1), realm};
  }
  return {user, ""};
}

Result<std::optional<User>> Directory::Find(std::string_view login, std::string_view realm_name,
                                            std::string_view resolver) {
  auto snap = Current();
  const std::string realm = realm_name.empty() ? snap->default_realm : ToLower(realm_name);
  const Realm* r = snap->FindRealm(realm);
  if (r == nullptr || login.empty()) return std::optional<User>();
  for (const RealmResolver& member : r->resolvers) {
    if (!resolver.empty() && member.name != resolver) continue;
    auto instance = Instance(member.name);
    if (!instance.ok()) return instance.error();
    auto info = (*instance)->FindByName(login);
    if (!info.ok()) return info.error();
    if (*info)
      return std::optional<User>(
          User{std::string(login), realm, member.name, std::move(**info), (*instance)->Editable()});
  }
  return std::optional<User>();
}

Result<std::optional<User>> Directory::FindByUid(std::string_view realm_name, std::string_view resolver,
                                                 std::string_view uid) {
  auto snap = Current();
  const std::string realm = realm_name.empty() ? snap->default_realm : ToLower(realm_name);
  auto instance = Instance(resolver);
  if (!instance.ok()) {
    if (instance.error().code() == ErrorCode::kNotFound) return std::optional<User>();
    return instance.error();
  }
  auto info = (*instance)->FindByUid(uid);
  if (!info.ok()) return info.error();
  if (!*info) return std::optional<User>();
  std::string login = (*info)->username;
  return std::optional<User>(
      User{std::move(login), realm, std::string(resolver), std::move(**info), (*instance)->Editable()});
}

Result<std::vector<User>> Directory::ListUsers(std::string_view realm_name, std::string_view resolver,
                                               const UserFilter& filter) {
  if (Status st = internal::CheckFilter(filter); !st.ok()) return st.error();
  auto snap = Current();
  const std::string realm = realm_name.empty() ? snap->default_realm : ToLower(realm_name);
  std::vector<std::string> names;
  if (!resolver.empty()) {
    names.emplace_back(resolver);
  } else if (const Realm* r = snap->FindRealm(realm)) {
    for (const RealmResolver& member : r->resolvers) names.push_back(member.name);
  }
  std::vector<User> users;
  for (const std::string& name : names) {
    auto instance = Instance(name);
    if (!instance.ok()) return instance.error();
    auto list = (*instance)->List(filter);
    if (!list.ok()) return list.error();
    for (UserInfo& info : *list) {
      std::string login = info.username;
      users.push_back(User{std::move(login), realm_name.empty() && !resolver.empty() ? "" : realm, name,
                           std::move(info), (*instance)->Editable()});
    }
  }
  return users;
}

Result<bool> Directory::CheckPassword(const User& user, const Secret& password) {
  auto instance = Instance(user.resolver);
  if (!instance.ok()) return instance.error();
  return (*instance)->CheckPassword(user.info.uid, password);
}

Result<std::shared_ptr<UserResolver>> Directory::EditableInstance(std::string_view resolver) const {
  auto instance = Instance(resolver);
  if (!instance.ok()) return instance.error();
  if (!(*instance)->Editable()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "The resolver '" + std::string(resolver) + "' is not editable.");
  }
  return instance;
}

Result<User> Directory::CreateUser(std::string_view resolver, const UserInfo& info,
                                   const std::optional<Secret>& password) {
  auto instance = EditableInstance(resolver);
  if (!instance.ok()) return instance.error();
  auto uid = (*instance)->Create(info, password);
  if (!uid.ok()) return uid.error();
  User user{info.username, "", std::string(resolver), info, true};
  user.info.uid = std::move(*uid);
  return user;
}

Status Directory::UpdateUser(std::string_view resolver, std::string_view username,
                             const std::map<std::string, std::string>& changes,
                             const std::optional<Secret>& password) {
  auto instance = EditableInstance(resolver);
  if (!instance.ok()) return instance.error();
  auto info = (*instance)->FindByName(username);
  if (!info.ok()) return info.error();
  if (!*info) return UnknownUser(username, resolver, "");
  return (*instance)->Update((*info)->uid, changes, password);
}

Status Directory::DeleteUser(std::string_view resolver, std::string_view username) {
  auto instance = EditableInstance(resolver);
  if (!instance.ok()) return instance.error();
  auto info = (*instance)->FindByName(username);
  if (!info.ok()) return info.error();
  if (!*info) return UnknownUser(username, resolver, "");
  return (*instance)->Remove((*info)->uid);
}

}  // namespace osprey::mfa::users
