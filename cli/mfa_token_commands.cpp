// `osprey mfa token init|list|enable|disable|revoke|reset|resync|setpin|assign|unassign|delete|info`: token
// management from the command line over mfa/token TokenService (the same rules and errors as /token/*).
// Seeds and PINs are never command-line arguments (process list, shell history): `init` generates the key
// unless --otpkey-stdin reads it (hex) from standard input; PINs are read with --pin (terminal without echo,
// or one line of stdin). `init` prints the otpauth:// URL once; it is not stored anywhere readable.
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/account_context.hpp"
#include "cli/commands.hpp"
#include "cli/mfa_commands.hpp"
#include "cli/mfa_runtime.hpp"
#include "cli/secret_input.hpp"
#include "mfa/api/token_json.hpp"
#include "mfa/token/token_service.hpp"

namespace osprey::cli {
namespace {

using mfa::token::TokenService;

Status ToStatus(const mfa::PiError& e) {
  return Error(e.http_status == 404 ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument, e.message);
}

// Opens the runtime and runs `action` on its TokenService; maps errors to exit codes.
int WithTokens(const std::string& config_path, const std::function<Status(TokenService&)>& action) {
  MfaCliContext ctx;
  if (Status opened = OpenMfaCliContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  return ExitCodeFor(action(ctx.runtime->token_service()));
}

struct TokenOptions {
  std::string serial, user, realm, resolver;
  std::string type = "hotp", description, otplen, hashlib, timestep;
  std::string phone, sms_identifier;  // sms
  bool dynamic_phone = false;
  bool genkey = false, otpkey_stdin = false, pin = false, json = false;
  std::string otp1, otp2;
  std::string set, remove;
  int page = 1, pagesize = 15;
  std::string tokenrealm, assigned;
};

mfa::token::TokenSelector SelectorOf(const TokenOptions& o) {
  return {o.serial, o.user, o.realm, o.resolver};
}

void AddOwnerOptions(CLI::App* cmd, TokenOptions& o) {
  cmd->add_option("--user", o.user, "Owner login (may carry @realm)");
  cmd->add_option("--realm", o.realm, "Realm of the user");
  cmd->add_option("--resolver", o.resolver, "Resolver of the user");
}

// "<verb>: <n> token(s)" for the count-valued commands.
Status PrintCount(const mfa::PiResult<mfa::token::TokenOutcome>& r, const std::string& verb) {
  if (!r.ok()) return ToStatus(r.error());
  std::cout << verb << ": " << r->value << (r->serial.empty() ? "" : " (" + r->serial + ")") << "\n";
  return OkStatus();
}

Status Init(TokenService& svc, const TokenOptions& o) {
  mfa::token::InitParams params{{"type", o.type}};
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) params[key] = v;
  };
  put("serial", o.serial);
  put("user", o.user);
  put("realm", o.realm);
  put("resolver", o.resolver);
  put("description", o.description);
  put("otplen", o.otplen);
  put("hashlib", o.hashlib);
  put("timeStep", o.timestep);
  put("phone", o.phone);
  put("sms.identifier", o.sms_identifier);
  if (o.dynamic_phone) params["dynamic_phone"] = "1";
  if (o.genkey) params["genkey"] = "1";
  std::optional<Secret> pin;
  if (o.otpkey_stdin) {
    Secret key = ReadSecretLine("OTP key (hex): ");
    params["otpkey"] = std::string(key.view());
  }
  if (o.pin) pin = ReadSecretLine("PIN: ");
  auto init = svc.Init(params, pin);
  if (auto it = params.find("otpkey"); it != params.end())
    std::fill(it->second.begin(), it->second.end(), '\0');
  if (!init.ok()) return ToStatus(init.error());
  if (o.json) {
    std::cout << mfa::api::InitDetail(*init).dump() << "\n";
  } else {
    std::cout << "serial " << init->serial << "\n";
    if (init->googleurl) std::cout << *init->googleurl << "\n";
  }
  return OkStatus();
}

Status List(TokenService& svc, const TokenOptions& o) {
  mfa::token::TokenListQuery q;
  q.filter.serial = o.serial;
  q.filter.type = o.type == "hotp" ? "" : o.type;
  q.filter.tokenrealm = o.tokenrealm;
  q.filter.resolver = o.resolver;
  if (!o.assigned.empty()) q.filter.assigned = o.assigned == "true" || o.assigned == "1";
  q.filter.page = o.page;
  q.filter.pagesize = o.pagesize;
  q.user = o.user;
  q.realm = o.realm;
  auto list = svc.List(q);
  if (!list.ok()) return ToStatus(list.error());
  if (o.json) {
    std::cout << mfa::api::TokenListValue(*list).dump() << "\n";
    return OkStatus();
  }
  for (const auto& v : list->tokens) {
    const auto& r = v.record;
    std::cout << r.serial << "  " << r.tokentype << "  " << (r.active ? "active" : "disabled")
              << (r.revoked ? ",revoked" : "")
              << "  user=" << (v.username.empty() ? "-" : v.username + "@" + r.user_realm)
              << " failcount=" << r.failcount << "/" << r.maxfail << " count=" << r.count
              << (r.description.empty() ? "" : "  \"" + r.description + "\"") << "\n";
  }
  std::cout << list->count << " token(s)";
  if (list->next) std::cout << ", more on page " << *list->next;
  std::cout << "\n";
  return OkStatus();
}

Status Info(TokenService& svc, const TokenOptions& o) {
  const auto sel = SelectorOf(o);
  if (!o.set.empty()) {
    const std::size_t eq = o.set.find('=');
    if (eq == std::string::npos || eq == 0)
      return Error(ErrorCode::kInvalidArgument, "--set takes KEY=VALUE");
    if (auto r = svc.SetInfo(sel, o.set.substr(0, eq), o.set.substr(eq + 1)); !r.ok())
      return ToStatus(r.error());
  }
  if (!o.remove.empty()) {
    if (auto r = svc.DeleteInfo(sel, o.remove); !r.ok()) return ToStatus(r.error());
  }
  auto info = svc.GetInfo(sel);
  if (!info.ok()) return ToStatus(info.error());
  if (o.json) {
    std::cout << nlohmann::json(*info).dump() << "\n";
  } else {
    for (const auto& [k, v] : *info) std::cout << k << "=" << v << "\n";
  }
  return OkStatus();
}

// enable, disable, revoke, reset, unassign, delete: a serial or --user.
void AddSelectorCommand(
    CLI::App* token, const std::string& name, const std::string& help, std::shared_ptr<TokenOptions> o,
    const std::string& config_path, int& code,
    std::function<mfa::PiResult<mfa::token::TokenOutcome>(TokenService&, const mfa::token::TokenSelector&)>
        op) {
  auto* cmd = token->add_subcommand(name, help);
  cmd->add_option("serial", o->serial, "Token serial");
  AddOwnerOptions(cmd, *o);
  cmd->callback([&config_path, &code, o, op, name] {
    code =
        WithTokens(config_path, [&](TokenService& svc) { return PrintCount(op(svc, SelectorOf(*o)), name); });
  });
}

}  // namespace

void AddMfaTokenCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* token = mfa.add_subcommand("token", "Tokens of the MFA server (privacyIDEA /token/)");
  token->require_subcommand(1);
  token->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<TokenOptions>();

  auto* init = token->add_subcommand("init", "Enroll a token; prints its serial and otpauth:// URL once");
  init->add_option("--type", o->type, "hotp, totp or sms")->capture_default_str();
  init->add_option("--serial", o->serial, "Serial (generated when absent)");
  AddOwnerOptions(init, *o);
  init->add_option("--description", o->description, "Description");
  init->add_option("--otplen", o->otplen, "OTP length (default DefaultOtpLen)");
  init->add_option("--hashlib", o->hashlib, "sha1, sha256 or sha512");
  init->add_option("--timestep", o->timestep, "TOTP time step (30 or 60)");
  init->add_option("--phone", o->phone, "SMS token: the phone number the OTP is sent to");
  init->add_flag("--dynamic-phone", o->dynamic_phone, "SMS token: send to the owner's mobile at each login");
  init->add_option("--sms-identifier", o->sms_identifier, "SMS token: the SMS gateway (else sms.identifier)");
  init->add_flag("--genkey", o->genkey, "Generate the key (the default without --otpkey-stdin)");
  init->add_flag("--otpkey-stdin", o->otpkey_stdin, "Read the key (hex) as one line from stdin");
  init->add_flag("--pin", o->pin, "Read a PIN (terminal without echo, or the next stdin line)");
  init->add_flag("--json", o->json, "Print the enrollment detail as JSON");
  init->callback([&, o] { code = WithTokens(config_path, [&](TokenService& s) { return Init(s, *o); }); });

  auto* list = token->add_subcommand("list", "List tokens");
  list->add_option("--serial", o->serial, "Serial, '*' wildcards allowed");
  list->add_option("--type", o->type, "Token type");
  AddOwnerOptions(list, *o);
  list->add_option("--tokenrealm", o->tokenrealm, "Token realm");
  list->add_option("--assigned", o->assigned, "true / false");
  list->add_option("--page", o->page, "Page")->capture_default_str();
  list->add_option("--pagesize", o->pagesize, "Page size")->capture_default_str();
  list->add_flag("--json", o->json, "Print GET /token/'s value as JSON");
  list->callback([&, o] { code = WithTokens(config_path, [&](TokenService& s) { return List(s, *o); }); });

  using Sel = const mfa::token::TokenSelector&;
  AddSelectorCommand(token, "enable", "Enable tokens", o, config_path, code,
                     [](TokenService& s, Sel sel) { return s.Enable(sel, true); });
  AddSelectorCommand(token, "disable", "Disable tokens", o, config_path, code,
                     [](TokenService& s, Sel sel) { return s.Enable(sel, false); });
  AddSelectorCommand(token, "revoke", "Revoke tokens (locked for good)", o, config_path, code,
                     [](TokenService& s, Sel sel) { return s.Revoke(sel); });
  AddSelectorCommand(token, "reset", "Reset the fail counter", o, config_path, code,
                     [](TokenService& s, Sel sel) { return s.Reset(sel); });
  AddSelectorCommand(token, "unassign", "Remove the owner, PIN and fail counter", o, config_path, code,
                     [](TokenService& s, Sel sel) { return s.Unassign(sel); });
  AddSelectorCommand(token, "delete", "Delete tokens and their challenges", o, config_path, code,
                     [](TokenService& s, Sel sel) { return s.Delete(sel); });

  auto* resync = token->add_subcommand("resync", "Resynchronise a token with two consecutive OTP values");
  resync->add_option("serial", o->serial, "Token serial")->required();
  resync->add_option("otp1", o->otp1, "First OTP value")->required();
  resync->add_option("otp2", o->otp2, "Next OTP value")->required();
  resync->callback([&, o] {
    code = WithTokens(config_path, [&](TokenService& s) -> Status {
      auto r = s.Resync(SelectorOf(*o), o->otp1, o->otp2);
      if (!r.ok()) return ToStatus(r.error());
      if (r->value == 0) return Error(ErrorCode::kInvalidArgument, "resync failed: the values do not match");
      std::cout << "resynchronised " << o->serial << "\n";
      return OkStatus();
    });
  });

  auto* setpin = token->add_subcommand("setpin", "Set the token PIN, read from the terminal or stdin");
  setpin->add_option("serial", o->serial, "Token serial")->required();
  setpin->callback([&, o] {
    code = WithTokens(config_path, [&](TokenService& s) {
      Secret pin = ReadSecretLine("PIN: ");
      return PrintCount(s.SetPin(SelectorOf(*o), std::move(pin), std::nullopt, std::nullopt), "setpin");
    });
  });

  auto* assign = token->add_subcommand("assign", "Assign a token to a user");
  assign->add_option("serial", o->serial, "Token serial")->required();
  AddOwnerOptions(assign, *o);
  assign->add_flag("--pin", o->pin, "Also set a PIN, read from the terminal or stdin");
  assign->callback([&, o] {
    code = WithTokens(config_path, [&](TokenService& s) {
      std::optional<Secret> pin;
      if (o->pin) pin = ReadSecretLine("PIN: ");
      return PrintCount(s.Assign(SelectorOf(*o), pin), "assigned");
    });
  });

  auto* info = token->add_subcommand("info", "Show, set or delete tokeninfo");
  info->add_option("serial", o->serial, "Token serial")->required();
  info->add_option("--set", o->set, "KEY=VALUE to store");
  info->add_option("--delete", o->remove, "KEY to delete");
  info->add_flag("--json", o->json, "Print as JSON");
  info->callback([&, o] { code = WithTokens(config_path, [&](TokenService& s) { return Info(s, *o); }); });
  // `--config` (an option of `token`) may also follow the subcommand, as in the other groups.
  for (CLI::App* cmd : token->get_subcommands({})) cmd->fallthrough();
}

}  // namespace osprey::cli
