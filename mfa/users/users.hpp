// Users, resolvers and realms (spec privacyidea-api.md; privacyIDEA's model): a resolver TYPE ("sql",
// "passwdfile"; later "ldap") is code registered by name; a resolver INSTANCE is a named, configured use of a
// type (/resolver/<name>); a REALM is an ordered list of resolver instances (/realm/<name>); one realm is the
// default. A user is identified by (realm, resolver, uid) and found by login name in the first resolver of
// the realm (priority order, lowest number first) that knows it.
//
// Thread rule: UserResolver implementations are called from many threads at once; Directory likewise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/password.hpp"
#include "osprey/core/registry.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::users {

// Tables of this module (component "mfa_users"): resolver definitions, realms, and the sql resolver's users.
const sql::MigrationSet& UsersMigrations();

// A user's attributes as privacyIDEA names them. `uid` is the resolver's stable id (privacyIDEA's userid).
struct UserInfo {
  std::string uid;
  std::string username, givenname, surname, email, mobile, phone, description;
};

// One parameter a resolver type takes (STYLE habit 4): drives validation, /resolver/ and docs.
struct ParamSpec {
  std::string name;
  bool required = false;
  bool secret = false;  // sealed at rest, shown censored ("__CENSORED__") in GET /resolver/
  std::string default_value;
  std::string description;
};

// Search filter for listing users: exact or `*`-wildcard match per attribute; empty = any.
struct UserFilter {
  std::map<std::string, std::string> attributes;  // e.g. {"username": "al*"}
};

// A resolver instance. Fits LDAP: lookups by login and by uid, listing with a filter, password check (bind),
// optional editing.
class UserResolver {
 public:
  UserResolver() = default;
  UserResolver(const UserResolver&) = delete;
  UserResolver& operator=(const UserResolver&) = delete;
  virtual ~UserResolver() = default;

  // The user with login `username` (exact; case as the backend compares), or nullopt. kUnavailable when the
  // backend cannot be reached.
  virtual Result<std::optional<UserInfo>> FindByName(std::string_view username) = 0;
  virtual Result<std::optional<UserInfo>> FindByUid(std::string_view uid) = 0;
  virtual Result<std::vector<UserInfo>> List(const UserFilter& filter) = 0;
  // True when `password` is the user's password (the user store's password, for /auth and otppin=userstore).
  virtual Result<bool> CheckPassword(std::string_view uid, const Secret& password) = 0;
  // Editable resolvers implement the three below; the others answer kUnimplemented.
  virtual bool Editable() const { return false; }
  // Returns the new uid. kAlreadyExists when the username is taken.
  virtual Result<std::string> Create(const UserInfo& info, const std::optional<Secret>& password);
  // Replaces the attributes that are non-empty in `changes` (and the password if given).
  virtual Status Update(std::string_view uid, const std::map<std::string, std::string>& changes,
                        const std::optional<Secret>& password);
  virtual Status Remove(std::string_view uid);
};

// What a resolver type is built from.
struct ResolverContext {
  std::string name;                           // the instance name
  std::map<std::string, std::string> params;  // validated against the type's ParamSpecs
  sql::Database* db = nullptr;
  const Clock* clock = nullptr;
  crypto::PasswordOptions password_options;  // argon2id cost for editable resolvers
};

// A resolver type: its parameters and a factory. Registered by name from main.
struct ResolverType {
  std::vector<ParamSpec> params;
  std::function<Result<std::unique_ptr<UserResolver>>(const ResolverContext&)> create;
};
class ResolverTypes {
 public:
  // Throws std::logic_error on a duplicate name.
  void Register(const std::string& name, ResolverType type);
  const ResolverType* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, ResolverType, std::less<>> types_;
};
// "sql" (Osprey's own user table; editable) and "passwdfile" (param `fileName`, read-only, reloaded when the
// file changes).
void RegisterBuiltinResolverTypes(ResolverTypes& types);

struct ResolverDefinition {
  std::int64_t id = 0;
  std::string name, type;
  std::map<std::string, std::string> params;
};

struct RealmResolver {
  std::string name;  // resolver instance
  std::string type;
  int priority = 0;  // lower first; equal priorities keep name order
};
struct Realm {
  std::int64_t id = 0;
  std::string name;  // stored lower-case, as privacyIDEA does
  bool is_default = false;
  std::vector<RealmResolver> resolvers;
};

// A resolved user.
struct User {
  std::string login;  // as given (privacyIDEA's `user.login`)
  std::string realm;
  std::string resolver;  // instance name
  UserInfo info;         // info.uid is the id
  bool editable = false;
  bool operator==(const User& o) const {
    return realm == o.realm && resolver == o.resolver && info.uid == o.info.uid;
  }
};

struct DirectoryOptions {
  crypto::PasswordOptions password_options;
  std::chrono::milliseconds reload_interval{1000};  // realm/resolver definitions changed by another process
};

// Directory: resolver instances, realms and user lookup. Definitions are cached (snapshot, refreshed after
// local writes and at most reload_interval after another process changed them); users are looked up in the
// resolver each time (the sql resolver: one indexed SELECT). Errors of the management calls: kInvalidArgument
// (bad name, unknown type, missing required param, resolver unknown in a realm), kNotFound,
// kFailedPrecondition (deleting a resolver a realm uses), kUnavailable/kInternal.
// Error messages are privacyIDEA's texts where it has one (the api layer puts them on the wire):
//   unknown resolver   kNotFound "The resolver 'x' does not exist!"
//   unknown user       kNotFound "User <login.resolver@realm> does not exist."
//   unknown realm      kNotFound "The realm 'x' does not exist."
//   resolver in use    kFailedPrecondition "The resolver 'x' is still contained in realm 'y'."
//   not editable       kFailedPrecondition "The resolver 'x' is not editable."
//   username taken     kAlreadyExists
// Resolver names are case-sensitive; realm names are lower-cased. Deleting a resolver also deletes the users
// the sql resolver stored under its name. Secret parameters (ParamSpec::secret) are stored as given [no
// built-in type has one yet; LDAP's bind password will need a Sealer here].
class Directory {
 public:
  Directory(sql::Database& db, const Clock& clock, const ResolverTypes& types, DirectoryOptions options = {});
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;
  ~Directory();

  // --- resolvers (/resolver/) ---
  // Creates or updates the instance; validates params by building it. Returns its id.
  Result<std::int64_t> SetResolver(const ResolverDefinition& def);
  Result<std::vector<ResolverDefinition>> ListResolvers(std::string_view type = {}) const;
  Result<ResolverDefinition> GetResolver(std::string_view name) const;
  Result<std::int64_t> DeleteResolver(std::string_view name);
  const ResolverTypes& types() const { return types_; }

  // --- realms (/realm/) ---
  // Creates or replaces the realm's resolver list. The first realm ever created becomes the default.
  Result<std::int64_t> SetRealm(std::string_view name, const std::vector<RealmResolver>& resolvers);
  Result<std::vector<Realm>> ListRealms() const;
  Result<std::int64_t> DeleteRealm(std::string_view name);
  Status SetDefaultRealm(std::string_view name);  // "" clears
  // The default realm's name, or "" when there is none.
  std::string DefaultRealm() const;
  bool RealmExists(std::string_view name) const;

  // --- users ---
  // privacyIDEA's split (splitAtSign): "alice@realm1" → ("alice","realm1") at the LAST '@' only when the
  // suffix is an existing realm; "realm1\alice" likewise. Otherwise (login, "").
  std::pair<std::string, std::string> SplitLogin(std::string_view login, bool split_at_sign) const;
  // The user `login` in `realm` ("" = default realm), optionally only in resolver `resolver`. nullopt when no
  // resolver of the realm knows the login, or when the realm does not exist.
  Result<std::optional<User>> Find(std::string_view login, std::string_view realm,
                                   std::string_view resolver = {});
  Result<std::optional<User>> FindByUid(std::string_view realm, std::string_view resolver,
                                        std::string_view uid);
  // Users of the realm ("" = default) or, when `resolver` is given, of that one resolver (User::realm is then
  // `realm` as given, lower-cased). Filter keys must be attribute names (username, userid, givenname,
  // surname, email, mobile, phone, description): kInvalidArgument otherwise.
  Result<std::vector<User>> ListUsers(std::string_view realm, std::string_view resolver,
                                      const UserFilter& filter);
  Result<bool> CheckPassword(const User& user, const Secret& password);
  // Editing, in an editable resolver instance.
  Result<User> CreateUser(std::string_view resolver, const UserInfo& info,
                          const std::optional<Secret>& password);
  Status UpdateUser(std::string_view resolver, std::string_view username,
                    const std::map<std::string, std::string>& changes, const std::optional<Secret>& password);
  Status DeleteUser(std::string_view resolver, std::string_view username);

 private:
  struct Snapshot;
  std::shared_ptr<const Snapshot> Current() const;
  // Builds an instance of `def` (params checked against the type's ParamSpecs, defaults applied).
  Result<std::unique_ptr<UserResolver>> Build(const ResolverDefinition& def) const;
  // Reads every definition; reuses `previous`'s instances whose definition did not change.
  Result<std::shared_ptr<const Snapshot>> Load(const Snapshot* previous) const;
  // Makes the next Current() reload (after a local write).
  void Invalidate() const;
  Result<std::shared_ptr<UserResolver>> Instance(std::string_view name) const;
  // kNotFound (unknown resolver) or kFailedPrecondition (not editable).
  Result<std::shared_ptr<UserResolver>> EditableInstance(std::string_view resolver) const;

  sql::Database& db_;
  const Clock& clock_;
  const ResolverTypes& types_;
  const DirectoryOptions options_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Snapshot> snapshot_;  // GUARDED_BY(mu_)
  mutable Clock::TimePoint checked_at_{};             // GUARDED_BY(mu_)
};

}  // namespace osprey::mfa::users
