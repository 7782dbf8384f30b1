// SQL of the Directory's definitions (module-internal): resolvers, their parameters, realms and the
// generation counter in the tables of UsersMigrations(). Functions run on the caller's session (inside the
// caller's transaction for writes) and throw soci errors, which sql::RunTransaction/RunRead turn into Status.
// Thread rule: a session belongs to the calling thread; no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>

#include "mfa/users/users.hpp"

namespace osprey::mfa::users::internal {

struct Definitions {
  std::int64_t generation = 0;
  std::vector<ResolverDefinition> resolvers;  // name order
  std::vector<Realm> realms;                  // name order; resolvers by priority, then name
};

std::int64_t ReadGeneration(soci::session& s);
void BumpGeneration(soci::session& s);
Definitions LoadDefinitions(soci::session& s);

std::optional<ResolverDefinition> FindResolverRow(soci::session& s, const std::string& name);
// Inserts or updates the row and replaces all its parameters. Returns the id.
std::int64_t WriteResolver(soci::session& s, const ResolverDefinition& def);
// Names of the realms that list resolver `id`.
std::vector<std::string> RealmsUsing(soci::session& s, std::int64_t resolver_id);
// Deletes the definition and the sql resolver's users stored under its name.
void DeleteResolverRow(soci::session& s, std::int64_t id, const std::string& name);

std::optional<std::int64_t> FindRealmId(soci::session& s, const std::string& name);
std::int64_t CountRealms(soci::session& s);
std::optional<std::string> DefaultRealmName(soci::session& s);
std::int64_t InsertRealm(soci::session& s, const std::string& name, bool is_default);
// Replaces the realm's resolver list: (resolver id, priority) pairs.
void ReplaceRealmResolvers(soci::session& s, std::int64_t realm_id,
                           const std::vector<std::pair<std::int64_t, int>>& resolvers);
void DeleteRealmRow(soci::session& s, std::int64_t id);
// Makes realm `id` the only default (nullopt: no default).
void SetDefault(soci::session& s, std::optional<std::int64_t> id);

}  // namespace osprey::mfa::users::internal
