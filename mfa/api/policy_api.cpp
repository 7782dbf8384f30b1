// /policy/ (privacyIDEA 3.13 api/policy.py): POST /policy/<name>, GET /policy/[<name>], DELETE
// /policy/<name>, POST /policy/enable|disable/<name>, GET /policy/defs[/<scope>]. Admin JWT; rights
// policywrite / policyread / policydelete. Policies are rendered with the field names of privacyIDEA 3.13's
// Policy.get().
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/auth/rights.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/policy/policy_match.hpp"
#include "mfa/system/system_config.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;
using users_api::Begin;
using users_api::Call;
using users_api::CheckRight;

double Now(const ApiContext& ctx) { return ctx.clock->UnixSeconds(); }

std::string Trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// A list parameter: "a, b" or a JSON list (privacyIDEA joins a list with ", " and splits at commas again).
std::vector<std::string> ListParam(const json& raw) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      if (std::string item = Trim(text.substr(start, comma - start)); !item.empty())
        out.push_back(std::move(item));
      start = comma + 1;
    }
  };
  if (raw.is_array()) {
    for (const json& item : raw) add(PyStr(item));
  } else if (!raw.is_null()) {
    add(PyStr(raw));
  }
  return out;
}

// `action`: privacyIDEA's action string, a JSON object (true → bare action, anything else → "k=str(v)") or a
// JSON list of action strings.
PiResult<std::map<std::string, std::string>> ActionParam(const json& raw) {
  std::string text;
  if (raw.is_object()) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : raw.items()) out[Trim(k)] = v.is_boolean() && v.get<bool>() ? "true" : PyStr(v);
    if (out.count("") != 0) return ParameterError("Empty action name");
    return out;
  }
  if (raw.is_array()) {
    for (const json& item : raw) text += (text.empty() ? "" : ", ") + PyStr(item);
  } else {
    text = PyStr(raw);
  }
  auto parsed = policy::PolicyEngine::ParseActions(text);
  if (!parsed.ok()) return FromError(parsed.error());
  return *parsed;
}

// Overrides the fields of `p` given in the request; absent optional fields keep their stored values, as
// privacyIDEA's set_policy does for an existing policy.
PiStatus ApplyParams(const Params& params, policy::Policy& p) {
  for (const char* required : {"action", "scope"}) {
    if (!params.Has(required)) return ParameterError("Missing parameter: '" + std::string(required) + "'");
  }
  auto actions = ActionParam(*params.Raw("action"));
  if (!actions.ok()) return actions.error();
  p.actions = std::move(*actions);
  p.scope = *params.Get("scope");
  const std::pair<const char*, std::vector<std::string>*> lists[] = {
      {"realm", &p.realms},   {"resolver", &p.resolvers},      {"user", &p.users},
      {"client", &p.clients}, {"adminrealm", &p.admin_realms}, {"adminuser", &p.admin_users},
      {"pinode", &p.pinodes}};
  for (const auto& [name, field] : lists) {
    if (const json* raw = params.Raw(name)) *field = ListParam(*raw);
  }
  auto priority = params.GetInt("priority", 1);
  if (!priority) return ParameterError("priority must be an integer");
  p.priority = static_cast<int>(*priority);
  p.active = !params.Has("active") || system::IsTrue(params.GetOr("active", ""));
  p.check_all_resolvers = system::IsTrue(params.GetOr("check_all_resolvers", "False"));
  if (auto d = params.Get("description")) p.description = *d;
  if (auto t = params.Get("time")) p.time = *t;
  return PiOk();
}

json PolicyJson(const policy::Policy& p) {
  json action = json::object();
  for (const auto& [k, v] : p.actions) action[k] = v == "true" ? json(true) : json(v);
  return {{"name", p.name},
          {"user_case_insensitive", true},  // Osprey compares user names case-insensitively
          {"active", p.active},
          {"scope", p.scope},
          {"realm", p.realms},
          {"adminrealm", p.admin_realms},
          {"adminuser", p.admin_users},
          {"resolver", p.resolvers},
          {"pinode", p.pinodes},
          {"check_all_resolvers", p.check_all_resolvers},
          {"user", p.users},
          {"client", p.clients},
          {"time", p.time},
          {"conditions", json::array()},
          {"priority", p.priority},
          {"description", p.description},
          {"user_agents", json::array()},
          {"action", action}};
}

http::Response SetPolicy(const ApiContext& ctx, const http::Request& request) {
  constexpr const char* kAction = "POST /policy/<name>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string name = request.path_params.at("name");
  if (auto right = CheckRight(*call, {"policywrite"}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, kAction, right.error(), name);
  }
  policy::Policy p;
  if (auto existing = ctx.policies->Get(name); existing.ok()) p = std::move(*existing);
  p.name = name;
  if (auto applied = ApplyParams(call->params, p); !applied.ok())
    return users_api::FailConfigChange(*call, kAction, applied.error(), name);
  auto id = ctx.policies->Set(p);
  if (!id.ok()) return users_api::FailConfigChange(*call, kAction, FromError(id.error()), name);
  users_api::AuditConfigChange(*call, kAction, true, name, "");
  return SuccessResponse(json{{"setPolicy " + name, *id}}, json::object(), Now(ctx));
}

// GET /policy/ and /policy/<name>: a list of policies; filters name, realm, scope, active.
http::Response GetPolicies(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, {"policyread"}, {}); !right.ok())
    return users_api::FailConfigChange(*call, nullptr, right.error());
  const Params& params = call->params;
  std::optional<bool> active;
  if (auto a = params.Get("active")) active = system::IsTrue(*a);
  auto list = ctx.policies->List(params.GetOr("scope", ""), active);
  if (!list.ok()) return users_api::FailConfigChange(*call, nullptr, FromError(list.error()));
  const auto name = params.Get("name");
  const auto realm = params.Get("realm");
  json value = json::array();
  for (const policy::Policy& p : *list) {
    if (name && p.name != *name) continue;
    if (realm && !policy::match::ListMatches(p.realms, *realm, true)) continue;
    value.push_back(PolicyJson(p));
  }
  return SuccessResponse(value, json::object(), Now(ctx));
}

http::Response DeletePolicy(const ApiContext& ctx, const http::Request& request) {
  constexpr const char* kAction = "DELETE /policy/<name>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string name = request.path_params.at("name");
  if (auto right = CheckRight(*call, {"policydelete"}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, kAction, right.error(), name);
  }
  auto id = ctx.policies->Delete(name);
  if (!id.ok()) return users_api::FailConfigChange(*call, kAction, FromError(id.error()), name);
  users_api::AuditConfigChange(*call, kAction, true, name, name);
  return SuccessResponse(*id, json::object(), Now(ctx));
}

http::Response Enable(const ApiContext& ctx, const http::Request& request, bool enable) {
  const char* action = enable ? "POST /policy/enable/<name>" : "POST /policy/disable/<name>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string name = request.path_params.at("name");
  if (auto right = CheckRight(*call, {"policywrite"}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, action, right.error(), name);
  }
  auto id = ctx.policies->SetActive(name, enable);
  if (!id.ok()) return users_api::FailConfigChange(*call, action, FromError(id.error()), name);
  users_api::AuditConfigChange(*call, action, true, name, "");
  return SuccessResponse(*id, json::object(), Now(ctx));
}

json Def(const char* type, const char* desc, const char* group, json values = nullptr) {
  json def = {{"type", type}, {"desc", desc}, {"group", group}};
  if (!values.is_null()) def["value"] = std::move(values);
  return def;
}

json RightDefs(std::string_view scope) {
  json defs = json::object();
  const std::string who = scope == policy::kScopeAdmin ? "The admin" : "The user";
  for (const auth::RightDefinition& right : auth::KnownRights(scope)) {
    json def = Def("bool", "", "system");
    def["desc"] = who + " is allowed to use the action " + std::string(right.name) + ".";
    def["mainmenu"] = json::array();
    for (std::string_view menu : right.menus) def["mainmenu"].push_back(menu);
    defs[std::string(right.name)] = def;
  }
  defs[std::string(policy::action::kSmsGateways)] =
      Def("str", "Whitespace separated list of SMS gateway names that may be set on SMS token enrollment.",
          "sms");
  return defs;
}

// The actions Osprey implements, in privacyIDEA's definition format ({scope: {action: {type, desc, ...}}}).
json PolicyDefinitions() {
  using namespace policy::action;
  json auth = json::object();
  auth[std::string(kOtpPin)] =
      Def("str",
          "Either use the Token PIN, use the Userstore Password or use no fixed password "
          "component.",
          "pin", json::array({"tokenpin", "userstore", "none"}));
  auth[std::string(kChallengeResponse)] = Def(
      "str", "This is a whitespace separated list of tokentypes, that can be used with challenge response.",
      "general", json::array({"hotp", "totp", "sms"}));
  auth[std::string(kPassthru)] =
      Def("bool",
          "If set, the user in this realm will be authenticated against the userstore, if the user has "
          "no tokens assigned.",
          "general");
  auth[std::string(kPassOnNoToken)] =
      Def("bool", "If the user has no token, the authentication request for this user will always be true.",
          "general");
  auth[std::string(kPassOnNoUser)] =
      Def("bool",
          "If the user does not exist, the authentication request for this non existing user will always "
          "be true.",
          "general");
  auth[std::string(kChallengeText)] =
      Def("str", "Use an alternate challenge text for telling the user to enter an OTP value.", "general");
  auth[std::string(kSmsText)] = Def(
      "str", "The text that will be send via SMS for an SMS token. Use tags like {otp} and {serial}.", "SMS");
  auth[std::string(kSmsChallengeText)] = Def(
      "str", "Use an alternate challenge text for telling the user to enter the OTP from the SMS.", "SMS");
  auth[std::string(kSmsAutoSend)] =
      Def("bool", "After a successful authentication the next OTP value will be sent.", "SMS");
  auth[std::string(kSmsLimitUser)] =
      Def("str", "Osprey: at most <count> SMS per user in <seconds>, as count/seconds (e.g. 5/3600).", "SMS");
  auth[std::string(kSmsLimitNumber)] =
      Def("str", "Osprey: at most <count> SMS per destination number in <seconds>, as count/seconds.", "SMS");
  auth[std::string(kSmsLimitPrefix)] =
      Def("str",
          "Osprey: at most <count> SMS in <seconds> to numbers sharing their first <digits> digits, as "
          "count/seconds/digits (e.g. 100/3600/6).",
          "SMS");
  auth[std::string(kIncreaseFailcounterOnChallenge)] =
      Def("bool", "Increase the fail counter of the tokens that a challenge is triggered for.", "general");
  return {{std::string(policy::kScopeAdmin), RightDefs(policy::kScopeAdmin)},
          {std::string(policy::kScopeUser), RightDefs(policy::kScopeUser)},
          {std::string(policy::kScopeAuth), auth},
          {std::string(policy::kScopeAuthz), json::object()},
          {std::string(policy::kScopeEnroll), json::object()},
          {std::string(policy::kScopeWebui), json::object()}};
}

http::Response Definitions(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const auto scope = request.path_params.find("scope");
  json value;
  if (scope == request.path_params.end()) {
    value = PolicyDefinitions();
  } else if (scope->second == "conditions") {
    value = {{"sections", json::object()},
             {"comparators", json::object()},
             {"handle_missing_data", json::object()}};
  } else if (scope->second == "pinodes") {
    value = json::array();
  } else {
    const json all = PolicyDefinitions();
    value = all.contains(scope->second) ? all.at(scope->second) : json(nullptr);
  }
  return SuccessResponse(value, json::object(), Now(ctx));
}

}  // namespace

void AddPolicyRoutes(http::Router& router, const ApiContext& ctx) {
  for (const char* path : {"/policy/", "/policy"}) {
    router.Add("GET", path, [ctx](http::Request& r) { return GetPolicies(ctx, r); });
  }
  router.Add("GET", "/policy/defs", [ctx](http::Request& r) { return Definitions(ctx, r); });
  router.Add("GET", "/policy/defs/{scope}", [ctx](http::Request& r) { return Definitions(ctx, r); });
  router.Add("GET", "/policy/{name}", [ctx](http::Request& r) { return GetPolicies(ctx, r); });
  router.Add("POST", "/policy/{name}", [ctx](http::Request& r) { return SetPolicy(ctx, r); });
  router.Add("DELETE", "/policy/{name}", [ctx](http::Request& r) { return DeletePolicy(ctx, r); });
  router.Add("POST", "/policy/enable/{name}", [ctx](http::Request& r) { return Enable(ctx, r, true); });
  router.Add("POST", "/policy/disable/{name}", [ctx](http::Request& r) { return Enable(ctx, r, false); });
}

}  // namespace osprey::mfa::api
