// `osprey mfa smsgateway list|show|set|delete`: the SMS gateway definitions of the MFA server (privacyIDEA
// /smsgateway), over mfa/sms GatewayStore with the same rules as the API. `set` replaces a whole definition:
// options and headers not given are deleted, as POST /smsgateway does. Values of secret keys (IsSecretKey:
// PASSWORD, SECRET, TOKEN, KEY, Authorization, ...) are never command-line arguments: `--option KEY` without
// "=VALUE" reads the value from the terminal without echo, or as one line of standard input, and `list` /
// `show` print them as "__sealed__" (the API shows them to admins, as privacyIDEA does). Options and headers
// keep the order of the --option / --header flags, which is the order HttpSMSProvider sends parameters in;
// `list --json` and `show` print them in that order.
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
#include "mfa/sms/gateway_store.hpp"

namespace osprey::cli {
namespace {

using mfa::sms::GatewayDefinition;
using mfa::sms::GatewayStore;
using mfa::sms::SmsProviders;

constexpr const char* kSealedShown = "__sealed__";

// Opens the runtime and runs `action` on its gateway store and providers; maps errors to exit codes.
int WithGateways(const std::string& config_path,
                 const std::function<Status(GatewayStore&, const SmsProviders&)>& action) {
  MfaCliContext ctx;
  if (Status opened = OpenMfaCliContext(config_path, ctx); !opened.ok()) {
    PrintError(opened.error().message());
    return kExitFailure;
  }
  return ExitCodeFor(action(ctx.runtime->gateways(), ctx.runtime->sms_providers()));
}

struct GatewayOptions {
  std::string name, module;
  std::optional<std::string> description;
  std::vector<std::string> options, headers;
  bool json = false;
};

// "K=V" into `out`, in the order given (the order the gateway stores and sends them in; a repeated key keeps
// its first place and takes the last value); a bare "K" reads its value from stdin. A secret key's value on
// the command line is refused.
Status ParseAssignments(const std::vector<std::string>& items, const char* kind,
                        mfa::sms::OrderedStringMap& out) {
  for (const std::string& item : items) {
    const std::size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    if (key.empty()) return Error(ErrorCode::kInvalidArgument, std::string("--") + kind + " without a name");
    if (eq == std::string::npos) {
      const std::string prompt = std::string("Value of ") + kind + " " + key + ": ";
      out[key] = std::string(ReadSecretLine(prompt.c_str()).view());
      continue;
    }
    if (mfa::sms::IsSecretKey(key)) {
      return Error(ErrorCode::kInvalidArgument, "the value of " + std::string(kind) + " " + key +
                                                    " is secret: give --" + kind + " " + key +
                                                    " without =VALUE and type it on standard input");
    }
    out[key] = item.substr(eq + 1);
  }
  return OkStatus();
}

// The values in stored order, secret ones masked.
nlohmann::ordered_json Masked(const mfa::sms::OrderedStringMap& values) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [key, value] : values) out[key] = mfa::sms::IsSecretKey(key) ? kSealedShown : value;
  return out;
}

nlohmann::ordered_json MaskedJson(const GatewayDefinition& gw) {
  using nlohmann::ordered_json;
  return {{"id", gw.id},
          {"name", gw.name},
          {"providermodule", gw.module},
          {"description", gw.description ? ordered_json(*gw.description) : ordered_json(nullptr)},
          {"options", Masked(gw.options)},
          {"headers", Masked(gw.headers)}};
}

Status Set(GatewayStore& store, const SmsProviders& providers, const GatewayOptions& o) {
  GatewayDefinition gw;
  gw.name = o.name;
  gw.module = o.module;
  gw.description = o.description;
  if (Status st = ParseAssignments(o.options, "option", gw.options); !st.ok()) return st;
  if (Status st = ParseAssignments(o.headers, "header", gw.headers); !st.ok()) return st;
  auto id = mfa::sms::SaveGateway(store, providers, gw);
  if (!id.ok()) return id.error();
  std::cout << "smsgateway " << o.name << " saved (id " << *id << ")\n";
  return OkStatus();
}

Status List(GatewayStore& store, bool json) {
  auto all = store.List();
  if (!all.ok()) return all.error();
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const GatewayDefinition& gw : *all) {
    if (json) {
      out.push_back(MaskedJson(gw));
      continue;
    }
    std::cout << gw.id << "  " << gw.name << "  " << gw.module << "  " << gw.description.value_or("-")
              << "\n";
  }
  if (json) std::cout << out.dump() << "\n";
  return OkStatus();
}

Status Show(GatewayStore& store, const std::string& name, bool json) {
  auto gw = store.Find(name);
  if (!gw.ok()) return gw.error();
  if (!gw->has_value()) return Error(ErrorCode::kNotFound, "The requested SMSGateway could not be found.");
  const nlohmann::ordered_json out = MaskedJson(**gw);
  if (json) {
    std::cout << out.dump() << "\n";
    return OkStatus();
  }
  std::cout << "id: " << (*gw)->id << "\nname: " << (*gw)->name << "\nmodule: " << (*gw)->module
            << "\ndescription: " << (*gw)->description.value_or("-") << "\n";
  for (const char* kind : {"options", "headers"}) {
    for (const auto& [key, value] : out[kind].items()) {
      std::cout << (kind[0] == 'o' ? "option " : "header ") << key << " = " << value.get<std::string>()
                << "\n";
    }
  }
  return OkStatus();
}

Status Delete(GatewayStore& store, const std::string& name) {
  auto id = store.Remove(name);
  if (!id.ok()) return id.error();
  if (!id->has_value()) return Error(ErrorCode::kNotFound, "The requested SMSGateway could not be found.");
  std::cout << "smsgateway " << name << " deleted (id " << **id << ")\n";
  return OkStatus();
}

}  // namespace

void AddMfaSmsGatewayCommands(CLI::App& mfa, std::string& config_path, int& code) {
  auto* group = mfa.add_subcommand("smsgateway", "SMS gateway definitions (privacyIDEA /smsgateway)");
  group->require_subcommand(1);
  group->add_option("--config", config_path, "Config file ($OSPREY_CONFIG)")->capture_default_str();
  auto o = std::make_shared<GatewayOptions>();

  auto* list = group->add_subcommand("list", "List the gateway definitions (secret values as __sealed__)");
  list->add_flag("--json", o->json, "Machine-readable output (one JSON array)");
  list->callback([&, o] {
    code = WithGateways(config_path, [&](GatewayStore& s, const SmsProviders&) { return List(s, o->json); });
  });

  auto* show = group->add_subcommand("show", "Print one definition with its options and headers");
  show->add_option("name", o->name, "Gateway name")->required();
  show->add_flag("--json", o->json, "Machine-readable output");
  show->callback([&, o] {
    code = WithGateways(config_path,
                        [&](GatewayStore& s, const SmsProviders&) { return Show(s, o->name, o->json); });
  });

  auto* set = group->add_subcommand(
      "set", "Create or replace a definition (options and headers not given are deleted)");
  set->add_option("name", o->name, "Gateway name")->required();
  set->add_option("--module", o->module, "Provider module, e.g. " + std::string(mfa::sms::kHttpModule))
      ->required();
  set->add_option("--description", o->description, "Description");
  set->add_option("--option", o->options, "KEY=VALUE, repeatable; a bare KEY reads the value from stdin")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  set->add_option("--header", o->headers, "KEY=VALUE, repeatable; a bare KEY reads the value from stdin")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  set->callback([&, o] {
    code = WithGateways(config_path, [&](GatewayStore& s, const SmsProviders& p) { return Set(s, p, *o); });
  });

  auto* del = group->add_subcommand("delete", "Delete a definition with its options and headers");
  del->add_option("name", o->name, "Gateway name")->required();
  del->callback([&, o] {
    code =
        WithGateways(config_path, [&](GatewayStore& s, const SmsProviders&) { return Delete(s, o->name); });
  });

  for (CLI::App* cmd : group->get_subcommands({})) cmd->fallthrough();
}

}  // namespace osprey::cli
