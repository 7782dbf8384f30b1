#include "mfa/users/directory_store.hpp"

#include <algorithm>
#include <map>

#include "osprey/sql/rows.hpp"

namespace osprey::mfa::users::internal {

std::int64_t ReadGeneration(soci::session& s) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT CAST(generation AS BIGINT) FROM mfa_users_state WHERE id = 1");
  for (const soci::row& row : rows) return sql::Int(row, 0);
  return 0;
}

void BumpGeneration(soci::session& s) {
  s << "UPDATE mfa_users_state SET generation = generation + 1 WHERE id = 1";
}

namespace {

std::vector<ResolverDefinition> LoadResolvers(soci::session& s) {
  std::vector<ResolverDefinition> out;
  std::map<std::int64_t, std::size_t> index;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT CAST(id AS BIGINT), name, type FROM mfa_resolver ORDER BY name");
  for (const soci::row& row : rows) {
    ResolverDefinition def;
    def.id = sql::Int(row, 0);
    def.name = sql::Text(row, 1);
    def.type = sql::Text(row, 2);
    index[def.id] = out.size();
    out.push_back(std::move(def));
  }
  soci::rowset<soci::row> params =
      (s.prepare << "SELECT CAST(resolver_id AS BIGINT), name, value FROM mfa_resolver_param");
  for (const soci::row& row : params) {
    auto it = index.find(sql::Int(row, 0));
    if (it != index.end()) out[it->second].params[sql::Text(row, 1)] = sql::Text(row, 2);
  }
  return out;
}

std::vector<Realm> LoadRealms(soci::session& s) {
  std::vector<Realm> out;
  std::map<std::int64_t, std::size_t> index;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT CAST(id AS BIGINT), name, CASE WHEN is_default = TRUE THEN 1 "
                    "ELSE 0 END FROM mfa_realm ORDER BY name");
  for (const soci::row& row : rows) {
    Realm realm;
    realm.id = sql::Int(row, 0);
    realm.name = sql::Text(row, 1);
    realm.is_default = sql::Int(row, 2) != 0;
    index[realm.id] = out.size();
    out.push_back(std::move(realm));
  }
  soci::rowset<soci::row> members =
      (s.prepare << "SELECT CAST(rr.realm_id AS BIGINT), r.name, r.type, CAST(rr.priority AS BIGINT) FROM "
                    "mfa_realm_resolver rr JOIN mfa_resolver r ON r.id = rr.resolver_id");
  for (const soci::row& row : members) {
    auto it = index.find(sql::Int(row, 0));
    if (it == index.end()) continue;
    out[it->second].resolvers.push_back(
        {sql::Text(row, 1), sql::Text(row, 2), static_cast<int>(sql::Int(row, 3))});
  }
  for (Realm& realm : out) {
    std::sort(realm.resolvers.begin(), realm.resolvers.end(),
              [](const RealmResolver& a, const RealmResolver& b) {
                return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
              });
  }
  return out;
}

}  // namespace

Definitions LoadDefinitions(soci::session& s) {
  Definitions d;
  d.generation = ReadGeneration(s);
  d.resolvers = LoadResolvers(s);
  d.realms = LoadRealms(s);
  return d;
}

std::optional<ResolverDefinition> FindResolverRow(soci::session& s, const std::string& name) {
  std::optional<ResolverDefinition> def;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT CAST(id AS BIGINT), type FROM mfa_resolver WHERE name = :name",
       soci::use(name, "name"));
  for (const soci::row& row : rows) def = ResolverDefinition{sql::Int(row, 0), name, sql::Text(row, 1), {}};
  if (!def) return def;
  long long id = def->id;
  soci::rowset<soci::row> params =
      (s.prepare << "SELECT name, value FROM mfa_resolver_param WHERE resolver_id = :id",
       soci::use(id, "id"));
  for (const soci::row& row : params) def->params[sql::Text(row, 0)] = sql::Text(row, 1);
  return def;
}

std::int64_t WriteResolver(soci::session& s, const ResolverDefinition& def) {
  long long id = 0;
  if (auto existing = FindResolverRow(s, def.name)) {
    id = existing->id;
  } else {
    s << "INSERT INTO mfa_resolver (name, type) VALUES (:name, :type) RETURNING id",
        soci::use(def.name, "name"), soci::use(def.type, "type"), soci::into(id);
  }
  s << "DELETE FROM mfa_resolver_param WHERE resolver_id = :id", soci::use(id, "id");
  for (const auto& [key, value] : def.params) {
    s << "INSERT INTO mfa_resolver_param (resolver_id, name, value) VALUES (:id, :name, :value)",
        soci::use(id, "id"), soci::use(key, "name"), soci::use(value, "value");
  }
  return id;
}

std::vector<std::string> RealmsUsing(soci::session& s, std::int64_t resolver_id) {
  std::vector<std::string> names;
  long long id = resolver_id;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT m.name FROM mfa_realm_resolver rr JOIN mfa_realm m ON m.id = "
                    "rr.realm_id WHERE rr.resolver_id = :id ORDER BY m.name",
       soci::use(id, "id"));
  for (const soci::row& row : rows) names.push_back(sql::Text(row, 0));
  return names;
}

void DeleteResolverRow(soci::session& s, std::int64_t resolver_id, const std::string& name) {
  long long id = resolver_id;
  s << "DELETE FROM mfa_resolver_param WHERE resolver_id = :id", soci::use(id, "id");
  s << "DELETE FROM mfa_resolver WHERE id = :id", soci::use(id, "id");
  s << "DELETE FROM mfa_user WHERE resolver = :name", soci::use(name, "name");
}

std::optional<std::int64_t> FindRealmId(soci::session& s, const std::string& name) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT CAST(id AS BIGINT) FROM mfa_realm WHERE name = :name", soci::use(name, "name"));
  for (const soci::row& row : rows) return sql::Int(row, 0);
  return std::nullopt;
}

std::int64_t CountRealms(soci::session& s) {
  soci::rowset<soci::row> rows = (s.prepare << "SELECT CAST(COUNT(*) AS BIGINT) FROM mfa_realm");
  for (const soci::row& row : rows) return sql::Int(row, 0);
  return 0;
}

std::optional<std::string> DefaultRealmName(soci::session& s) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT name FROM mfa_realm WHERE is_default = TRUE ORDER BY name");
  for (const soci::row& row : rows) return sql::Text(row, 0);
  return std::nullopt;
}

std::int64_t InsertRealm(soci::session& s, const std::string& name, bool is_default) {
  long long id = 0;
  const std::string sql = std::string("INSERT INTO mfa_realm (name, is_default) VALUES (:name, ") +
                          (is_default ? "TRUE" : "FALSE") + ") RETURNING id";
  s << sql, soci::use(name, "name"), soci::into(id);
  return id;
}

void ReplaceRealmResolvers(soci::session& s, std::int64_t realm_id,
                           const std::vector<std::pair<std::int64_t, int>>& resolvers) {
  long long rid = realm_id;
  s << "DELETE FROM mfa_realm_resolver WHERE realm_id = :id", soci::use(rid, "id");
  for (const auto& [resolver_id, priority] : resolvers) {
    long long res = resolver_id, prio = priority;
    s << "INSERT INTO mfa_realm_resolver (realm_id, resolver_id, priority) VALUES (:realm, :resolver, "
         ":priority)",
        soci::use(rid, "realm"), soci::use(res, "resolver"), soci::use(prio, "priority");
  }
}

void DeleteRealmRow(soci::session& s, std::int64_t realm_id) {
  long long id = realm_id;
  s << "DELETE FROM mfa_realm_resolver WHERE realm_id = :id", soci::use(id, "id");
  s << "DELETE FROM mfa_realm WHERE id = :id", soci::use(id, "id");
}

void SetDefault(soci::session& s, std::optional<std::int64_t> realm_id) {
  s << "UPDATE mfa_realm SET is_default = FALSE WHERE is_default = TRUE";
  if (!realm_id) return;
  long long id = *realm_id;
  s << "UPDATE mfa_realm SET is_default = TRUE WHERE id = :id", soci::use(id, "id");
}

}  // namespace osprey::mfa::users::internal
