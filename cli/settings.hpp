// Osprey's configuration schema and the typed settings read from it. Every option is declared once here;
// docs/configuration.md is checked against this list by settings_test.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "osprey/core/config.hpp"
#include "osprey/core/logging.hpp"
#include "osprey/http/server.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::cli {

const config::Schema& OspreySchema();

struct ServiceSettings {
  bool enabled = true;
  http::ListenerOptions listener;
};

// The [gateway] options beyond the listener (docs/configuration.md).
struct GatewaySettings {
  std::string modem_driver = "loopback";
  int modem_count = 1;
  std::map<std::string, std::string> modem_params;  // *_file values resolved against the config directory
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
};

// Loads and validates `path` with OSPREY_* overrides. Errors name the key and the file.
Result<Settings> LoadSettings(const std::string& path);

// Parses "host:port", "[v6]:port" or ":port" (all interfaces). kInvalidArgument names `key`.
Result<http::ListenerOptions> ParseListen(const std::string& key, const std::string& value);

// The default config path: $OSPREY_CONFIG, else "osprey-data/osprey.toml".
std::string DefaultConfigPath();

}  // namespace osprey::cli
