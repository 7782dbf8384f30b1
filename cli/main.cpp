// The `osprey` binary: command-line parsing and dispatch to the subcommands. Built-in extension types are
// registered here as the services grow (token types, SMS providers, resolvers, modem drivers).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/gateway_commands.hpp"
#include "cli/mfa_commands.hpp"
#include "cli/modem_emulator_command.hpp"
#include "cli/modem_worker_command.hpp"
#include "cli/settings.hpp"

namespace {

using namespace osprey::cli;

int Dispatch(int argc, char** argv) {
  CLI::App app{"Osprey: offline MFA server (privacyIDEA API) and SMS gateway (SMSEagle API)", "osprey"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");

  bool json = false;
  std::string dir = "osprey-data";
  std::string config_path = DefaultConfigPath();
  int code = kExitOk;

  auto* version = app.add_subcommand("version", "Print the version");
  version->add_flag("--json", json, "Machine-readable output");
  version->callback([&] { code = RunVersion(json); });

  auto* init = app.add_subcommand("init", "Create a data directory: config, keys and database");
  init->add_option("--dir", dir, "Directory to create")->capture_default_str();
  init->add_flag("--json", json, "Machine-readable output");
  init->callback([&] { code = RunInit(dir, json); });

  auto* serve = app.add_subcommand("serve", "Run the enabled services until SIGTERM/SIGINT");
  serve->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  serve->callback([&] { code = RunServe(config_path); });

  auto* db = app.add_subcommand("db", "Database administration");
  db->require_subcommand(1);
  auto* migrate = db->add_subcommand("migrate", "Apply pending schema migrations");
  migrate->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  migrate->add_flag("--json", json, "Machine-readable output");
  migrate->callback([&] { code = RunDbMigrate(config_path, json); });

  auto* cfg = app.add_subcommand("config", "Configuration helpers");
  cfg->require_subcommand(1);
  auto* check = cfg->add_subcommand("check", "Validate a config file (with OSPREY_* overrides)");
  check->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  check->callback([&] { code = RunConfigCheck(config_path); });
  auto* schema = cfg->add_subcommand("schema", "Print every option with its default as a Markdown table");
  schema->callback([&] { code = RunConfigSchema(); });

  AddGatewayCommands(app, config_path, code);
  AddMfaCommands(app, config_path, code);
  AddModemWorkerCommand(app, code);
  AddModemEmulatorCommands(app, code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    if (msg.empty()) msg = "missing subcommand";
    PrintError(msg + " (see 'osprey --help')");
    return kExitUsage;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Dispatch(argc, argv);
  } catch (const std::exception& e) {
    PrintError(std::string("fatal: ") + e.what());
    return kExitFailure;
  }
}
