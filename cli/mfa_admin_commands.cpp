// `osprey mfa admin add|list|remove|password`: the MFA server's local admin accounts (mfa/auth AdminStore).
// Passwords are never command-line arguments (they would show in the process list and shell history): they
// are read from the terminal without echo (asked twice), or as one line from standard input when it is not a
// terminal.
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/account_context.hpp"
#include "cli/commands.hpp"
#include "cli/mfa_commands.hpp"
#include "cli/mfa_runtime.hpp"
#include "cli/secret_input.hpp"
#include "mfa/auth/auth.hpp"

namespace osprey::cli {
namespace {

std::string IsoTime(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Runs `action` on the admin store of an opened MFA runtime; maps errors to exit codes.
int WithAdmins(const std::string& config_path, const std::function<Status(mfa::auth::AdminStore&)>& action) {
  MfaCliContext ctx;
  if (Status opened = OpenMfaCliContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  return ExitCodeFor(action(ctx.runtime->admins()));
}

struct AdminOptions {
  std::string username, email;
  bool json = false;
};

Status ListAdmins(mfa::auth::AdminStore& admins, bool json) {
  auto list = admins.List();
  if (!list.ok()) return list.error();
  nlohmann::json all = nlohmann::json::array();
  for (const auto& a : *list) {
    if (json) {
      all.push_back({{"username", a.username}, {"email", a.email}, {"created", IsoTime(a.created)}});
    } else {
      std::cout << a.username << "  email=" << (a.email.empty() ? "-" : a.email)
                << " created=" << IsoTime(a.created) << "\n";
    }
  }
  if (json) std::cout << all.dump() << "\n";
  return OkStatus();
}

}  // namespace

void AddMfaAdminCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* admin =
      mfa.add_subcommand("admin", "Local admin accounts of the MFA server (POST /auth, role admin)");
  admin->require_subcommand(1);
  admin->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<AdminOptions>();

  auto* add =
      admin->add_subcommand("add", "Create an admin; the password is read from the terminal or stdin");
  add->add_option("username", o->username, "Admin name")->required();
  add->add_option("--email", o->email, "E-mail address");
  add->callback([&, o] {
    code = WithAdmins(config_path, [&](mfa::auth::AdminStore& admins) -> Status {
      auto password = ReadNewPassword();
      if (!password.ok()) return password.error();
      if (Status s = admins.Add(o->username, *password, o->email); !s.ok()) return s;
      std::cout << "admin " << o->username << " added\n";
      return OkStatus();
    });
  });

  auto* list = admin->add_subcommand("list", "List the admins");
  list->add_flag("--json", o->json, "Machine-readable output (one JSON array)");
  list->callback([&, o] {
    code =
        WithAdmins(config_path, [&](mfa::auth::AdminStore& admins) { return ListAdmins(admins, o->json); });
  });

  auto* remove = admin->add_subcommand("remove", "Delete an admin");
  remove->add_option("username", o->username, "Admin name")->required();
  remove->callback([&, o] {
    code = WithAdmins(config_path, [&](mfa::auth::AdminStore& admins) { return admins.Remove(o->username); });
  });

  auto* password =
      admin->add_subcommand("password", "Set an admin's password (read from the terminal or stdin)");
  password->add_option("username", o->username, "Admin name")->required();
  password->callback([&, o] {
    code = WithAdmins(config_path, [&](mfa::auth::AdminStore& admins) -> Status {
      auto exists = admins.Exists(o->username);
      if (!exists.ok()) return exists.error();
      if (!*exists) return Error(ErrorCode::kNotFound, "admin '" + o->username + "' does not exist");
      auto secret = ReadNewPassword();
      if (!secret.ok()) return secret.error();
      return admins.SetPassword(o->username, *secret);
    });
  });

  for (CLI::App* cmd : admin->get_subcommands({})) cmd->fallthrough();
}

}  // namespace osprey::cli
