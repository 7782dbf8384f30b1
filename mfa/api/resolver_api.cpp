// /resolver/ (privacyIDEA 3.13 api/resolver.py): list, read, create/update, delete resolver instances.
// Rights: resolverread (GET), resolverwrite (POST), resolverdelete (DELETE).
#include <string>

#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/users/users.hpp"

namespace osprey::mfa::api::users_api {
namespace {

constexpr const char* kCensored = "__CENSORED__";

const users::ParamSpec* SpecOf(const users::ResolverType* type, const std::string& name) {
  if (type == nullptr) return nullptr;
  for (const users::ParamSpec& p : type->params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// {"resolvername", "type", "censor_keys", "data"}: secret parameters shown as __CENSORED__.
nlohmann::json ResolverJson(const users::Directory& directory, const users::ResolverDefinition& def) {
  const users::ResolverType* type = directory.types().Find(def.type);
  nlohmann::json data = nlohmann::json::object(), censored = nlohmann::json::array();
  for (const auto& [key, value] : def.params) {
    const users::ParamSpec* spec = SpecOf(type, key);
    if (spec != nullptr && spec->secret) {
      data[key] = kCensored;
      censored.push_back(key);
    } else {
      data[key] = value;
    }
  }
  return {{"resolvername", def.name}, {"type", def.type}, {"censor_keys", censored}, {"data", data}};
}

http::Response List(const ApiContext& ctx, const http::Request& request, bool one) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), ctx.clock->UnixSeconds());
  if (auto right = CheckRight(*call, {"resolverread"}, {}); !right.ok())
    return Fail(*call, "", right.error());
  const std::string name = one ? call->params.GetOr("resolver", "") : "";
  auto list = ctx.directory->ListResolvers(one ? "" : call->params.GetOr("type", ""));
  if (!list.ok()) return Fail(*call, "", ConfigAreaError(list.error()));
  nlohmann::json value = nlohmann::json::object();
  for (const users::ResolverDefinition& def : *list) {
    if (!one || def.name == name) value[def.name] = ResolverJson(*ctx.directory, def);
  }
  return SuccessResponse(value, nlohmann::json::object(), ctx.clock->UnixSeconds());
}

// privacyIDEA's names for the two Osprey types a client may send [decision: only passwdresolver maps; an
// sqlresolver there means an external database, which Osprey's "sql" is not].
std::string TypeName(const std::string& type) { return type == "passwdresolver" ? "passwdfile" : type; }

// The definition from the request: every parameter the type knows; `type.*` / `desc.*` hints and keys the
// type does not know are ignored, as privacyIDEA stores-and-ignores them.
PiResult<users::ResolverDefinition> Definition(const users::Directory& directory, const Params& params) {
  auto type = Required(params, "type");
  if (!type.ok()) return type.error();
  users::ResolverDefinition def;
  def.name = params.GetOr("resolver", "");
  def.type = TypeName(*type);
  const users::ResolverType* known = directory.types().Find(def.type);
  for (const auto& [key, value] : params.Strings()) {
    if (key == "resolver" || key == "type" || SpecOf(known, key) == nullptr) continue;
    def.params[key] = value;
  }
  return def;
}

http::Response Set(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "POST /resolver/<resolver>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), ctx.clock->UnixSeconds());
  const Target target{"", call->params.GetOr("resolver", ""), ""};
  if (auto right = CheckRight(*call, {"resolverwrite"}, target); !right.ok()) {
    return Fail(*call, action, right.error(), target);
  }
  auto def = Definition(*ctx.directory, call->params);
  if (!def.ok()) return Fail(*call, action, def.error(), target);
  auto id = ctx.directory->SetResolver(*def);
  if (!id.ok()) return Fail(*call, action, ConfigAreaError(id.error()), target);
  Audit(*call, action, true, "resolver: " + def->name + ", type: " + def->type, target);
  return SuccessResponse(*id, nlohmann::json::object(), ctx.clock->UnixSeconds());
}

http::Response Delete(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "DELETE /resolver/<resolver>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), ctx.clock->UnixSeconds());
  const std::string name = call->params.GetOr("resolver", "");
  const Target target{"", name, ""};
  if (auto right = CheckRight(*call, {"resolverdelete"}, target); !right.ok()) {
    return Fail(*call, action, right.error(), target);
  }
  auto id = ctx.directory->DeleteResolver(name);
  // privacyIDEA's delete_resolver answers -1 when there was nothing to delete.
  if (!id.ok() && id.error().code() != ErrorCode::kNotFound) {
    return Fail(*call, action, ConfigAreaError(id.error()), target);
  }
  const std::int64_t value = id.ok() ? *id : -1;
  Audit(*call, action, value > 0, name, target);
  return SuccessResponse(value, nlohmann::json::object(), ctx.clock->UnixSeconds());
}

}  // namespace

void AddResolverRoutes(http::Router& router, const ApiContext& ctx) {
  for (const char* path : {"/resolver/", "/resolver"}) {
    router.Add("GET", path, [ctx](http::Request& r) { return List(ctx, r, false); });
  }
  router.Add("GET", "/resolver/{resolver}", [ctx](http::Request& r) { return List(ctx, r, true); });
  router.Add("POST", "/resolver/{resolver}", [ctx](http::Request& r) { return Set(ctx, r); });
  router.Add("DELETE", "/resolver/{resolver}", [ctx](http::Request& r) { return Delete(ctx, r); });
}

}  // namespace osprey::mfa::api::users_api
