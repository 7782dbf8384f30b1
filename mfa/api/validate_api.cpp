// /validate/check, /validate/radiuscheck, /validate/samlcheck, /validate/triggerchallenge (spec §8, §8.2,
// §9): parameters → validate::CheckRequest → Validator → privacyIDEA's envelope (id 2,
// result.authentication).
#include <functional>
#include <string>

#include "mfa/api/api_context.hpp"
#include "mfa/api/envelope.hpp"
#include "mfa/api/params.hpp"
#include "mfa/auth/auth.hpp"
#include "mfa/validate/validator.hpp"
#include "osprey/core/clock.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;
using validate::CheckRequest;
using validate::CheckResult;

CheckRequest RequestOf(const http::Request& request) {
  const Params params = Params::FromRequest(request);
  CheckRequest r;
  r.user = params.GetOr("user", "");
  r.realm = params.GetOr("realm", "");
  r.resolver = params.GetOr("resolver", "");
  r.serial = params.GetOr("serial", "");
  if (auto pass = params.Get("pass")) r.pass = Secret(*pass);
  r.transaction_id = params.Get("transaction_id").value_or(params.GetOr("state", ""));
  r.otponly = params.GetBool("otponly");
  r.type = params.GetOr("type", "");
  r.exception = params.GetBool("exception");
  r.client = request.remote_address;
  r.user_agent = std::string(request.headers.Get("User-Agent").value_or(""));
  r.action = request.method + " " + request.path;
  return r;
}

json EntryOf(const validate::ChallengeEntry& e) {
  json entry = {{"transaction_id", e.transaction_id}, {"serial", e.serial},   {"type", e.type},
                {"client_mode", e.client_mode},       {"message", e.message}, {"attributes", nullptr}};
  if (e.attributes) {
    json attributes = json::object();
    for (const auto& [name, value] : *e.attributes) attributes[name] = value ? json(*value) : json(nullptr);
    entry["attributes"] = std::move(attributes);
  }
  return entry;
}

// `detail` of §8 / §8.1 (the envelope adds threadid).
json DetailOf(const CheckResult& r) {
  json detail = json::object();
  if (r.has_challenges) {
    json entries = json::array();
    for (const validate::ChallengeEntry& e : r.multi_challenge) entries.push_back(EntryOf(e));
    // The last entry's keys at the top level: deprecated in privacyIDEA, but clients still read them.
    if (!entries.empty()) detail.update(entries.back());
    detail["multi_challenge"] = entries;
    detail["messages"] = r.messages;
    detail["transaction_ids"] = r.transaction_ids;
    if (!entries.empty()) detail["preferred_client_mode"] = "interactive";
  }
  if (r.message) detail["message"] = *r.message;
  if (r.serial) detail["serial"] = *r.serial;
  if (r.type) detail["type"] = *r.type;
  if (r.otplen) detail["otplen"] = *r.otplen;
  return detail;
}

enum class Variant { kCheck, kRadius, kSaml };

http::Response Check(const ApiContext& ctx, const http::Request& request, Variant variant) {
  CheckRequest check = RequestOf(request);
  check.saml = variant == Variant::kSaml;
  auto result = ctx.validator->Check(check);
  const double now = ctx.clock->UnixSeconds();
  if (!result.ok()) return ErrorResponse(result.error(), now);
  switch (variant) {
    case Variant::kRadius:
      return result->value ? http::Response::Empty(204) : http::Response::Text(400, "", "text/plain");
    case Variant::kSaml: {
      json value = {{"auth", result->value}, {"attributes", json::object()}};
      for (const auto& [k, v] : result->saml_attributes) value["attributes"][k] = v;
      return SuccessResponse(value, DetailOf(*result), now, 2, true);
    }
    case Variant::kCheck: break;
  }
  return SuccessResponse(result->value, DetailOf(*result), now, 2);
}

http::Response TriggerChallenge(const ApiContext& ctx, const http::Request& request) {
  auto caller = RequireCaller(ctx, request, true);
  if (!caller.ok()) return ErrorResponse(caller.error(), ctx.clock->UnixSeconds());
  CheckRequest trigger = RequestOf(request);
  trigger.administrator = caller->username;
  auto result = ctx.validator->TriggerChallenge(trigger);
  const double now = ctx.clock->UnixSeconds();
  if (!result.ok()) return ErrorResponse(result.error(), now);
  return SuccessResponse(result->challenges_created, DetailOf(*result), now, 2);
}

}  // namespace

void AddValidateRoutes(http::Router& router, const ApiContext& ctx) {
  const ApiContext* c = &ctx;
  for (const char* method : {"GET", "POST"}) {
    router.Add(method, "/validate/check", [c](http::Request& r) { return Check(*c, r, Variant::kCheck); });
    router.Add(method, "/validate/radiuscheck",
               [c](http::Request& r) { return Check(*c, r, Variant::kRadius); });
    router.Add(method, "/validate/samlcheck", [c](http::Request& r) { return Check(*c, r, Variant::kSaml); });
    router.Add(method, "/validate/triggerchallenge",
               [c](http::Request& r) { return TriggerChallenge(*c, r); });
  }
}

}  // namespace osprey::mfa::api
