// SystemConfig: the mfa_config table behind an in-memory snapshot. Password-type values are sealed with the
// key name as associated data, so a sealed value copied to another key does not open there.
#include "mfa/system/system_config.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <utility>

#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::system {
namespace {

constexpr const char* kTimestampKey = "__timestamp__";
constexpr const char* kPasswordType = "password";
constexpr const char* kSealedShown = "__sealed__";

struct Default {
  std::string_view key;
  std::string_view value;
};

// §4's defaults for keys never stored. Booleans are spelled as privacyIDEA's str(True) / str(False).
constexpr std::array<Default, 20> kDefaults{{
    {"PrependPin", "True"},
    {"splitAtSign", "True"},
    {"IncFailCountOnFalsePin", "True"},
    {"ReturnSamlAttributes", "True"},
    {"ReturnSamlAttributesOnFail", "False"},
    {"ResetFailcounterOnPIN", "False"},
    {"failcounter_clear_timeout", "0"},
    {"AutoResync", "False"},
    {"AutoResyncTimeout", "300"},
    {"DefaultChallengeValidityTime", "120"},
    {"hotp.hashlib", "sha1"},
    {"totp.hashlib", "sha1"},
    {"totp.timeStep", "30"},
    {"totp.timeWindow", "180"},
    {"sms.providerTimeout", "300"},
    {"sms.concurrent_challenges", "False"},
    {"DefaultOtpLen", "6"},
    {"DefaultCountWindow", "10"},
    {"DefaultMaxFailCount", "10"},
    {"DefaultSyncWindow", "1000"},
}};
// Not in kDefaults because §4 gives it no value, but a boolean read of it is false like any unset key.
constexpr std::array<std::string_view, 4> kShownAsTrue{"PrependPin", "splitAtSign", "IncFailCountOnFalsePin",
                                                       "ReturnSamlAttributes"};
constexpr std::array<std::string_view, 5> kDefaultNames{"DefaultMaxFailCount", "DefaultSyncWindow",
                                                        "DefaultCountWindow", "DefaultOtpLen",
                                                        "DefaultResetFailCount"};

std::optional<std::string_view> DefaultOf(std::string_view key) {
  for (const auto& d : kDefaults) {
    if (d.key == key) return d.value;
  }
  return std::nullopt;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Python int(float(text)) semantics for the values config keys hold: "10", " 10 ", "1.9" → 1; else nullopt.
std::optional<std::int64_t> ParseInt(std::string_view text) {
  const std::string s(Trim(text));
  if (s.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used == s.size()) return v;
    const double d = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(d) || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(d);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::int64_t EpochSeconds(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

}  // namespace

bool IsTrue(std::string_view value) {
  return value == "1" || value == "true" || value == "True" || value == "TRUE";
}

bool ConfigIsTrue(std::string_view value) {
  const std::string lower = Lower(value);
  return lower == "1" || lower == "true";
}

const sql::MigrationSet& SystemMigrations() {
  static const sql::MigrationSet set{
      "mfa_system",
      {{1, "config key/value table",
        "CREATE TABLE mfa_config (\n"
        "  name {{text}} PRIMARY KEY,\n"
        "  value {{text}} NOT NULL,\n"
        "  type {{text}} NOT NULL DEFAULT '',\n"
        "  description {{text}} NOT NULL DEFAULT ''\n"
        ")"}},
  };
  return set;
}

std::optional<std::string> CanonicalDefaultName(std::string_view name) {
  const std::string lower = Lower(name);
  for (std::string_view canonical : kDefaultNames) {
    if (Lower(canonical) == lower) return std::string(canonical);
  }
  return std::nullopt;
}

struct SystemConfig::Snapshot {
  std::map<std::string, ConfigItem, std::less<>> items;  // password values opened
  std::string timestamp;                                 // "" when __timestamp__ was never written
  std::int64_t loaded_at = 0;                            // epoch seconds of the load
  std::uint64_t generation = 0;                          // local writes seen by this load
  bool loaded = true;                                    // false: the database did not answer (empty)
};

SystemConfig::SystemConfig(sql::Database& db, const Clock& clock, const crypto::Sealer& sealer,
                           SystemConfigOptions options)
    : db_(db), clock_(clock), sealer_(sealer), options_(options) {}

SystemConfig::~SystemConfig() = default;

namespace {

// Reads the whole table; opens sealed values (a value that does not open is kept out of the snapshot and
// logged by key name only).
std::map<std::string, ConfigItem, std::less<>> LoadItems(soci::session& s, const crypto::Sealer& sealer,
                                                         std::string& timestamp) {
  std::map<std::string, ConfigItem, std::less<>> items;
  soci::rowset<soci::row> rows = (s.prepare << "SELECT name, value, type, description FROM mfa_config");
  for (const soci::row& row : rows) {
    std::string key = sql::Text(row, 0);
    ConfigItem item{sql::Text(row, 1), sql::Text(row, 2), sql::Text(row, 3)};
    if (key == kTimestampKey) timestamp = item.value;
    if (item.type == kPasswordType) {
      auto opened = sealer.Open(item.value, key);
      if (!opened.ok()) {
        spdlog::warn("mfa config: the sealed value of '{}' cannot be opened: {}", key,
                     ErrorCodeName(opened.error().code()));
        continue;
      }
      item.value = std::string(opened->view());
    }
    items.emplace(std::move(key), std::move(item));
  }
  return items;
}

std::optional<std::string> ReadTimestamp(soci::session& s) {
  std::string value;
  soci::indicator ind = soci::i_null;
  s << "SELECT value FROM mfa_config WHERE name = '__timestamp__'", soci::into(value, ind);
  if (!s.got_data() || ind != soci::i_ok) return std::nullopt;
  return value;
}

}  // namespace

std::shared_ptr<const SystemConfig::Snapshot> SystemConfig::Current() const {
  std::shared_ptr<const Snapshot> snap;
  bool check = false;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    snap = snapshot_;
    generation = generation_;
    const auto now = clock_.Now();
    if (snap != nullptr && now - checked_at_ >= options_.reload_interval) {
      checked_at_ = now;  // one thread checks; the others keep using the snapshot meanwhile
      check = true;
    }
  }
  if (snap != nullptr && !check) return snap;
  if (snap != nullptr) {
    // Another process may have written. The timestamp has one-second resolution, so a snapshot loaded in
    // the second of the last change is re-read until a later second: a write in that same second would
    // not move the timestamp.
    std::optional<std::string> stamp;
    const Status read =
        sql::RunRead(db_, "config check", [&](soci::session& s) { stamp = ReadTimestamp(s); });
    if (!read.ok()) return snap;  // keep serving the last good snapshot while the database is away
    const std::string current = stamp.value_or("");
    const auto stamp_seconds = ParseInt(current).value_or(0);
    if (current == snap->timestamp && stamp_seconds < snap->loaded_at) return snap;
  }
  auto fresh = std::make_shared<Snapshot>();
  fresh->loaded_at = EpochSeconds(clock_);
  fresh->generation = generation;
  const Status load = sql::RunRead(
      db_, "config load", [&](soci::session& s) { fresh->items = LoadItems(s, sealer_, fresh->timestamp); });
  if (!load.ok()) {
    spdlog::error("mfa config: cannot load the configuration: {}", load.error().ToString());
    if (snap != nullptr) return snap;
    fresh->loaded = false;  // empty: reads get the defaults until the database answers
    return fresh;
  }
  std::lock_guard lock(mu_);
  // A local write since this load started makes it stale: install it only if none happened.
  if (generation_ == generation) {
    snapshot_ = fresh;
    checked_at_ = clock_.Now();
  }
  return fresh;
}

void SystemConfig::Invalidate() const {
  std::lock_guard lock(mu_);
  snapshot_.reset();
  ++generation_;
}

std::optional<std::string> SystemConfig::Get(std::string_view key) const {
  const auto snap = Current();
  const auto it = snap->items.find(key);
  if (it == snap->items.end()) return std::nullopt;
  return it->second.value;
}

std::string SystemConfig::GetOr(std::string_view key, std::string_view fallback) const {
  if (auto v = Get(key)) return *v;
  if (auto d = DefaultOf(key)) return std::string(*d);
  return std::string(fallback);
}

bool SystemConfig::GetBool(std::string_view key, bool fallback) const {
  if (auto v = Get(key)) return ConfigIsTrue(*v);
  if (auto d = DefaultOf(key)) return ConfigIsTrue(*d);
  return fallback;
}

std::int64_t SystemConfig::GetInt(std::string_view key, std::int64_t fallback) const {
  if (auto v = Get(key)) {
    if (auto n = ParseInt(*v)) return *n;
  }
  if (auto d = DefaultOf(key)) {
    if (auto n = ParseInt(*d)) return *n;
  }
  return fallback;
}

Result<std::map<std::string, ConfigItem>> SystemConfig::Items() const {
  const auto snap = Current();
  if (!snap->loaded)
    return Error(ErrorCode::kUnavailable, "the configuration cannot be read from the database");
  return std::map<std::string, ConfigItem>(snap->items.begin(), snap->items.end());
}

Result<std::map<std::string, std::string>> SystemConfig::All() const {
  auto items = Items();
  if (!items.ok()) return items.error();
  std::map<std::string, std::string> out;
  for (const auto& [key, item] : *items) out[key] = item.type == kPasswordType ? kSealedShown : item.value;
  for (std::string_view key : kShownAsTrue) out.try_emplace(std::string(key), "True");
  out.try_emplace(kTimestampKey, "0");
  return out;
}

Status SystemConfig::Touch(soci::session& s) {
  const std::string now = std::to_string(EpochSeconds(clock_));
  s << "INSERT INTO mfa_config (name, value, type, description) VALUES ('__timestamp__', :v, '', '') "
       "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      soci::use(now, "v");
  return OkStatus();
}

Result<std::string> SystemConfig::Set(std::string_view key, std::string_view value,
                                      std::optional<std::string> type,
                                      std::optional<std::string> description) {
  if (key.empty()) return Error(ErrorCode::kInvalidArgument, "empty config key");
  const std::string name(key);
  std::string outcome;
  const Status status = sql::RunTransaction(db_, "config set", [&](soci::session& s) {
    std::string old_type, old_desc;
    soci::indicator ti = soci::i_null, di = soci::i_null;
    s << "SELECT type, description FROM mfa_config WHERE name = :n", soci::use(name, "n"),
        soci::into(old_type, ti), soci::into(old_desc, di);
    const bool exists = s.got_data();
    const std::string new_type = type.value_or(exists ? old_type : "");
    const std::string new_desc = description.value_or(exists ? old_desc : "");
    const std::string stored = new_type == kPasswordType ? sealer_.Seal(value, name) : std::string(value);
    if (exists) {
      s << "UPDATE mfa_config SET value = :v, type = :t, description = :d WHERE name = :n",
          soci::use(stored, "v"), soci::use(new_type, "t"), soci::use(new_desc, "d"), soci::use(name, "n");
    } else {
      s << "INSERT INTO mfa_config (name, value, type, description) VALUES (:n, :v, :t, :d)",
          soci::use(name, "n"), soci::use(stored, "v"), soci::use(new_type, "t"), soci::use(new_desc, "d");
    }
    if (name != kTimestampKey) (void)Touch(s);
    outcome = exists ? "update" : "insert";
  });
  Invalidate();
  if (!status.ok()) return status.error();
  return outcome;
}

Result<bool> SystemConfig::Delete(std::string_view key) {
  const std::string name(key);
  bool existed = false;
  const Status status = sql::RunTransaction(db_, "config delete", [&](soci::session& s) {
    int count = 0;
    s << "SELECT COUNT(*) FROM mfa_config WHERE name = :n", soci::use(name, "n"), soci::into(count);
    existed = count > 0;
    if (!existed) return;
    s << "DELETE FROM mfa_config WHERE name = :n", soci::use(name, "n");
    (void)Touch(s);
  });
  Invalidate();
  if (!status.ok()) return status.error();
  return existed;
}

}  // namespace osprey::mfa::system
