// GatewayStore: tables mfa_smsgateway and mfa_smsgateway_option. Each option row records whether its value is
// sealed, so that a later change of IsSecretKey never makes stored values unreadable.
#include "mfa/sms/gateway_store.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::sms {
namespace {

constexpr const char* kOption = "option";
constexpr const char* kHeader = "header";

const char* TypeName(OptionKind kind) { return kind == OptionKind::kHeader ? kHeader : kOption; }

// The associated data of a sealed value: a value copied to another gateway or key does not open there.
std::string AssociatedData(const std::string& gateway, std::string_view type, const std::string& key) {
  return gateway + "/" + std::string(type) + "/" + key;
}

// One LEFT JOIN for a gateway and its options; rows ordered so that gateways come by id, options by row id
// (the order GatewayDefinition keeps them in).
std::string SelectGateways(const std::string& where) {
  return "SELECT CAST(g.id AS BIGINT), g.name, g.module, g.description, o.option_type, o.option_key, "
         "o.option_value, CASE WHEN o.sealed THEN 1 ELSE 0 END FROM mfa_smsgateway g "
         "LEFT JOIN mfa_smsgateway_option o ON o.gateway_id = g.id WHERE " +
         where + " ORDER BY g.id, o.id";
}

// Builds definitions from SelectGateways rows, opening sealed values.
class Assembler {
 public:
  explicit Assembler(const crypto::Sealer& sealer) : sealer_(sealer) {}

  void Add(const soci::row& row) {
    const std::int64_t id = sql::Int(row, 0);
    if (out_.empty() || out_.back().id != id) {
      GatewayDefinition gw;
      gw.id = id;
      gw.name = sql::Text(row, 1);
      gw.module = sql::Text(row, 2);
      gw.description = sql::OptText(row, 3);
      out_.push_back(std::move(gw));
    }
    const std::optional<std::string> type = sql::OptText(row, 4);
    if (!type) return;  // a gateway without options
    GatewayDefinition& gw = out_.back();
    const std::string key = sql::Text(row, 5);
    std::string value = sql::Text(row, 6);
    if (sql::Int(row, 7) != 0) {
      auto opened = sealer_.Open(value, AssociatedData(gw.name, *type, key));
      if (!opened.ok()) {
        broken_.try_emplace(
            gw.name, Error(ErrorCode::kCorrupted, "SMS gateway '" + gw.name + "': the sealed value of " +
                                                      *type + " '" + key + "' cannot be opened"));
        return;
      }
      value = std::string(opened->view());
    }
    (*type == kHeader ? gw.headers : gw.options)[key] = std::move(value);
  }

  // All of them, or the first gateway's error.
  Result<std::vector<GatewayDefinition>> Finish() {
    for (const GatewayDefinition& gw : out_) {
      auto it = broken_.find(gw.name);
      if (it != broken_.end()) return it->second;
    }
    return std::move(out_);
  }

  // Each by name, a gateway whose sealed value does not open as its error.
  void FinishEach(GatewayStore::ByName& out) {
    for (GatewayDefinition& gw : out_) {
      auto it = broken_.find(gw.name);
      std::string name = gw.name;
      if (it != broken_.end()) {
        out.emplace(std::move(name), it->second);
      } else {
        out.emplace(std::move(name), std::move(gw));
      }
    }
  }

 private:
  const crypto::Sealer& sealer_;
  std::vector<GatewayDefinition> out_;
  std::map<std::string, Error, std::less<>> broken_;
};

// The gateways matching `where`, whose placeholders take `binds` in order.
template <typename... A>
Result<std::vector<GatewayDefinition>> LoadIn(soci::session& s, const crypto::Sealer& sealer,
                                              const std::string& where, const A&... binds) {
  Assembler assembler(sealer);
  soci::details::prepare_temp_type query = (s.prepare << SelectGateways(where));
  ((void)(query, soci::use(binds)), ...);
  soci::rowset<soci::row> rows(query);
  for (const soci::row& row : rows) assembler.Add(row);
  return assembler.Finish();
}

template <typename... A>
Result<std::vector<GatewayDefinition>> Load(sql::Database& db, const crypto::Sealer& sealer,
                                            const std::string& where, const A&... binds) {
  Result<std::vector<GatewayDefinition>> result = std::vector<GatewayDefinition>{};
  const Status read = sql::RunRead(db, "smsgateway read",
                                   [&](soci::session& s) { result = LoadIn(s, sealer, where, binds...); });
  if (!read.ok()) return read.error();
  return result;
}

Result<std::optional<GatewayDefinition>> First(Result<std::vector<GatewayDefinition>> all) {
  if (!all.ok()) return all.error();
  if (all->empty()) return std::optional<GatewayDefinition>();
  return std::optional<GatewayDefinition>(std::move(all->front()));
}

// Creates the gateway row or updates the one of that name; returns its id.
long long UpsertGateway(soci::session& s, const GatewayDefinition& gw) {
  std::string description = gw.description.value_or("");
  soci::indicator description_ind = gw.description ? soci::i_ok : soci::i_null;
  long long id = 0;
  s << "INSERT INTO mfa_smsgateway (name, module, description) VALUES (:n, :m, :d) "
       "ON CONFLICT (name) DO UPDATE SET module = excluded.module, description = excluded.description "
       "RETURNING id",
      soci::use(gw.name, "n"), soci::use(gw.module, "m"), soci::use(description, description_ind, "d"),
      soci::into(id);
  return id;
}

struct Wanted {
  std::string type, key;
  const std::string* value;
};

// Replaces the gateway's options and headers as privacyIDEA's set_smsgateway does: rows of keys still wanted
// keep their id (so their place in the order) and get the new value, the others are deleted, new keys are
// inserted in the given order (options, then headers). Reads order by row id, which is privacyIDEA's order.
void ReplaceOptions(soci::session& s, long long id, const GatewayDefinition& gw,
                    const crypto::Sealer& sealer) {
  std::vector<Wanted> wanted;
  for (const auto& [key, value] : gw.options) wanted.push_back({kOption, key, &value});
  for (const auto& [key, value] : gw.headers) wanted.push_back({kHeader, key, &value});
  std::map<std::pair<std::string, std::string>, long long> existing;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT CAST(id AS BIGINT), option_type, option_key FROM mfa_smsgateway_option "
                      "WHERE gateway_id = :g",
         soci::use(id, "g"));
    for (const soci::row& row : rows) existing[{sql::Text(row, 1), sql::Text(row, 2)}] = sql::Int(row, 0);
  }
  for (const Wanted& w : wanted) {
    const int sealed = IsSecretKey(w.key) ? 1 : 0;
    const std::string stored =
        sealed ? sealer.Seal(*w.value, AssociatedData(gw.name, w.type, w.key)) : *w.value;
    const auto it = existing.find({w.type, w.key});
    if (it != existing.end()) {
      sql::Exec(s, "UPDATE mfa_smsgateway_option SET option_value = :v, sealed = (:s = 1) WHERE id = :id",
                stored, sealed, it->second);
      existing.erase(it);
    } else {
      sql::Exec(
          s,
          "INSERT INTO mfa_smsgateway_option (gateway_id, option_type, option_key, option_value, sealed) "
          "VALUES (:g, :t, :k, :v, (:s = 1))",
          id, w.type, w.key, stored, sealed);
    }
  }
  for (const auto& [type_key, row_id] : existing) {
    sql::Exec(s, "DELETE FROM mfa_smsgateway_option WHERE id = :id", row_id);
  }
}

void BumpGeneration(soci::session& s) {
  s << "UPDATE mfa_smsgateway_state SET generation = generation + 1 WHERE id = 1";
}

std::int64_t ReadGeneration(soci::session& s) {
  long long generation = 0;
  s << "SELECT CAST(generation AS BIGINT) FROM mfa_smsgateway_state WHERE id = 1", soci::into(generation);
  return generation;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

}  // namespace

const sql::MigrationSet& GatewayMigrations() {
  static const sql::MigrationSet set{
      "mfa_smsgateway",
      {{1, "SMS gateway definitions with their options and headers",
        "CREATE TABLE mfa_smsgateway (\n"
        "  id {{id}},\n"
        "  name {{text}} NOT NULL UNIQUE,\n"
        "  module {{text}} NOT NULL,\n"
        "  description {{text}}\n"
        ");\n"
        "CREATE TABLE mfa_smsgateway_option (\n"
        "  id {{id}},\n"
        "  gateway_id {{bigint}} NOT NULL REFERENCES mfa_smsgateway (id) ON DELETE CASCADE,\n"
        "  option_type {{text}} NOT NULL CHECK (option_type IN ('option', 'header')),\n"
        "  option_key {{text}} NOT NULL,\n"
        "  option_value {{text}} NOT NULL DEFAULT '',\n"
        "  sealed {{bool}} NOT NULL DEFAULT FALSE,\n"
        "  UNIQUE (gateway_id, option_type, option_key)\n"
        ")"},
       {2, "a generation number that every change of the definitions bumps, for the in-memory copy",
        "CREATE TABLE mfa_smsgateway_state (id {{bigint}} PRIMARY KEY, generation {{bigint}} NOT NULL);\n"
        "INSERT INTO mfa_smsgateway_state (id, generation) VALUES (1, 0)"}},
  };
  return set;
}

bool IsSecretKey(std::string_view key) {
  static constexpr std::array<std::string_view, 6> kWords{"PASSWORD", "PASSWD",        "SECRET",
                                                          "TOKEN",    "AUTHORIZATION", "KEY"};
  const std::string upper = Upper(key);
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view word) { return upper.find(word) != std::string::npos; });
}

GatewayStore::GatewayStore(sql::Database& db, const crypto::Sealer& sealer, const Clock& clock,
                           GatewayStoreOptions options)
    : db_(db),
      sealer_(sealer),
      cache_(db, clock, options.reload_interval, "smsgateway read", ReadGeneration,
             [&sealer](soci::session& s, ByName& out) {
               // A value that does not open is an error of that gateway alone: the others stay usable.
               Assembler assembler(sealer);
               soci::rowset<soci::row> rows = (s.prepare << SelectGateways("1 = 1"));
               for (const soci::row& row : rows) assembler.Add(row);
               assembler.FinishEach(out);
             }) {}

Result<std::vector<GatewayDefinition>> GatewayStore::List() const { return Load(db_, sealer_, "1 = 1"); }

Result<std::optional<GatewayDefinition>> GatewayStore::Find(std::string_view name) const {
  const std::string n(name);
  return First(Load(db_, sealer_, "g.name = :n", n));
}

Result<std::shared_ptr<const GatewayDefinition>> GatewayStore::Lookup(std::string_view name) const {
  auto all = cache_.Get();
  if (!all.ok()) return all.error();
  const auto it = (*all)->find(name);
  if (it == (*all)->end()) return std::shared_ptr<const GatewayDefinition>();
  if (!it->second.ok()) return it->second.error();
  return std::shared_ptr<const GatewayDefinition>(*all, &*it->second);
}

Result<std::optional<GatewayDefinition>> GatewayStore::FindById(std::int64_t id) const {
  const long long gid = id;
  return First(Load(db_, sealer_, "g.id = :id", gid));
}

Result<std::int64_t> GatewayStore::Put(const GatewayDefinition& gateway) {
  if (gateway.name.empty()) return Error(ErrorCode::kInvalidArgument, "an SMS gateway needs a name");
  if (gateway.module.empty()) return Error(ErrorCode::kInvalidArgument, "an SMS gateway needs a module");
  long long id = 0;
  const Status st = sql::RunTransaction(db_, "smsgateway put", [&](soci::session& s) {
    id = UpsertGateway(s, gateway);
    ReplaceOptions(s, id, gateway, sealer_);
    BumpGeneration(s);
  });
  cache_.Changed();
  if (!st.ok()) return st.error();
  return static_cast<std::int64_t>(id);
}

Result<std::optional<std::int64_t>> GatewayStore::Remove(std::string_view name) {
  const std::string n(name);
  std::optional<std::int64_t> removed;
  const Status st = sql::RunTransaction(db_, "smsgateway delete", [&](soci::session& s) {
    removed.reset();
    long long id = 0;
    s << "SELECT CAST(id AS BIGINT) FROM mfa_smsgateway WHERE name = :n", soci::use(n, "n"), soci::into(id);
    if (!s.got_data()) return;
    sql::Exec(s, "DELETE FROM mfa_smsgateway_option WHERE gateway_id = :g", id);
    sql::Exec(s, "DELETE FROM mfa_smsgateway WHERE id = :id", id);
    BumpGeneration(s);
    removed = id;
  });
  cache_.Changed();
  if (!st.ok()) return st.error();
  return removed;
}

Result<std::optional<std::int64_t>> GatewayStore::RemoveOption(std::int64_t id, OptionKind kind,
                                                               std::string_view key) {
  const long long gid = id;
  const std::string type = TypeName(kind), k(key);
  std::optional<std::int64_t> removed;
  const Status st = sql::RunTransaction(db_, "smsgateway option delete", [&](soci::session& s) {
    removed.reset();
    long long row_id = 0;
    s << "SELECT CAST(id AS BIGINT) FROM mfa_smsgateway_option WHERE gateway_id = :g AND option_type = :t "
         "AND option_key = :k",
        soci::use(gid, "g"), soci::use(type, "t"), soci::use(k, "k"), soci::into(row_id);
    if (!s.got_data()) return;
    sql::Exec(s, "DELETE FROM mfa_smsgateway_option WHERE id = :id", row_id);
    BumpGeneration(s);
    removed = row_id;
  });
  cache_.Changed();
  if (!st.ok()) return st.error();
  return removed;
}

Result<std::int64_t> SaveGateway(GatewayStore& store, const SmsProviders& providers,
                                 const GatewayDefinition& gateway) {
  if (providers.Find(gateway.module) == nullptr) {
    std::string known;
    for (const SmsProvider* p : providers.All()) known += (known.empty() ? "" : ", ") + p->Describe().module;
    return Error(ErrorCode::kNotFound,
                 "unknown SMS provider module '" + gateway.module + "' (known modules: " + known + ")");
  }
  return store.Put(gateway);
}

}  // namespace osprey::mfa::sms
