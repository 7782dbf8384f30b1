// SystemConfig: privacyIDEA's system configuration (spec privacyidea-api.md §4): string key/value pairs with
// an optional type ("password" values are sealed at rest) and description, plus the defaults of §4 for keys
// never stored. Backs /system/setConfig, /system/setDefault, GET /system/ and DELETE /system/<key>.
//
// Reads are served from an in-memory snapshot (the /validate hot path reads several keys per request). The
// snapshot is replaced after every write through this object and re-read when another process (the CLI) has
// changed the table: at most `reload_interval` after such a change, a cheap check of `__timestamp__`.
//
// Errors: kUnavailable / kInternal from the database (messages never hold values of password-type keys).
// Ownership: refers to db, clock and sealer, which must outlive it.
// Thread rule: any number of threads may call any member.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/sealer.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::system {

// privacyIDEA's is_true (§1.6): true iff "1", "true", "True" or "TRUE". ("yes", "on" are false.)
bool IsTrue(std::string_view value);
// The config-read variant: lower-cases first, then "1" or "true".
bool ConfigIsTrue(std::string_view value);

// Tables of this module (component "mfa_system").
const sql::MigrationSet& SystemMigrations();

struct ConfigItem {
  std::string value;        // for type "password": the opened plaintext (never log it)
  std::string type;         // "" or e.g. "password", "public"
  std::string description;  // "" when none
};

struct SystemConfigOptions {
  std::chrono::milliseconds reload_interval{1000};
};

class SystemConfig {
 public:
  SystemConfig(sql::Database& db, const Clock& clock, const crypto::Sealer& sealer,
               SystemConfigOptions options = {});
  SystemConfig(const SystemConfig&) = delete;
  SystemConfig& operator=(const SystemConfig&) = delete;
  ~SystemConfig();

  // The stored value of `key`, or nullopt when never stored (no defaults applied).
  std::optional<std::string> Get(std::string_view key) const;
  // The stored value, else the §4 default when the key has one, else `fallback`.
  std::string GetOr(std::string_view key, std::string_view fallback) const;
  // ConfigIsTrue of the stored value; unset → the §4 default (PrependPin, splitAtSign,
  // IncFailCountOnFalsePin, ReturnSamlAttributes true; others false) or `fallback` for keys §4 does not list.
  bool GetBool(std::string_view key, bool fallback = false) const;
  // The stored value as an integer (leading/trailing blanks allowed; a float is truncated); unset or not a
  // number → the §4 default when there is one, else `fallback`.
  std::int64_t GetInt(std::string_view key, std::int64_t fallback) const;

  // Everything GET /system/ shows: every stored key (password-type values as stored, i.e. sealed text is NOT
  // shown: privacyIDEA shows the encrypted value; Osprey shows "__sealed__" [choice]), "__timestamp__", and
  // the four default-true keys as "True" when never stored.
  Result<std::map<std::string, std::string>> All() const;
  // The full items, for the CLI and for providers that need types.
  Result<std::map<std::string, ConfigItem>> Items() const;

  // Stores `value` under `key`; returns "insert" or "update". type "password" seals the value.
  // `description`/`type` nullopt leave a stored one unchanged.
  Result<std::string> Set(std::string_view key, std::string_view value, std::optional<std::string> type = {},
                          std::optional<std::string> description = {});
  // True when the key was stored and is now deleted, false when it was not stored.
  Result<bool> Delete(std::string_view key);

  // Drops the snapshot so the next read loads the table (tests; after a restore).
  void Invalidate() const;

 private:
  struct Snapshot;
  std::shared_ptr<const Snapshot> Current() const;
  Status Touch(soci::session& s);

  sql::Database& db_;
  const Clock& clock_;
  const crypto::Sealer& sealer_;
  const SystemConfigOptions options_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Snapshot> snapshot_;  // GUARDED_BY(mu_)
  mutable Clock::TimePoint checked_at_{};             // GUARDED_BY(mu_)
  mutable std::uint64_t generation_ = 0;              // GUARDED_BY(mu_): local writes so far
};

// The five names /system/setDefault accepts, matched case-insensitively (§4):
// DefaultMaxFailCount, DefaultSyncWindow, DefaultCountWindow, DefaultOtpLen, DefaultResetFailCount.
// Returns the canonical spelling, or nullopt.
std::optional<std::string> CanonicalDefaultName(std::string_view name);

}  // namespace osprey::mfa::system
