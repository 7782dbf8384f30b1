// /token/ (privacyIDEA 3.13 api/token.py; spec §5, §10): init, list, enable, disable, revoke, reset, resync,
// setpin, assign, unassign, delete, description, tokeninfo and token realms. Admin or user JWT; admins need
// the privacyIDEA admin right of the action (no admin policy = everything allowed), users act on their own
// tokens only (the selector is forced to the caller) and need the user-scope right. Every state change is
// audited with serial, token type, user, realm and administrator — never an OTP key or PIN. Handlers only
// translate HTTP to one TokenService call (mfa/token/token_service.hpp) and render.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "mfa/api/envelope.hpp"
#include "mfa/api/token_json.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/system/system_config.hpp"
#include "mfa/token/token_service.hpp"

namespace osprey::mfa::api {
namespace {

using users_api::Begin;
using users_api::Call;
using users_api::CheckRight;
using users_api::Required;
using users_api::Target;

double Now(const ApiContext& ctx) { return ctx.clock->UnixSeconds(); }

void AuditToken(const Call& call, const std::string& action, bool success, const token::TokenOutcome& outcome,
                const std::string& info) {
  if (call.ctx.audit == nullptr) return;
  audit::AuditEntry e;
  e.action = action;
  e.success = success;
  e.info = info;
  e.serial = outcome.serial;
  e.token_type = outcome.token_type;
  e.user = outcome.user;
  e.realm = outcome.realm;
  e.resolver = outcome.resolver;
  e.client = call.request.remote_address;
  e.user_agent = std::string(call.request.headers.Get("User-Agent").value_or(""));
  if (call.caller.is_admin()) {
    e.administrator = call.caller.username;
  } else {
    e.user = call.caller.username;
    e.realm = call.caller.realm;
    e.resolver = call.caller.resolver;
  }
  e.duration = Now(call.ctx) - call.started;
  if (Status st = call.ctx.audit->Append(e); !st.ok()) {
    spdlog::error("audit of {} failed: {}", action, st.error().ToString());
  }
}

http::Response FailToken(const Call& call, const std::string& action, const PiError& error) {
  if (!action.empty()) {
    token::TokenOutcome none;
    none.serial = call.params.GetOr("serial", "");
    AuditToken(call, action, false, none, error.message);
  }
  return ErrorResponse(error, Now(call.ctx));
}

// The tokens a request names: its serial/user/realm/resolver, or for a user JWT the caller's own tokens.
token::TokenSelector SelectorOf(const Call& call) {
  token::TokenSelector s;
  s.serial = call.params.GetOr("serial", "");
  if (call.caller.is_admin()) {
    s.user = call.params.GetOr("user", "");
    s.realm = call.params.GetOr("realm", "");
    s.resolver = call.params.GetOr("resolver", "");
  } else {
    s.user = call.caller.username;
    s.realm = call.caller.realm;
    s.resolver = call.caller.resolver;
  }
  return s;
}

Target TargetOf(const Call& call) {
  return {call.params.GetOr("realm", ""), call.params.GetOr("resolver", ""), call.params.GetOr("user", "")};
}

std::optional<Secret> SecretParam(const Params& params, std::string_view key) {
  auto v = params.Get(key);
  if (!v) return std::nullopt;
  Secret s(*v);
  std::fill(v->begin(), v->end(), '\0');
  return s;
}

using Operation = std::function<PiResult<token::TokenOutcome>(const Call&, const token::TokenSelector&)>;

struct Route {
  std::string action;  // audit action, e.g. "POST /token/enable"
  std::string right;   // admin / user right
  bool admin_only = false;
  bool boolean_value = false;  // value rendered as true/false instead of a count
};

// The shared shape of every state-changing selector endpoint: caller, right, one service call, audit, reply.
http::Response RunOperation(const ApiContext& ctx, const http::Request& request, const Route& route,
                            const Operation& operation) {
  auto call = Begin(ctx, request, route.admin_only);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, {route.right}, TargetOf(*call)); !right.ok()) {
    return FailToken(*call, route.action, right.error());
  }
  auto outcome = operation(*call, SelectorOf(*call));
  if (!outcome.ok()) return FailToken(*call, route.action, outcome.error());
  AuditToken(*call, route.action, true, *outcome, "");
  const nlohmann::json value =
      route.boolean_value ? nlohmann::json(outcome->value != 0) : nlohmann::json(outcome->value);
  return SuccessResponse(value, nlohmann::json::object(), Now(ctx));
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// POST /token/init: the right is privacyIDEA's enroll<TYPE> (enrollHOTP, enrollTOTP).
http::Response Init(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "POST /token/init";
  auto call = Begin(ctx, request, false);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string type = call->params.GetOr("type", "hotp");
  if (auto right = CheckRight(*call, {"enroll" + Upper(type)}, TargetOf(*call)); !right.ok()) {
    return FailToken(*call, action, right.error());
  }
  token::InitParams params = call->params.Strings();
  params.erase("pin");
  if (!call->caller.is_admin()) {
    params["user"] = call->caller.username;
    params["realm"] = call->caller.realm;
    params["resolver"] = call->caller.resolver;
  }
  auto init = ctx.token_service->Init(params, SecretParam(call->params, "pin"));
  for (auto& [k, v] : params) std::fill(v.begin(), v.end(), '\0');  // otpkey
  if (!init.ok()) return FailToken(*call, action, init.error());
  AuditToken(*call, action, true, init->outcome, "");
  return SuccessResponse(true, InitDetail(*init), Now(ctx));
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

PiResult<token::TokenListQuery> ListQueryOf(const Call& call) {
  token::TokenListQuery q;
  const Params& p = call.params;
  token::TokenFilter& f = q.filter;
  f.serial = p.GetOr("serial", "");
  f.type = p.GetOr("type", "");
  f.type_list = SplitList(p.GetOr("type_list", ""));
  f.description = p.GetOr("description", "");
  f.rollout_state = p.GetOr("rollout_state", "");
  f.user_id = p.GetOr("userid", "");
  f.resolver = p.GetOr("resolver", "");
  f.tokenrealm = p.GetOr("tokenrealm", "");
  f.infokey = p.GetOr("infokey", "");
  f.infovalue = p.GetOr("infovalue", "");
  f.sortby = p.GetOr("sortby", "serial");
  std::string dir = p.GetOr("sortdir", "asc");
  std::transform(dir.begin(), dir.end(), dir.begin(), [](unsigned char c) { return std::tolower(c); });
  f.descending = dir == "desc";
  if (auto assigned = p.Get("assigned"); assigned && !assigned->empty()) {
    std::string a = *assigned;
    std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
    f.assigned = a == "true" || a == "1";
  }
  if (auto active = p.Get("active"); active && !active->empty()) f.active = system::IsTrue(*active);
  auto page = p.GetInt("page", 1);
  auto pagesize = p.GetInt("pagesize", 15);
  if (!page || !pagesize) return ParameterError("page and pagesize must be integers.");
  f.page = static_cast<int>(std::max(*page, 1LL));
  f.pagesize = static_cast<int>(std::clamp(*pagesize, 1LL, 100000LL));
  if (call.caller.is_admin()) {
    q.user = p.GetOr("user", "");
    q.realm = p.GetOr("realm", "");
  } else {
    q.user = call.caller.username;
    q.realm = call.caller.realm;
    f.resolver = call.caller.resolver;
  }
  return q;
}

// GET /token/: admins need tokenlist; users see their own tokens.
http::Response List(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, false);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (call->caller.is_admin()) {
    if (auto right = CheckRight(*call, {"tokenlist"}, TargetOf(*call)); !right.ok()) {
      return FailToken(*call, "", right.error());
    }
  }
  auto query = ListQueryOf(*call);
  if (!query.ok()) return FailToken(*call, "", query.error());
  auto list = ctx.token_service->List(*query);
  if (!list.ok()) return FailToken(*call, "", list.error());
  return SuccessResponse(TokenListValue(*list), nlohmann::json::object(), Now(ctx));
}

void AddSelectorRoutes(http::Router& router, const ApiContext& ctx) {
  auto add = [&](const std::string& method, const std::vector<std::string>& paths, Route route,
                 Operation op) {
    for (const std::string& path : paths) {
      router.Add(method, path,
                 [ctx, route, op](http::Request& r) { return RunOperation(ctx, r, route, op); });
    }
  };
  auto& svc = *ctx.token_service;
  add("POST", {"/token/enable", "/token/enable/{serial}"}, {"POST /token/enable", "enable"},
      [&svc](const Call&, const token::TokenSelector& s) { return svc.Enable(s, true); });
  add("POST", {"/token/disable", "/token/disable/{serial}"}, {"POST /token/disable", "disable"},
      [&svc](const Call&, const token::TokenSelector& s) { return svc.Enable(s, false); });
  add("POST", {"/token/revoke", "/token/revoke/{serial}"}, {"POST /token/revoke", "revoke"},
      [&svc](const Call&, const token::TokenSelector& s) { return svc.Revoke(s); });
  add("POST", {"/token/reset", "/token/reset/{serial}"}, {"POST /token/reset", "reset"},
      [&svc](const Call&, const token::TokenSelector& s) { return svc.Reset(s); });
  add("POST", {"/token/resync", "/token/resync/{serial}"}, {"POST /token/resync", "resync", false, true},
      [&svc](const Call& c, const token::TokenSelector& s) -> PiResult<token::TokenOutcome> {
        auto serial = Required(c.params, "serial");
        if (!serial.ok()) return serial.error();
        auto otp1 = Required(c.params, "otp1");
        if (!otp1.ok()) return otp1.error();
        auto otp2 = Required(c.params, "otp2");
        if (!otp2.ok()) return otp2.error();
        return svc.Resync(s, *otp1, *otp2);
      });
  add("POST", {"/token/setpin", "/token/setpin/{serial}"}, {"POST /token/setpin", "setpin"},
      [&svc](const Call& c, const token::TokenSelector& s) -> PiResult<token::TokenOutcome> {
        if (auto serial = Required(c.params, "serial"); !serial.ok()) return serial.error();
        return svc.SetPin(s, SecretParam(c.params, "otppin"), SecretParam(c.params, "userpin"),
                          SecretParam(c.params, "sopin"));
      });
  add("POST", {"/token/assign"}, {"POST /token/assign", "assign", false, true},
      [&svc](const Call& c, const token::TokenSelector& s) -> PiResult<token::TokenOutcome> {
        if (c.caller.is_admin()) {
          if (auto user = Required(c.params, "user"); !user.ok()) return user.error();
        }
        if (auto serial = Required(c.params, "serial"); !serial.ok()) return serial.error();
        return svc.Assign(s, SecretParam(c.params, "pin"), !c.caller.is_admin());
      });
  add("POST", {"/token/unassign"}, {"POST /token/unassign", "unassign"},
      [&svc](const Call&, const token::TokenSelector& s) { return svc.Unassign(s); });
  add("DELETE", {"/token/{serial}"}, {"DELETE /token/<serial>", "delete"},
      [&svc](const Call&, const token::TokenSelector& s) { return svc.Delete(s); });
  add("POST", {"/token/description", "/token/description/{serial}"},
      {"POST /token/description", "setdescription"},
      [&svc](const Call& c, const token::TokenSelector& s) -> PiResult<token::TokenOutcome> {
        auto description = Required(c.params, "description");
        if (!description.ok()) return description.error();
        return svc.SetDescription(s, *description);
      });
  add("POST", {"/token/info/{serial}/{key}"}, {"POST /token/info/<serial>/<key>", "settokeninfo", true, true},
      [&svc](const Call& c, const token::TokenSelector& s) -> PiResult<token::TokenOutcome> {
        auto value = Required(c.params, "value");
        if (!value.ok()) return value.error();
        return svc.SetInfo(s, c.request.path_params.at("key"), *value);
      });
  add("DELETE", {"/token/info/{serial}/{key}"},
      {"DELETE /token/info/<serial>/<key>", "settokeninfo", true, true},
      [&svc](const Call& c, const token::TokenSelector& s) {
        return svc.DeleteInfo(s, c.request.path_params.at("key"));
      });
  add("POST", {"/token/realm/{serial}"}, {"POST /token/realm/<serial>", "tokenrealms", true, true},
      [&svc](const Call& c, const token::TokenSelector& s) -> PiResult<token::TokenOutcome> {
        auto realms = Required(c.params, "realms");
        if (!realms.ok()) return realms.error();
        return svc.SetRealms(s, SplitList(*realms));
      });
}

}  // namespace

void AddTokenRoutes(http::Router& router, const ApiContext& ctx) {
  if (ctx.token_service == nullptr) return;
  router.Add("POST", "/token/init", [ctx](http::Request& r) { return Init(ctx, r); });
  for (const char* path : {"/token/", "/token"}) {
    router.Add("GET", path, [ctx](http::Request& r) { return List(ctx, r); });
  }
  AddSelectorRoutes(router, ctx);
}

}  // namespace osprey::mfa::api
