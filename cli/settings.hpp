// Osprey's configuration schema and the typed settings read from it. Every option is declared once here;
// docs/configuration.md is checked against this list by settings_test.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "osprey/core/config.hpp"
#include "osprey/core/logging.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/http/server.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::cli {

const config::Schema& OspreySchema();

struct ServiceSettings {
  bool enabled = true;
  http::ListenerOptions listener;
};

// One modem: a [[gateway.modem]] entry, or one of the gateway.modem_count legacy modems.
struct ModemSettings {
  int number = 1;                             // 1..8, as the API and `modem_no` use it
  std::string driver = "gammu";               // registered ModemDriver type
  std::map<std::string, std::string> params;  // the driver's parameters (gammu: device, connection, ...)
  double parts_per_minute = 0;                // per-modem send rate limit; 0 = unlimited
  bool enabled = true;                        // the PUT /modem/status switch at start-up
};

// The [gateway] options beyond the listener (docs/configuration.md).
struct GatewaySettings {
  // Every configured modem, by number: the [[gateway.modem]] entries when there are any, else
  // gateway.modem_count modems of gateway.modem_driver with gateway.modem_options.
  std::vector<ModemSettings> modems;
  std::chrono::milliseconds failover_after{60000};
  std::size_t max_parts = 10;
  bool delivery_reports = true;
  int max_retries = 3;
  std::vector<std::chrono::seconds> retry_backoff;
  bool resend_ambiguous = true;
  std::chrono::milliseconds lease{60000};
  std::chrono::milliseconds auth_cache{1000};
  std::chrono::microseconds group_commit_delay{200};
  double rate_limit = 0;  // requests per second per user; 0 = unlimited
  int rate_limit_burst = 20;
  bool group_commit = true;
  // Received-SMS notifications (smsgw/inbox/notifier.hpp); empty URLs = none.
  std::string callback_url;
  std::string callback_method = "POST";           // "GET" or "POST"
  std::shared_ptr<const Secret> callback_apikey;  // never null after LoadSettings; may be empty
  std::chrono::seconds callback_retry_interval{120};
  bool callback_verify_tls = true;
  std::string webhook_url;
};

// The [mfa] options beyond the listener (docs/configuration.md).
struct MfaSettings {
  // Audit retention (mfa/audit/audit_log.hpp); 0 = no limit of that kind.
  std::int64_t audit_max_age_days = 0;
  std::int64_t audit_max_rows = 0;
  std::chrono::seconds audit_rotate_interval{3600};  // how often `serve` applies the retention
  std::int64_t audit_rotate_batch = 10000;
  // Validation writes (counter + audit entry) of concurrent requests committed together.
  bool group_commit = true;
  std::chrono::microseconds group_commit_delay{200};
  std::string sms_script_dir = "/etc/osprey/scripts";  // ScriptSMSProvider's scripts
};

struct Settings {
  std::string config_path;
  std::string database_url;  // relative SQLite paths already resolved against the config directory
  sql::DatabaseOptions database;
  std::string master_key_file;
  std::string hash_key_file;
  logging::LogOptions log;
  http::ServerOptions http;
  ServiceSettings mfa;
  ServiceSettings gateway;
  GatewaySettings gateway_options;
  MfaSettings mfa_options;
};

// Loads and validates `path` with OSPREY_* overrides. Errors name the key and the file.
Result<Settings> LoadSettings(const std::string& path);

// Parses "host:port", "[v6]:port" or ":port" (all interfaces). kInvalidArgument names `key`.
Result<http::ListenerOptions> ParseListen(const std::string& key, const std::string& value);

// The default config path: $OSPREY_CONFIG, else "osprey-data/osprey.toml".
std::string DefaultConfigPath();

}  // namespace osprey::cli
