// PolicyEngine: the mfa_policy table behind an in-memory snapshot. Lists and actions are stored as JSON text,
// so values keep commas and blanks exactly. A one-row generation counter (mfa_policy_state) is bumped by
// every write: the cheap check that tells this process that another one (the CLI) has changed the policies.
#include "mfa/policy/policy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "mfa/policy/policy_match.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::policy {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 9> kScopes{kScopeAdmin, kScopeUser,   kScopeAuth,
                                                  kScopeAuthz, kScopeEnroll, kScopeWebui,
                                                  "audit",     "register",   "container"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string ToJson(const std::vector<std::string>& list) { return json(list).dump(); }

std::vector<std::string> ListFromJson(const std::string& text) {
  if (text.empty()) return {};
  return json::parse(text).get<std::vector<std::string>>();
}

// privacyIDEA's check_policy_name.
Status CheckName(const std::string& name) {
  static const std::regex kAllowed("^[a-zA-Z0-9_.\\- ]+$");
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "check" || lower.rfind("pi-update-policy-", 0) == 0) {
    return Error(ErrorCode::kInvalidArgument, "'" + name + "' is an invalid policy name.");
  }
  if (!std::regex_match(name, kAllowed)) {
    return Error(ErrorCode::kInvalidArgument,
                 "The name of the policy may only contain the characters a-zA-Z0-9_. -");
  }
  return OkStatus();
}

Status CheckPolicy(const Policy& p) {
  if (auto name = CheckName(p.name); !name.ok()) return name;
  if (std::find(kScopes.begin(), kScopes.end(), p.scope) == kScopes.end()) {
    return Error(ErrorCode::kInvalidArgument, "Unknown scope: " + p.scope);
  }
  if (p.priority < 1) return Error(ErrorCode::kInvalidArgument, "The priority must be a positive integer.");
  std::size_t bad = 0;
  if (!match::ParseClients(p.clients, &bad)) {
    return Error(ErrorCode::kInvalidArgument, "Invalid client address or network: " + p.clients[bad]);
  }
  for (const auto& [action, value] : p.actions) {
    if (Trim(action).empty())
      return Error(ErrorCode::kInvalidArgument, "Empty action name in policy " + p.name);
  }
  return OkStatus();
}

// A stored value 'in single quotes' keeps its blanks as one value in privacyIDEA; the quotes are not part of
// it.
std::string Unquoted(const std::string& value) {
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
    return value.substr(1, value.size() - 2);
  return value;
}

void BumpGeneration(soci::session& s) {
  s << "UPDATE mfa_policy_state SET generation = generation + 1 WHERE id = 1";
}

}  // namespace

const sql::MigrationSet& PolicyMigrations() {
  static const sql::MigrationSet set{
      "mfa_policy",
      {{1, "policy table",
        "CREATE TABLE mfa_policy (\n"
        "  id {{id}},\n"
        "  name {{text}} NOT NULL UNIQUE,\n"
        "  scope {{text}} NOT NULL,\n"
        "  active {{bool}} NOT NULL,\n"
        "  priority {{bigint}} NOT NULL,\n"
        "  actions {{text}} NOT NULL,\n"
        "  realms {{text}} NOT NULL,\n"
        "  resolvers {{text}} NOT NULL,\n"
        "  users {{text}} NOT NULL,\n"
        "  clients {{text}} NOT NULL,\n"
        "  admin_realms {{text}} NOT NULL,\n"
        "  admin_users {{text}} NOT NULL,\n"
        "  pinodes {{text}} NOT NULL,\n"
        "  check_all_resolvers {{bool}} NOT NULL,\n"
        "  description {{text}} NOT NULL,\n"
        "  time_condition {{text}} NOT NULL\n"
        ");\n"
        "CREATE TABLE mfa_policy_state (id {{bigint}} PRIMARY KEY, generation {{bigint}} NOT NULL);\n"
        "INSERT INTO mfa_policy_state (id, generation) VALUES (1, 0)"}},
  };
  return set;
}

Result<std::map<std::string, std::string>> PolicyEngine::ParseActions(std::string_view text) {
  std::map<std::string, std::string> out;
  // Split at commas not escaped by a backslash (privacyIDEA's re.split(r'(?<!\\),')); "\," stays in the
  // value.
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && (text[i] != ',' || (i > 0 && text[i - 1] == '\\'))) continue;
    const std::string_view piece = Trim(text.substr(start, i - start));
    start = i + 1;
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    const std::string_view name = Trim(piece.substr(0, eq));
    if (name.empty())
      return Error(ErrorCode::kInvalidArgument, "Empty action name in: " + std::string(piece));
    out[std::string(name)] = eq == std::string_view::npos ? "true" : std::string(Trim(piece.substr(eq + 1)));
  }
  return out;
}

struct PolicyEngine::Snapshot {
  struct Entry {
    Policy policy;
    std::vector<match::ClientEntry> clients;
  };
  std::vector<Entry> entries;  // name order

  // Active policies of `scope` matching `subject`; with `action` non-empty only those setting it.
  std::vector<const Policy*> Matching(std::string_view scope, std::string_view action,
                                      const Subject& subject) const {
    std::vector<const Policy*> out;
    for (const Entry& e : entries) {
      const Policy& p = e.policy;
      if (!p.active || p.scope != scope) continue;
      if (!action.empty() && p.actions.find(std::string(action)) == p.actions.end()) continue;
      if (!match::ListMatches(p.realms, subject.realm, true) ||
          !match::ListMatches(p.resolvers, subject.resolver, false) ||
          !match::ListMatches(p.users, subject.user, true) ||
          !match::ClientMatches(e.clients, subject.client) ||
          !match::ListMatches(p.admin_realms, subject.admin_realm, true) ||
          !match::ListMatches(p.admin_users, subject.admin_user, true)) {
        continue;
      }
      out.push_back(&p);
    }
    return out;
  }

  // Matching, reduced to the best (lowest) priority.
  std::vector<const Policy*> Best(std::string_view scope, std::string_view action,
                                  const Subject& subject) const {
    auto all = Matching(scope, action, subject);
    if (all.empty()) return all;
    const int best = (*std::min_element(all.begin(), all.end(), [](const Policy* a, const Policy* b) {
                       return a->priority < b->priority;
                     }))->priority;
    std::erase_if(all, [best](const Policy* p) { return p->priority != best; });
    return all;
  }

  bool AnyActive(std::string_view scope) const {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const Entry& e) { return e.policy.active && e.policy.scope == scope; });
  }
};

namespace {

constexpr const char* kSelectColumns =
    "SELECT name, scope, CASE WHEN active THEN 1 ELSE 0 END, CAST(priority AS BIGINT), actions, realms, "
    "resolvers, users, clients, admin_realms, admin_users, pinodes, CASE WHEN check_all_resolvers THEN 1 "
    "ELSE 0 "
    "END, description, time_condition, CAST(id AS BIGINT) FROM mfa_policy";

Policy PolicyFromRow(const soci::row& row) {
  Policy p;
  p.name = sql::Text(row, 0);
  p.scope = sql::Text(row, 1);
  p.active = sql::Int(row, 2) != 0;
  p.priority = static_cast<int>(sql::Int(row, 3));
  const json actions = json::parse(sql::Text(row, 4));
  for (const auto& [k, v] : actions.items()) p.actions[k] = v.get<std::string>();
  p.realms = ListFromJson(sql::Text(row, 5));
  p.resolvers = ListFromJson(sql::Text(row, 6));
  p.users = ListFromJson(sql::Text(row, 7));
  p.clients = ListFromJson(sql::Text(row, 8));
  p.admin_realms = ListFromJson(sql::Text(row, 9));
  p.admin_users = ListFromJson(sql::Text(row, 10));
  p.pinodes = ListFromJson(sql::Text(row, 11));
  p.check_all_resolvers = sql::Int(row, 12) != 0;
  p.description = sql::Text(row, 13);
  p.time = sql::Text(row, 14);
  return p;
}

std::int64_t ReadGeneration(soci::session& s) {
  long long generation = 0;
  s << "SELECT CAST(generation AS BIGINT) FROM mfa_policy_state WHERE id = 1", soci::into(generation);
  return generation;
}

std::vector<Policy> LoadPolicies(soci::session& s, std::string_view where_name) {
  std::vector<Policy> out;
  const std::string name(where_name);
  if (name.empty()) {
    soci::rowset<soci::row> rows = (s.prepare << std::string(kSelectColumns) + " ORDER BY name");
    for (const soci::row& row : rows) out.push_back(PolicyFromRow(row));
  } else {
    soci::rowset<soci::row> rows =
        (s.prepare << std::string(kSelectColumns) + " WHERE name = :n", soci::use(name, "n"));
    for (const soci::row& row : rows) out.push_back(PolicyFromRow(row));
  }
  return out;
}

}  // namespace

PolicyEngine::PolicyEngine(sql::Database& db, const Clock& clock, PolicyEngineOptions options)
    : db_(db),
      cache_(db, clock, options.reload_interval, "mfa policy load", ReadGeneration,
             [](soci::session& s, Snapshot& out) {
               for (Policy& p : LoadPolicies(s, {})) {
                 auto clients = match::ParseClients(p.clients);
                 out.entries.push_back({std::move(p), clients.value_or(std::vector<match::ClientEntry>{})});
               }
             }) {}

PolicyEngine::~PolicyEngine() = default;

std::shared_ptr<const PolicyEngine::Snapshot> PolicyEngine::Current() const {
  auto snap = cache_.Get();
  if (snap.ok()) return *snap;
  static const auto kNone = std::make_shared<const Snapshot>();  // no policies until the database answers
  return kNone;
}

void PolicyEngine::Changed() const { cache_.Changed(); }

std::vector<std::string> PolicyEngine::Values(std::string_view scope, std::string_view action,
                                              const Subject& subject) const {
  std::vector<std::string> out;
  for (const Policy* p : Current()->Best(scope, action, subject)) {
    std::string value = Unquoted(p->actions.at(std::string(action)));
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
  }
  return out;
}

bool PolicyEngine::IsSet(std::string_view scope, std::string_view action, const Subject& subject) const {
  return !Current()->Matching(scope, action, subject).empty();
}

bool PolicyEngine::Allowed(std::string_view scope, std::string_view action, const Subject& subject) const {
  const auto snap = Current();
  if (!snap->AnyActive(scope)) return true;
  return !snap->Matching(scope, action, subject).empty();
}

std::vector<std::string> PolicyEngine::Rights(std::string_view scope, const Subject& subject,
                                              const std::vector<std::string>& all) const {
  const auto snap = Current();
  if (!snap->AnyActive(scope)) return all;
  std::set<std::string> rights;
  for (const Policy* p : snap->Matching(scope, {}, subject)) {
    for (const auto& [action, value] : p->actions) rights.insert(action);
  }
  return {rights.begin(), rights.end()};
}

Result<std::int64_t> PolicyEngine::Set(const Policy& policy) {
  if (auto valid = CheckPolicy(policy); !valid.ok()) return valid.error();
  json actions = json::object();
  for (const auto& [k, v] : policy.actions) actions[std::string(Trim(k))] = v;
  const std::string actions_text = actions.dump(), realms = ToJson(policy.realms),
                    resolvers = ToJson(policy.resolvers), users = ToJson(policy.users),
                    clients = ToJson(policy.clients), admin_realms = ToJson(policy.admin_realms),
                    admin_users = ToJson(policy.admin_users), pinodes = ToJson(policy.pinodes);
  const int active = policy.active ? 1 : 0, all_resolvers = policy.check_all_resolvers ? 1 : 0;
  const long long priority = policy.priority;
  long long id = 0;
  const Status status = sql::RunTransaction(db_, "policy set", [&](soci::session& s) {
    long long existing = 0;
    s << "SELECT CAST(id AS BIGINT) FROM mfa_policy WHERE name = :n", soci::use(policy.name, "n"),
        soci::into(existing);
    const bool exists = s.got_data();
    const std::string columns =
        "scope = :scope, active = (:active = 1), priority = :priority, actions = :actions, realms = :realms, "
        "resolvers = :resolvers, users = :users, clients = :clients, admin_realms = :admin_realms, "
        "admin_users = "
        ":admin_users, pinodes = :pinodes, check_all_resolvers = (:car = 1), description = :description, "
        "time_condition = :time";
    if (exists) {
      s << "UPDATE mfa_policy SET " + columns + " WHERE id = :id", soci::use(policy.scope, "scope"),
          soci::use(active, "active"), soci::use(priority, "priority"), soci::use(actions_text, "actions"),
          soci::use(realms, "realms"), soci::use(resolvers, "resolvers"), soci::use(users, "users"),
          soci::use(clients, "clients"), soci::use(admin_realms, "admin_realms"),
          soci::use(admin_users, "admin_users"), soci::use(pinodes, "pinodes"),
          soci::use(all_resolvers, "car"), soci::use(policy.description, "description"),
          soci::use(policy.time, "time"), soci::use(existing, "id");
      id = existing;
    } else {
      s << "INSERT INTO mfa_policy (name, scope, active, priority, actions, realms, resolvers, users, "
           "clients, "
           "admin_realms, admin_users, pinodes, check_all_resolvers, description, time_condition) VALUES "
           "(:name, "
           ":scope, (:active = 1), :priority, :actions, :realms, :resolvers, :users, :clients, "
           ":admin_realms, "
           ":admin_users, :pinodes, (:car = 1), :description, :time) RETURNING id",
          soci::use(policy.name, "name"), soci::use(policy.scope, "scope"), soci::use(active, "active"),
          soci::use(priority, "priority"), soci::use(actions_text, "actions"), soci::use(realms, "realms"),
          soci::use(resolvers, "resolvers"), soci::use(users, "users"), soci::use(clients, "clients"),
          soci::use(admin_realms, "admin_realms"), soci::use(admin_users, "admin_users"),
          soci::use(pinodes, "pinodes"), soci::use(all_resolvers, "car"),
          soci::use(policy.description, "description"), soci::use(policy.time, "time"), soci::into(id);
    }
    BumpGeneration(s);
  });
  Changed();
  if (!status.ok()) return status.error();
  return static_cast<std::int64_t>(id);
}

Result<Policy> PolicyEngine::Get(std::string_view name) const {
  std::vector<Policy> found;
  const Status status =
      sql::RunRead(db_, "policy get", [&](soci::session& s) { found = LoadPolicies(s, name); });
  if (!status.ok()) return status.error();
  if (found.empty() || name.empty())
    return Error(ErrorCode::kNotFound, "The requested Policy could not be found.");
  return std::move(found.front());
}

Result<std::vector<Policy>> PolicyEngine::List(std::string_view scope, std::optional<bool> active) const {
  std::vector<Policy> all;
  const Status status =
      sql::RunRead(db_, "policy list", [&](soci::session& s) { all = LoadPolicies(s, {}); });
  if (!status.ok()) return status.error();
  std::erase_if(all, [&](const Policy& p) {
    return (!scope.empty() && p.scope != scope) || (active.has_value() && p.active != *active);
  });
  return all;
}

Result<std::int64_t> PolicyEngine::Delete(std::string_view name) {
  const std::string n(name);
  long long id = 0;
  bool found = false;
  const Status status = sql::RunTransaction(db_, "policy delete", [&](soci::session& s) {
    s << "SELECT CAST(id AS BIGINT) FROM mfa_policy WHERE name = :n", soci::use(n, "n"), soci::into(id);
    found = s.got_data();
    if (!found) return;
    s << "DELETE FROM mfa_policy WHERE id = :id", soci::use(id, "id");
    BumpGeneration(s);
  });
  Changed();
  if (!status.ok()) return status.error();
  if (!found) return Error(ErrorCode::kNotFound, "The requested Policy could not be found.");
  return static_cast<std::int64_t>(id);
}

Result<std::int64_t> PolicyEngine::SetActive(std::string_view name, bool active) {
  const std::string n(name);
  const int flag = active ? 1 : 0;
  long long id = 0;
  bool found = false;
  const Status status = sql::RunTransaction(db_, "policy enable", [&](soci::session& s) {
    s << "SELECT CAST(id AS BIGINT) FROM mfa_policy WHERE name = :n", soci::use(n, "n"), soci::into(id);
    found = s.got_data();
    if (!found) return;
    s << "UPDATE mfa_policy SET active = (:a = 1) WHERE id = :id", soci::use(flag, "a"), soci::use(id, "id");
    BumpGeneration(s);
  });
  Changed();
  if (!status.ok()) return status.error();
  if (!found) return Error(ErrorCode::kNotFound, "The policy with name '" + n + "' does not exist");
  return static_cast<std::int64_t>(id);
}

}  // namespace osprey::mfa::policy
