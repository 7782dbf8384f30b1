// `osprey mfa config set|get|list|delete` (the MFA server's system configuration, /system/ in the API) and
// `osprey mfa policy set|list|delete|enable|disable` (the policies, /policy/ in the API). The running server
// sees a change within its reload interval (one second by default). Password-type values are never
// command-line arguments: `config set KEY --type password` reads the value from the terminal without echo, or
// as one line from standard input; `get` and `list` show them as "__sealed__".
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
#include "mfa/policy/policy.hpp"
#include "mfa/system/system_config.hpp"

namespace osprey::cli {
namespace {

using mfa::policy::Policy;
using mfa::policy::PolicyEngine;
using mfa::system::SystemConfig;

// Runs `action` on an opened MFA runtime; maps errors to exit codes.
int WithRuntime(const std::string& config_path, const std::function<Status(MfaRuntime&)>& action) {
  MfaCliContext ctx;
  if (Status opened = OpenMfaCliContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  return ExitCodeFor(action(*ctx.runtime));
}

struct ConfigOptions {
  std::string key;
  std::optional<std::string> value, type, desc;
  bool json = false;
};

Status ConfigSet(SystemConfig& config, const ConfigOptions& o) {
  const bool password = o.type == "password";
  if (password && o.value) {
    return Error(ErrorCode::kInvalidArgument,
                 "a password value is read from stdin, not given as an argument");
  }
  if (!password && !o.value) return Error(ErrorCode::kInvalidArgument, "missing VALUE");
  const Secret secret = password ? ReadSecretLine("Value: ") : Secret();
  auto outcome = config.Set(o.key, password ? secret.view() : std::string_view(*o.value), o.type, o.desc);
  if (!outcome.ok()) return outcome.error();
  std::cout << o.key << ": " << *outcome << "\n";
  return OkStatus();
}

Status ConfigGet(SystemConfig& config, const ConfigOptions& o) {
  auto items = config.Items();
  if (!items.ok()) return items.error();
  const auto it = items->find(o.key);
  nlohmann::json out;
  if (it != items->end()) {
    const bool sealed = it->second.type == "password";
    out = {{"key", o.key},
           {"value", sealed ? "__sealed__" : it->second.value},
           {"type", it->second.type},
           {"description", it->second.description},
           {"default", false}};
  } else {
    const std::string kUnset = "\x01unset";
    const std::string effective = config.GetOr(o.key, kUnset);
    if (effective == kUnset) return Error(ErrorCode::kNotFound, "'" + o.key + "' is not set");
    out = {{"key", o.key}, {"value", effective}, {"type", ""}, {"description", ""}, {"default", true}};
  }
  if (o.json) {
    std::cout << out.dump() << "\n";
  } else {
    std::cout << out["value"].get<std::string>() << (out["default"].get<bool>() ? "  (default)" : "") << "\n";
  }
  return OkStatus();
}

Status ConfigList(SystemConfig& config, bool json) {
  auto all = config.All();
  if (!all.ok()) return all.error();
  if (json) {
    std::cout << nlohmann::json(*all).dump() << "\n";
    return OkStatus();
  }
  for (const auto& [key, value] : *all) std::cout << key << " = " << value << "\n";
  return OkStatus();
}

Status ConfigDelete(SystemConfig& config, const std::string& key) {
  auto deleted = config.Delete(key);
  if (!deleted.ok()) return deleted.error();
  if (!*deleted) return Error(ErrorCode::kNotFound, "'" + key + "' is not stored");
  std::cout << key << " deleted\n";
  return OkStatus();
}

void AddConfigCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* config =
      mfa.add_subcommand("config", "System configuration of the MFA server (privacyIDEA /system/)");
  config->require_subcommand(1);
  config->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<ConfigOptions>();

  auto* set = config->add_subcommand("set", "Store KEY=VALUE (a password-type value is read from stdin)");
  set->add_option("key", o->key, "Config key, e.g. PrependPin")->required();
  set->add_option("value", o->value, "Value (stored as a string)");
  set->add_option("--type", o->type, "Value type, e.g. public or password (sealed at rest)");
  set->add_option("--desc", o->desc, "Description");
  set->callback([&, o] {
    code = WithRuntime(config_path, [&](MfaRuntime& rt) { return ConfigSet(rt.config(), *o); });
  });

  auto* get = config->add_subcommand("get", "Print the value of KEY (stored, else its default)");
  get->add_option("key", o->key, "Config key")->required();
  get->add_flag("--json", o->json, "Machine-readable output");
  get->callback([&, o] {
    code = WithRuntime(config_path, [&](MfaRuntime& rt) { return ConfigGet(rt.config(), *o); });
  });

  auto* list = config->add_subcommand("list", "List what GET /system/ shows");
  list->add_flag("--json", o->json, "Machine-readable output (one JSON object)");
  list->callback([&, o] {
    code = WithRuntime(config_path, [&](MfaRuntime& rt) { return ConfigList(rt.config(), o->json); });
  });

  auto* del = config->add_subcommand("delete", "Delete a stored key (its default applies again)");
  del->add_option("key", o->key, "Config key")->required();
  del->callback([&, o] {
    code = WithRuntime(config_path, [&](MfaRuntime& rt) { return ConfigDelete(rt.config(), o->key); });
  });

  for (CLI::App* cmd : config->get_subcommands({})) cmd->fallthrough();
}

struct PolicyOptions {
  std::string name, scope, action;
  std::optional<std::string> realm, resolver, user, client, adminrealm, adminuser, pinode, description, time;
  std::optional<int> priority;
  bool inactive = false, check_all_resolvers = false, json = false;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

// Creates or replaces a policy; options not given keep the stored values of an existing policy.
Status PolicySet(PolicyEngine& engine, const PolicyOptions& o) {
  Policy p;
  if (auto existing = engine.Get(o.name); existing.ok()) p = std::move(*existing);
  p.name = o.name;
  p.scope = o.scope;
  auto actions = PolicyEngine::ParseActions(o.action);
  if (!actions.ok()) return actions.error();
  p.actions = std::move(*actions);
  const std::pair<const std::optional<std::string>*, std::vector<std::string>*> lists[] = {
      {&o.realm, &p.realms},   {&o.resolver, &p.resolvers},      {&o.user, &p.users},
      {&o.client, &p.clients}, {&o.adminrealm, &p.admin_realms}, {&o.adminuser, &p.admin_users},
      {&o.pinode, &p.pinodes}};
  for (const auto& [option, field] : lists) {
    if (option->has_value()) *field = SplitList(**option);
  }
  p.priority = o.priority.value_or(1);
  p.active = !o.inactive;
  p.check_all_resolvers = o.check_all_resolvers;
  if (o.description) p.description = *o.description;
  if (o.time) p.time = *o.time;
  auto id = engine.Set(p);
  if (!id.ok()) return id.error();
  std::cout << "policy " << o.name << " saved (id " << *id << ")\n";
  return OkStatus();
}

std::string Joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& item : list) out += (out.empty() ? "" : ",") + item;
  return out.empty() ? "-" : out;
}

Status PolicyList(PolicyEngine& engine, const PolicyOptions& o) {
  auto list = engine.List(o.scope);
  if (!list.ok()) return list.error();
  nlohmann::json all = nlohmann::json::array();
  for (const Policy& p : *list) {
    std::string actions;
    for (const auto& [k, v] : p.actions)
      actions += (actions.empty() ? "" : ", ") + (v == "true" ? k : k + "=" + v);
    if (o.json) {
      all.push_back({{"name", p.name},
                     {"scope", p.scope},
                     {"active", p.active},
                     {"priority", p.priority},
                     {"action", p.actions},
                     {"realm", p.realms},
                     {"resolver", p.resolvers},
                     {"user", p.users},
                     {"client", p.clients},
                     {"adminrealm", p.admin_realms},
                     {"adminuser", p.admin_users},
                     {"pinode", p.pinodes},
                     {"check_all_resolvers", p.check_all_resolvers},
                     {"description", p.description},
                     {"time", p.time}});
      continue;
    }
    std::cout << p.name << "  scope=" << p.scope << " active=" << (p.active ? "true" : "false")
              << " priority=" << p.priority << " action=\"" << actions << "\" realm=" << Joined(p.realms)
              << " resolver=" << Joined(p.resolvers) << " user=" << Joined(p.users)
              << " client=" << Joined(p.clients) << " adminrealm=" << Joined(p.admin_realms)
              << " adminuser=" << Joined(p.admin_users) << "\n";
  }
  if (o.json) std::cout << all.dump() << "\n";
  return OkStatus();
}

void AddPolicyCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* policy = mfa.add_subcommand("policy", "Policies of the MFA server (privacyIDEA /policy/)");
  policy->require_subcommand(1);
  policy->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<PolicyOptions>();

  auto* set = policy->add_subcommand("set", "Create or replace a policy");
  set->add_option("name", o->name, "Policy name")->required();
  set->add_option("--scope", o->scope, "admin, user, authentication, authorization, enrollment, webui")
      ->required();
  set->add_option("--action", o->action, "privacyIDEA action string, e.g. \"otppin=userstore, passthru\"")
      ->required();
  set->add_option("--realm", o->realm, "Comma-separated realms (\"!x\" excludes)");
  set->add_option("--resolver", o->resolver, "Comma-separated resolvers");
  set->add_option("--user", o->user, "Comma-separated users (\"*\" wildcards, \"!x\" excludes)");
  set->add_option("--client", o->client, "Comma-separated client addresses or networks (\"!x\" excludes)");
  set->add_option("--adminrealm", o->adminrealm, "Comma-separated admin realms (admin scope)");
  set->add_option("--adminuser", o->adminuser, "Comma-separated admin names (admin scope)");
  set->add_option("--pinode", o->pinode, "Comma-separated node names (stored, not evaluated)");
  set->add_option("--priority", o->priority, "Priority, 1 = highest (default 1)");
  set->add_flag("--inactive", o->inactive, "Store the policy disabled");
  set->add_flag("--check-all-resolvers", o->check_all_resolvers, "privacyIDEA's check_all_resolvers flag");
  set->add_option("--description", o->description, "Description");
  set->add_option("--time", o->time, "privacyIDEA time condition (stored, not evaluated)");
  set->callback([&, o] {
    code = WithRuntime(config_path, [&](MfaRuntime& rt) { return PolicySet(rt.policies(), *o); });
  });

  auto* list = policy->add_subcommand("list", "List the policies");
  list->add_option("--scope", o->scope, "Only this scope");
  list->add_flag("--json", o->json, "Machine-readable output (one JSON array)");
  list->callback([&, o] {
    code = WithRuntime(config_path, [&](MfaRuntime& rt) { return PolicyList(rt.policies(), *o); });
  });

  auto* del = policy->add_subcommand("delete", "Delete a policy");
  del->add_option("name", o->name, "Policy name")->required();
  del->callback([&, o] {
    code = WithRuntime(config_path, [&](MfaRuntime& rt) -> Status {
      auto id = rt.policies().Delete(o->name);
      if (!id.ok()) return id.error();
      std::cout << "policy " << o->name << " deleted\n";
      return OkStatus();
    });
  });

  for (const bool enable : {true, false}) {
    auto* cmd = policy->add_subcommand(enable ? "enable" : "disable",
                                       enable ? "Activate a policy" : "Deactivate a policy");
    cmd->add_option("name", o->name, "Policy name")->required();
    cmd->callback([&, o, enable] {
      code = WithRuntime(config_path, [&](MfaRuntime& rt) -> Status {
        auto id = rt.policies().SetActive(o->name, enable);
        if (!id.ok()) return id.error();
        std::cout << "policy " << o->name << (enable ? " enabled\n" : " disabled\n");
        return OkStatus();
      });
    });
  }

  for (CLI::App* cmd : policy->get_subcommands({})) cmd->fallthrough();
}

}  // namespace

void AddMfaConfigCommands(CLI::App& mfa, std::string& config_path, int& code) {
  AddConfigCommands(mfa, config_path, code);
  AddPolicyCommands(mfa, config_path, code);
}

}  // namespace osprey::cli
