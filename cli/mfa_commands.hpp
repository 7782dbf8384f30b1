// `osprey mfa …` and `osprey audit …`: administration of the MFA server from the command line. Each function
// adds its subcommands under `mfa` (the `osprey mfa` group) or `app`; the chosen command stores its exit code
// in `code`; `config_path` is shared with the other subcommands' --config option. Commands open the database
// through OpenMfaCliContext (cli/mfa_runtime.hpp), print results as text (or JSON with --json), and exit 0 /
// 1 (failed, reason on stderr) / 2 (bad usage), like the gateway commands.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace osprey::cli {

// The `mfa` group itself (calls the ones below).
void AddMfaCommands(CLI::App& app, std::string& config_path, int& code);

void AddMfaAdminCommands(CLI::App& mfa, std::string& config_path,
                         int& code);  // mfa admin add|list|remove|password
void AddMfaUserCommands(CLI::App& mfa, std::string& config_path, int& code);    // mfa user|resolver|realm ...
void AddMfaTokenCommands(CLI::App& mfa, std::string& config_path, int& code);   // mfa token ...
void AddMfaConfigCommands(CLI::App& mfa, std::string& config_path, int& code);  // mfa config|policy ...
void AddMfaSmsGatewayCommands(CLI::App& mfa, std::string& config_path, int& code);  // mfa smsgateway ...
void AddAuditCommands(CLI::App& app, std::string& config_path, int& code);  // audit verify|rotate|list

}  // namespace osprey::cli
