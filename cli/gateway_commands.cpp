#include "cli/gateway_commands.hpp"

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/account_context.hpp"
#include "cli/commands.hpp"
#include "cli/phonebook_commands.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "smsgw/accounts/account_store.hpp"

namespace osprey::cli {
namespace {

using smsgw::accounts::AccountStore;
using smsgw::accounts::User;

nlohmann::json UserJson(const User& u) {
  nlohmann::json perms = nlohmann::json::array();
  for (auto p : u.permissions) perms.push_back(std::string(smsgw::accounts::PermissionName(p)));
  return {{"id", u.id},
          {"username", u.username},
          {"access_level", std::string(smsgw::accounts::AccessLevelName(u.access_level))},
          {"apiv1_enabled", u.flags.apiv1_enabled},
          {"apiv2_enabled", u.flags.apiv2_enabled},
          {"password_access", u.flags.password_access},
          {"all_resources", u.flags.all_resources},
          {"has_password", u.has_password},
          {"has_apiv1_token", u.has_apiv1_token},
          {"has_apiv2_token", u.has_apiv2_token},
          {"permissions", perms}};
}

void PrintUser(const User& u, bool json) {
  nlohmann::json j = UserJson(u);
  if (json) {
    std::cout << j.dump() << "\n";
    return;
  }
  std::string perms;
  for (const auto& p : j["permissions"]) perms += (perms.empty() ? "" : ",") + p.get<std::string>();
  std::cout << u.username << "  level=" << j["access_level"].get<std::string>()
            << " apiv1=" << u.flags.apiv1_enabled << " apiv2=" << u.flags.apiv2_enabled
            << " password_access=" << u.flags.password_access << " all_resources=" << u.flags.all_resources
            << " permissions=" << (perms.empty() ? "-" : perms) << "\n";
}

// Runs `action` against an opened store; maps errors to exit codes (usage errors → 2, others → 1).
int WithStore(const std::string& config_path, const std::function<Status(AccountStore&)>& action) {
  AccountContext ctx;
  if (Status opened = OpenAccountContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  return ExitCodeFor(action(*ctx.store));
}

// Reads a password from standard input (one line), so it never appears in the process list.
std::optional<Secret> ReadPasswordFromStdin() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  Secret s(line);
  std::fill(line.begin(), line.end(), '\0');
  return s;
}

struct UserOptions {
  std::string username;
  std::string level;
  std::optional<bool> apiv1, apiv2, password_access, all_resources;
  bool password_stdin = false;
  bool clear_password = false;
  bool json = false;
};

Status AddUser(AccountStore& store, const UserOptions& o) {
  auto level = smsgw::accounts::ParseAccessLevel(o.level.empty() ? "user" : o.level);
  if (!level.ok()) return level.error();
  smsgw::accounts::UserFlags flags;
  flags.apiv1_enabled = o.apiv1.value_or(false);
  flags.apiv2_enabled = o.apiv2.value_or(true);
  flags.password_access = o.password_access.value_or(false);
  flags.all_resources = o.all_resources.value_or(false);
  std::optional<Secret> password;
  if (o.password_stdin) password = ReadPasswordFromStdin();
  auto user = store.AddUser(o.username, *level, flags, password);
  if (!user.ok()) return user.error();
  PrintUser(*user, o.json);
  return OkStatus();
}

Status SetUser(AccountStore& store, const UserOptions& o) {
  smsgw::accounts::UserChanges changes;
  if (!o.level.empty()) {
    auto level = smsgw::accounts::ParseAccessLevel(o.level);
    if (!level.ok()) return level.error();
    changes.access_level = *level;
  }
  changes.apiv1_enabled = o.apiv1;
  changes.apiv2_enabled = o.apiv2;
  changes.password_access = o.password_access;
  changes.all_resources = o.all_resources;
  if (o.password_stdin) changes.password = ReadPasswordFromStdin();
  changes.clear_password = o.clear_password;
  auto user = store.SetUser(o.username, changes);
  if (!user.ok()) return user.error();
  PrintUser(*user, o.json);
  return OkStatus();
}

void AddFlagOptions(CLI::App* cmd, UserOptions& o) {
  cmd->add_option("--level", o.level, "Access level: user or admin");
  cmd->add_option("--apiv1", o.apiv1, "APIv1 access (true/false)");
  cmd->add_option("--apiv2", o.apiv2, "APIv2 access (true/false)");
  cmd->add_option("--password-access", o.password_access, "APIv1 login+password allowed (true/false)");
  cmd->add_option("--all-resources", o.all_resources, "Access to resources of all users (true/false)");
  cmd->add_flag("--password-stdin", o.password_stdin, "Read the APIv1 password from standard input");
  cmd->add_flag("--json", o.json, "Machine-readable output");
}

void AddUserCommands(CLI::App* gateway, std::string& config_path, int& code) {
  auto* user = gateway->add_subcommand("user", "Gateway API users");
  user->require_subcommand(1);
  auto opts = std::make_shared<UserOptions>();

  auto* add = user->add_subcommand("add", "Create a user (APIv2 on by default, no permissions)");
  add->add_option("username", opts->username, "User name")->required();
  AddFlagOptions(add, *opts);
  add->callback(
      [&, opts] { code = WithStore(config_path, [&](AccountStore& s) { return AddUser(s, *opts); }); });

  auto* set = user->add_subcommand("set", "Change a user's level, API access or password");
  set->add_option("username", opts->username, "User name")->required();
  AddFlagOptions(set, *opts);
  set->add_flag("--clear-password", opts->clear_password, "Remove the APIv1 password");
  set->callback(
      [&, opts] { code = WithStore(config_path, [&](AccountStore& s) { return SetUser(s, *opts); }); });

  auto* list = user->add_subcommand("list", "List users");
  list->add_flag("--json", opts->json, "Machine-readable output (one JSON array)");
  list->callback([&, opts] {
    code = WithStore(config_path, [&](AccountStore& s) -> Status {
      auto users = s.ListUsers();
      if (!users.ok()) return users.error();
      nlohmann::json all = nlohmann::json::array();
      for (const auto& u : *users) opts->json ? all.push_back(UserJson(u)) : PrintUser(u, false);
      if (opts->json) std::cout << all.dump() << "\n";
      return OkStatus();
    });
  });

  auto* remove = user->add_subcommand("remove", "Delete a user, its tokens and permissions");
  remove->add_option("username", opts->username, "User name")->required();
  remove->callback([&, opts] {
    code = WithStore(config_path, [&](AccountStore& s) { return s.RemoveUser(opts->username); });
  });
}

struct TokenOptions {
  std::string username;
  std::string kind = "apiv2";
  std::vector<std::string> grant, revoke;
  bool json = false;
};

void AddTokenCommands(CLI::App* gateway, std::string& config_path, int& code) {
  auto* token = gateway->add_subcommand("token", "API tokens and permissions");
  token->require_subcommand(1);
  auto o = std::make_shared<TokenOptions>();

  auto* gen =
      token->add_subcommand("generate", "Generate a new token (revokes the previous one); shown once");
  gen->add_option("username", o->username, "User name")->required();
  gen->add_option("--kind", o->kind, "apiv2 or apiv1")->capture_default_str();
  gen->add_flag("--json", o->json, "Machine-readable output");
  gen->callback([&, o] {
    code = WithStore(config_path, [&](AccountStore& s) -> Status {
      auto kind = smsgw::accounts::ParseTokenKind(o->kind);
      if (!kind.ok()) return kind.error();
      auto t = s.GenerateToken(o->username, *kind);
      if (!t.ok()) return t.error();
      std::string text(t->view());
      if (o->json)
        text = nlohmann::json{{"username", o->username}, {"kind", o->kind}, {"token", text}}.dump();
      std::cout << text << std::endl;
      return OkStatus();
    });
  });

  auto* rev = token->add_subcommand("revoke", "Revoke the user's token");
  rev->add_option("username", o->username, "User name")->required();
  rev->add_option("--kind", o->kind, "apiv2 or apiv1")->capture_default_str();
  rev->callback([&, o] {
    code = WithStore(config_path, [&](AccountStore& s) -> Status {
      auto kind = smsgw::accounts::ParseTokenKind(o->kind);
      if (!kind.ok()) return kind.error();
      return s.RevokeToken(o->username, *kind);
    });
  });

  auto* permit =
      token->add_subcommand("permit", "Grant or withdraw API permissions (e.g. messages.send_sms)");
  permit->add_option("username", o->username, "User name")->required();
  permit->add_option("--grant", o->grant, "Permissions to grant");
  permit->add_option("--revoke", o->revoke, "Permissions to withdraw");
  permit->add_flag("--json", o->json, "Machine-readable output");
  permit->callback([&, o] {
    code = WithStore(config_path, [&](AccountStore& s) -> Status {
      auto perms = s.Permit(o->username, o->grant, o->revoke);
      if (!perms.ok()) return perms.error();
      nlohmann::json names = nlohmann::json::array();
      for (auto p : *perms) names.push_back(std::string(smsgw::accounts::PermissionName(p)));
      std::cout << (o->json ? names.dump() : "permissions: " + names.dump()) << "\n";
      return OkStatus();
    });
  });
}

}  // namespace

void AddGatewayCommands(CLI::App& app, std::string& config_path, int& code) {
  auto* gateway =
      app.add_subcommand("gateway", "SMS gateway administration (users, tokens, permissions, phonebook)");
  gateway->require_subcommand(1);
  gateway->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  AddUserCommands(gateway, config_path, code);
  AddTokenCommands(gateway, config_path, code);
  AddPhonebookCommands(gateway, config_path, code);
  // Let --config also follow the nested subcommand: `osprey gateway user list --config F`.
  for (CLI::App* group : gateway->get_subcommands({})) {
    group->fallthrough();
    for (CLI::App* cmd : group->get_subcommands({})) {
      cmd->fallthrough();
      for (CLI::App* leaf : cmd->get_subcommands({})) leaf->fallthrough();  // group member add|remove
    }
  }
}

}  // namespace osprey::cli
