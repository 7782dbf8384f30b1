#include "cli/mfa_commands.hpp"

namespace osprey::cli {

void AddMfaCommands(CLI::App& app, std::string& config_path, int& code) {
  auto* mfa = app.add_subcommand("mfa", "MFA server administration: admins, users, realms, tokens, config");
  mfa->require_subcommand(1);
  AddMfaAdminCommands(*mfa, config_path, code);
  AddMfaUserCommands(*mfa, config_path, code);
  AddMfaTokenCommands(*mfa, config_path, code);
  AddMfaConfigCommands(*mfa, config_path, code);
  AddMfaSmsGatewayCommands(*mfa, config_path, code);
  AddAuditCommands(app, config_path, code);
}

}  // namespace osprey::cli
