// /system/ (privacyIDEA 3.13 api/system.py; spec §4): setConfig, setDefault, GET /system/[<key>], DELETE
// /system/<key>. Admin JWT; rights configwrite / configread / configdelete (privacyIDEA's SYSTEMWRITE /
// SYSTEMREAD / SYSTEMDELETE). Audit actions name the route as privacyIDEA does ("DELETE /system/<key>"); info
// holds key names only, never values (a value may be a password-type secret).
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/system/system_config.hpp"

namespace osprey::mfa::api {
namespace {

using users_api::Begin;
using users_api::Call;
using users_api::CheckRight;

constexpr const char* kSetConfig = "POST /system/setConfig";
constexpr const char* kSetDefault = "POST /system/setDefault";
constexpr const char* kDelete = "DELETE /system/<key>";

double Now(const ApiContext& ctx) { return ctx.clock->UnixSeconds(); }

std::string LastSegment(const std::string& key) {
  const std::size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::optional<std::string> OptionalParam(const Params& params, const std::string& key) {
  return params.Get(key);
}

// Every K=V except K.type / K.desc, stored as a string with its K.type and K.desc (§4).
http::Response SetConfig(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, {"configwrite"}, {}); !right.ok())
    return users_api::FailConfigChange(*call, kSetConfig, right.error());
  nlohmann::json value = nlohmann::json::object();
  std::string keys;
  for (const auto& [key, text] : call->params.Strings()) {
    const std::string last = LastSegment(key);
    if (last == "type" || last == "desc") continue;
    auto outcome = ctx.config->Set(key, text, OptionalParam(call->params, key + ".type"),
                                   OptionalParam(call->params, key + ".desc"));
    if (!outcome.ok()) return users_api::FailConfigChange(*call, kSetConfig, FromError(outcome.error()), key);
    value[key] = *outcome;
    keys += (keys.empty() ? "" : ", ") + key;
  }
  users_api::AuditConfigChange(*call, kSetConfig, true, keys, "");
  return SuccessResponse(value, nlohmann::json::object(), Now(ctx));
}

// The five Default* names, matched case-insensitively; none → ERR77.
http::Response SetDefault(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, {"configwrite"}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, kSetDefault, right.error());
  }
  nlohmann::json value = nlohmann::json::object();
  std::string info;
  for (const auto& [key, text] : call->params.Strings()) {
    const auto canonical = system::CanonicalDefaultName(key);
    if (!canonical) continue;
    auto outcome = ctx.config->Set(*canonical, text);
    if (!outcome.ok())
      return users_api::FailConfigChange(*call, kSetDefault, FromError(outcome.error()), *canonical);
    value[*canonical] = *outcome;
    info += *canonical + "=" + text + ", ";  // Default* values are numbers and flags, not secrets
  }
  if (value.empty()) {
    return users_api::FailConfigChange(
        *call, kSetDefault,
        CodedError(77,
                   "Usage: parameters are: DefaultMaxFailCount, DefaultSyncWindow, "
                   "DefaultCountWindow, DefaultOtpLen, DefaultResetFailCount"));
  }
  users_api::AuditConfigChange(*call, kSetDefault, true, "", info);
  return SuccessResponse(value, nlohmann::json::object(), Now(ctx));
}

// GET /system/ → every stored key with the defaults of §4; GET /system/<key> → that value or null.
http::Response Get(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, {"configread"}, {}); !right.ok())
    return users_api::FailConfigChange(*call, nullptr, right.error());
  auto all = ctx.config->All();
  if (!all.ok()) return users_api::FailConfigChange(*call, nullptr, FromError(all.error()));
  const auto key = request.path_params.find("key");
  if (key == request.path_params.end()) {
    return SuccessResponse(nlohmann::json(*all), nlohmann::json::object(), Now(ctx));
  }
  const auto it = all->find(key->second);
  const nlohmann::json value = it == all->end() ? nlohmann::json(nullptr) : nlohmann::json(it->second);
  return SuccessResponse(value, nlohmann::json::object(), Now(ctx));
}

// DELETE /system/<key> → true, or false when the key was not stored.
http::Response Delete(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string key = request.path_params.at("key");
  if (auto right = CheckRight(*call, {"configdelete"}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, kDelete, right.error(), key);
  }
  auto deleted = ctx.config->Delete(key);
  if (!deleted.ok()) return users_api::FailConfigChange(*call, kDelete, FromError(deleted.error()), key);
  users_api::AuditConfigChange(*call, kDelete, true, key, "");
  return SuccessResponse(*deleted, nlohmann::json::object(), Now(ctx));
}

}  // namespace

void AddSystemRoutes(http::Router& router, const ApiContext& ctx) {
  router.Add("POST", "/system/setConfig", [ctx](http::Request& r) { return SetConfig(ctx, r); });
  router.Add("POST", "/system/setDefault", [ctx](http::Request& r) { return SetDefault(ctx, r); });
  for (const char* path : {"/system/", "/system"}) {
    router.Add("GET", path, [ctx](http::Request& r) { return Get(ctx, r); });
  }
  router.Add("GET", "/system/{key}", [ctx](http::Request& r) { return Get(ctx, r); });
  router.Add("DELETE", "/system/{key}", [ctx](http::Request& r) { return Delete(ctx, r); });
}

}  // namespace osprey::mfa::api
