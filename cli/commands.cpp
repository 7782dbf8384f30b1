#include "cli/commands.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/settings.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/auth/auth.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/sms/gateway_store.hpp"
#include "mfa/sms/sms_sender.hpp"
#include "mfa/smtp/smtp_server_store.hpp"
#include "mfa/system/system_config.hpp"
#include "mfa/token/token_store.hpp"
#include "mfa/users/users.hpp"
#include "osprey/core/keyfile.hpp"
#include "osprey/sql/migrations.hpp"
#include "smsgw/accounts/schema.hpp"
#include "smsgw/inbox/migrations.hpp"
#include "smsgw/phonebook/migrations.hpp"
#include "smsgw/queue/migrations.hpp"

namespace osprey::cli {
namespace fs = std::filesystem;

void PrintError(const std::string& message) { std::cerr << "osprey: " << message << std::endl; }

int RunVersion(bool json) {
  if (json) {
    std::cout << nlohmann::json{{"version", OSPREY_VERSION}, {"privacyidea_api", "3.13.3"}}.dump() << "\n";
  } else {
    std::cout << "osprey " << OSPREY_VERSION << " (privacyIDEA 3.13 API, SMSEagle APIv2/APIv1)\n";
  }
  return kExitOk;
}

// Every migration set the binary knows; services append theirs as they arrive.
static std::vector<const sql::MigrationSet*> AllMigrationSets() {
  return {&sql::CoreMigrations(),           &smsgw::accounts::AccountMigrations(),
          &smsgw::queue::QueueMigrations(), &smsgw::phonebook::PhonebookMigrations(),
          &smsgw::inbox::InboxMigrations(), &mfa::system::SystemMigrations(),
          &mfa::policy::PolicyMigrations(), &mfa::users::UsersMigrations(),
          &mfa::token::TokenMigrations(),   &mfa::audit::AuditMigrations(),
          &mfa::auth::AuthMigrations(),     &mfa::smtp::SmtpServerMigrations(),
          &mfa::sms::GatewayMigrations(),   &mfa::sms::SmsMigrations()};
}

Result<nlohmann::json> MigrateAll(sql::Database& db) {
  nlohmann::json applied = nlohmann::json::object();
  for (const auto* set : AllMigrationSets()) {
    auto n = sql::ApplyMigrations(db, *set);
    if (!n.ok()) return n.error();
    auto v = sql::CurrentVersion(db, set->component);
    if (!v.ok()) return v.error();
    applied[set->component] = {{"applied", *n}, {"version", *v}};
  }
  return applied;
}

namespace {

Status WriteNewFile(const fs::path& path, const std::string& text, mode_t mode) {
  std::error_code ec;
  if (fs::exists(path, ec)) return Error(ErrorCode::kAlreadyExists, path.string() + " already exists");
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) return Error(ErrorCode::kUnavailable, "cannot write " + path.string());
  ::chmod(path.c_str(), mode);
  return OkStatus();
}

Status InitDirectory(const fs::path& dir) {
  const fs::path config = dir / "osprey.toml";
  const fs::path db_file = dir / "osprey.db";
  for (const fs::path& p : {config, db_file, dir / "keys" / "master.key", dir / "keys" / "hash.key"}) {
    std::error_code ec;
    if (fs::exists(p, ec)) {
      return Error(ErrorCode::kAlreadyExists, p.string() + " already exists; refusing to overwrite");
    }
  }
  std::error_code ec;
  fs::create_directories(dir / "keys", ec);
  if (ec)
    return Error(ErrorCode::kUnavailable, "cannot create " + (dir / "keys").string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  ::chmod((dir / "keys").c_str(), 0700);
  if (auto s = crypto::GenerateKeyFile((dir / "keys" / "master.key").string()); !s.ok()) return s;
  if (auto s = crypto::GenerateKeyFile((dir / "keys" / "hash.key").string()); !s.ok()) return s;
  std::string text =
      "# Osprey configuration. Every option is listed with its default; uncomment to change.\n"
      "# Relative paths are relative to this file. Environment variables OSPREY_<SECTION>_<KEY> override.\n"
      "# Reference: docs/configuration.md\n\n" +
      config::RenderCommentedToml(OspreySchema(),
                                  {{"database.url", config::TomlString("sqlite://osprey.db")}});
  if (auto s = WriteNewFile(config, text, 0600); !s.ok()) return s;
  auto db = sql::Database::Open("sqlite://" + fs::absolute(db_file).lexically_normal().string());
  if (!db.ok()) return db.error();
  auto migrated = MigrateAll(**db);
  if (!migrated.ok()) return migrated.error();
  ::chmod(db_file.c_str(), 0600);
  return OkStatus();
}

}  // namespace

int RunInit(const std::string& dir, bool json) {
  fs::path d = fs::absolute(fs::path(dir)).lexically_normal();
  if (auto s = InitDirectory(d); !s.ok()) {
    PrintError(s.error().message());
    return kExitFailure;
  }
  std::string config = (d / "osprey.toml").string();
  if (json) {
    std::cout << nlohmann::json{{"dir", d.string()}, {"config", config}}.dump() << "\n";
  } else {
    std::cout << "Created " << d.string() << " (osprey.toml, osprey.db, keys/master.key, keys/hash.key).\n"
              << "Start it with: osprey serve --config " << config << "\n";
  }
  return kExitOk;
}

int RunConfigCheck(const std::string& config_path) {
  auto settings = LoadSettings(config_path);
  if (!settings.ok()) {
    PrintError(settings.error().message());
    return kExitUsage;
  }
  std::cout << config_path << ": ok\n";
  return kExitOk;
}

int RunConfigSchema() {
  std::cout << config::RenderMarkdown(OspreySchema());
  return kExitOk;
}

int RunDbMigrate(const std::string& config_path, bool json) {
  auto settings = LoadSettings(config_path);
  if (!settings.ok()) {
    PrintError(settings.error().message());
    return kExitUsage;
  }
  auto db = sql::Database::Open(settings->database_url, settings->database);
  if (!db.ok()) {
    PrintError(db.error().message());
    return kExitFailure;
  }
  auto migrated = MigrateAll(**db);
  if (!migrated.ok()) {
    PrintError(migrated.error().message());
    return kExitFailure;
  }
  if (json) {
    std::cout << migrated->dump() << "\n";
  } else {
    for (const auto& [component, r] : migrated->items()) {
      std::cout << fmt::format("{}: applied {} migration(s), now at version {}\n", component,
                               r["applied"].get<int>(), r["version"].get<int>());
    }
  }
  return kExitOk;
}

}  // namespace osprey::cli
