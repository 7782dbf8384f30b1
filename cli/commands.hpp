// The `osprey` subcommands. Each returns the process exit code: 0 success, 1 the action failed (the reason is
// printed as one line on stderr), 2 bad usage.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int RunVersion(bool json);
// Creates `dir` with osprey.toml, keys/master.key, keys/hash.key (0600) and a migrated SQLite database.
// Refuses (exit 1) when any of them exists.
int RunInit(const std::string& dir, bool json);
// Runs the enabled services until SIGTERM or SIGINT.
int RunServe(const std::string& config_path);
// Applies pending schema migrations and reports what was applied.
int RunDbMigrate(const std::string& config_path, bool json);

// Validates the config file; prints "ok" or the first problem (exit 2).
int RunConfigCheck(const std::string& config_path);
// Prints the option table (the source of docs/configuration.md).
int RunConfigSchema();

// Applies every component's pending migrations; returns {component: {"applied": n, "version": v}}.
Result<nlohmann::json> MigrateAll(sql::Database& db);

// Prints "osprey: <message>" on stderr (one line).
void PrintError(const std::string& message);

}  // namespace osprey::cli
