// GatewayStore: the SMS gateway definitions of /smsgateway (spec privacyidea-api.md §12), component
// "mfa_smsgateway" of the database. Option and header values whose key suggests a secret (PASSWORD, SECRET,
// TOKEN, KEY, access-token, Authorization, ...; see IsSecretKey) are sealed under the master key at rest,
// with
// "<gateway name>/<option|header>/<key>" as associated data, and opened on read: callers only see plain text.
//
// Sending an SMS reads its gateway through Lookup(), from an in-memory copy of all definitions
// (sql::CachedTables): every write bumps a generation row (mfa_smsgateway_state) in its transaction, so a
// change through this object is seen at once, one by another process (the CLI) at most `reload_interval`
// later. List, Find and FindById (the API and the CLI) read the tables.
//
// Errors: kUnavailable/kInternal (database), kCorrupted (a sealed value that does not open); messages never
// contain option or header values.
// Ownership: refers to db, sealer and clock. Thread rule: any thread, any member.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/sms/sms_provider.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/sealer.hpp"
#include "osprey/sql/cached_tables.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::sms {

const sql::MigrationSet& GatewayMigrations();

// True for option/header keys whose values are sealed at rest (case-insensitive substring match).
bool IsSecretKey(std::string_view key);

enum class OptionKind { kOption, kHeader };

struct GatewayStoreOptions {
  std::chrono::milliseconds reload_interval{1000};
};

class GatewayStore {
 public:
  // The in-memory copy: each definition by name, or the error of one whose sealed value does not open.
  using ByName = std::map<std::string, Result<GatewayDefinition>, std::less<>>;

  GatewayStore(sql::Database& db, const crypto::Sealer& sealer, const Clock& clock,
               GatewayStoreOptions options = {});

  // All gateways, ordered by id.
  Result<std::vector<GatewayDefinition>> List() const;
  // By name (exact), or nullopt.
  Result<std::optional<GatewayDefinition>> Find(std::string_view name) const;
  // By id, or nullopt.
  Result<std::optional<GatewayDefinition>> FindById(std::int64_t id) const;
  // By name (exact), from the in-memory copy: nullptr when there is none. For sending.
  Result<std::shared_ptr<const GatewayDefinition>> Lookup(std::string_view name) const;
  // Creates the gateway, or updates the one of that name: module and description are overwritten and the
  // option and header sets are replaced wholesale (§12). Returns the gateway id. Order, as privacyIDEA's
  // set_smsgateway: a key that stays keeps its row and place; new keys follow in the given order.
  // Reads return options and headers in row order.
  Result<std::int64_t> Put(const GatewayDefinition& gateway);
  // Deletes the gateway of that name with its options; returns its id, or nullopt when there is none.
  Result<std::optional<std::int64_t>> Remove(std::string_view name);
  // Deletes one option or header of gateway `id`; returns the deleted row's id, or nullopt when that key is
  // not stored under that kind.
  Result<std::optional<std::int64_t>> RemoveOption(std::int64_t id, OptionKind kind, std::string_view key);

 private:
  sql::Database& db_;
  const crypto::Sealer& sealer_;
  sql::CachedTables<ByName> cache_;
};

// POST /smsgateway and `osprey mfa smsgateway set`: store.Put(gateway) once its module names a provider in
// `providers`. kNotFound, naming the module and listing the known ones, when it does not (nothing is stored);
// otherwise Put's result.
Result<std::int64_t> SaveGateway(GatewayStore& store, const SmsProviders& providers,
                                 const GatewayDefinition& gateway);

}  // namespace osprey::mfa::sms
