// /smsgateway/ (privacyIDEA 3.13 api/smsgateway.py; spec §12): list and read gateway definitions, the
// provider listing, create/update by name, delete a gateway, delete one option or header. Admin JWT; rights
// smsgateway_read (GET) and smsgateway_write (POST, DELETE). Admins read option and header values in plain
// text, as from privacyIDEA 3.13 (docs/compatibility.md). Changes are audited with the gateway name, id and
// key, never a value. Handlers only translate HTTP to one mfa/sms GatewayStore call and render.
#include <charconv>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/sms/gateway_store.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;
using users_api::Call;

constexpr const char* kRead = "smsgateway_read";
constexpr const char* kWrite = "smsgateway_write";
constexpr const char* kPost = "POST /smsgateway";
constexpr const char* kDelete = "DELETE /smsgateway/<identifier>";
constexpr const char* kDeleteOption = "DELETE /smsgateway/option/<gwid>/<key>";
constexpr const char* kGatewayNotFound = "The requested SMSGateway could not be found.";
constexpr const char* kOptionNotFound = "The requested SMSGatewayOption could not be found.";

double Now(const ApiContext& ctx) { return ctx.clock->UnixSeconds(); }

// The store's failures: an unknown module (kNotFound from SaveGateway) is an ImportError inside privacyIDEA,
// which answers it as an unexpected failure: 500, -500. Database failures per FromError.
PiError GatewayError(const Error& error) {
  if (error.code() == ErrorCode::kNotFound) return InternalError(error.message());
  return FromError(error);
}

// Python's int() of a path id, as privacyIDEA's get_smsgateway applies it: nullopt when not an integer.
std::optional<std::int64_t> IdOf(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

// The envelope renders object keys sorted, as privacyIDEA's Flask jsonify does (sort_keys), so GET shows
// options and headers by key whatever their stored order.
json ObjectOf(const sms::OrderedStringMap& values) {
  json out = json::object();
  for (const auto& [key, value] : values) out[key] = value;
  return out;
}

json GatewayJson(const sms::GatewayDefinition& gw) {
  return {{"id", gw.id},
          {"name", gw.name},
          {"providermodule", gw.module},
          {"description", gw.description ? json(*gw.description) : json(nullptr)},
          {"options", ObjectOf(gw.options)},
          {"headers", ObjectOf(gw.headers)}};
}

json ProviderJson(const sms::ProviderDescriptor& d) {
  json parameters = json::object();
  for (const auto& [name, p] : d.parameters) {
    json entry = {{"required", p.required}, {"description", p.description}};
    if (!p.values.empty()) entry["values"] = p.values;
    parameters[name] = std::move(entry);
  }
  json out = {{"options_allowed", d.options_allowed}, {"parameters", std::move(parameters)}};
  if (d.headers_allowed) out["headers_allowed"] = *d.headers_allowed;
  return out;
}

// The request's parameter names in the order of privacyIDEA's request.all_data: the query's, then the form's,
// then the JSON body's, each at its first occurrence. Params and nlohmann::json sort keys, so the body is
// read again with its order kept.
std::vector<std::string> KeysInRequestOrder(const http::Request& request) {
  std::vector<std::string> keys;
  std::set<std::string, std::less<>> seen;
  const auto add = [&](const std::string& key) {
    if (seen.insert(key).second) keys.push_back(key);
  };
  for (const http::Pairs* source : {&request.query, &request.form}) {
    for (const auto& [key, value] : *source) add(key);
  }
  if (request.json && request.json->is_object()) {
    const auto body = nlohmann::ordered_json::parse(request.body, nullptr, false);
    if (body.is_object()) {
      for (const auto& [key, value] : body.items()) add(key);
    }
  }
  return keys;
}

// The gateway of a POST: name, module, description, option.<KEY> and header.<KEY> (values as strings), the
// options and headers in the order the request gave them (privacyIDEA stores and sends them in it).
PiResult<sms::GatewayDefinition> DefinitionOf(const Call& call) {
  auto name = users_api::Required(call.params, "name");
  if (!name.ok()) return name.error();
  auto module = users_api::Required(call.params, "module");
  if (!module.ok()) return module.error();
  sms::GatewayDefinition gw;
  gw.name = *name;
  gw.module = *module;
  gw.description = call.params.Get("description");
  for (const std::string& key : KeysInRequestOrder(call.request)) {
    const bool option = key.rfind("option.", 0) == 0;
    if (!option && key.rfind("header.", 0) != 0) continue;
    const std::optional<std::string> value = call.params.Get(key);  // the merged value; null is left out
    if (value) (option ? gw.options : gw.headers)[key.substr(7)] = *value;
  }
  return gw;
}

// The admin caller holding `right`, then `body`; a refused right is audited when `action` is set.
template <typename Body>
http::Response Handle(const ApiContext& ctx, const http::Request& request, const char* right,
                      const char* action, const Body& body) {
  auto call = users_api::Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto allowed = users_api::CheckRight(*call, {right}, {}); !allowed.ok()) {
    return users_api::FailConfigChange(*call, action, allowed.error());
  }
  return body(*call);
}

// GET /smsgateway/[<gwid>]: all gateways, or the one of a numeric id (a list of one, or empty).
http::Response List(const Call& call) {
  const auto gwid = call.request.path_params.find("gwid");
  const std::optional<std::int64_t> id =
      gwid == call.request.path_params.end() ? std::nullopt : IdOf(gwid->second);
  Result<std::vector<sms::GatewayDefinition>> list = std::vector<sms::GatewayDefinition>{};
  if (id) {
    auto one = call.ctx.gateways->FindById(*id);
    if (!one.ok()) return users_api::FailConfigChange(call, nullptr, FromError(one.error()));
    if (one->has_value()) list->push_back(std::move(**one));
  } else {
    list = call.ctx.gateways->List();
  }
  if (!list.ok()) return users_api::FailConfigChange(call, nullptr, FromError(list.error()));
  json value = json::array();
  for (const sms::GatewayDefinition& gw : *list) value.push_back(GatewayJson(gw));
  return SuccessResponse(value, json::object(), Now(call.ctx));
}

http::Response Providers(const Call& call) {
  json value = json::object();
  if (call.ctx.sms_providers != nullptr) {
    for (const sms::SmsProvider* p : call.ctx.sms_providers->All()) {
      const sms::ProviderDescriptor d = p->Describe();
      value[d.module] = ProviderJson(d);
    }
  }
  return SuccessResponse(value, json::object(), Now(call.ctx));
}

http::Response Set(const Call& call) {
  auto gw = DefinitionOf(call);
  if (!gw.ok()) return users_api::FailConfigChange(call, kPost, gw.error(), call.params.GetOr("name", ""));
  static const sms::SmsProviders kNone;
  const sms::SmsProviders& providers = call.ctx.sms_providers != nullptr ? *call.ctx.sms_providers : kNone;
  auto id = sms::SaveGateway(*call.ctx.gateways, providers, *gw);
  if (!id.ok()) return users_api::FailConfigChange(call, kPost, GatewayError(id.error()), gw->name);
  users_api::AuditConfigChange(call, kPost, true, gw->name, std::to_string(*id));
  return SuccessResponse(*id, json::object(), Now(call.ctx));
}

http::Response Delete(const Call& call) {
  const std::string& name = call.request.path_params.at("identifier");
  auto id = call.ctx.gateways->Remove(name);
  if (!id.ok()) return users_api::FailConfigChange(call, kDelete, FromError(id.error()), name);
  if (!id->has_value())
    return users_api::FailConfigChange(call, kDelete, NotFoundError(kGatewayNotFound), name);
  users_api::AuditConfigChange(call, kDelete, true, name, std::to_string(**id));
  return SuccessResponse(**id, json::object(), Now(call.ctx));
}

// DELETE /smsgateway/option/<gwid>/<key>: key "option.X", "header.X" or "X" (an option), split at the first
// dot; any other prefix names nothing that can be stored.
http::Response DeleteOption(const Call& call) {
  const std::string& gwid = call.request.path_params.at("gwid");
  const std::string& ref = call.request.path_params.at("key");
  const std::string detail = gwid + "/" + ref;
  const std::size_t dot = ref.find('.');
  const std::string type = dot == std::string::npos ? "option" : ref.substr(0, dot);
  const std::string key = dot == std::string::npos ? ref : ref.substr(dot + 1);
  const std::optional<std::int64_t> id = IdOf(gwid);
  if (!id || (type != "option" && type != "header")) {
    return users_api::FailConfigChange(call, kDeleteOption, NotFoundError(kOptionNotFound), detail);
  }
  auto row = call.ctx.gateways->RemoveOption(
      *id, type == "header" ? sms::OptionKind::kHeader : sms::OptionKind::kOption, key);
  if (!row.ok()) return users_api::FailConfigChange(call, kDeleteOption, FromError(row.error()), detail);
  if (!row->has_value()) {
    return users_api::FailConfigChange(call, kDeleteOption, NotFoundError(kOptionNotFound), detail);
  }
  users_api::AuditConfigChange(call, kDeleteOption, true, detail, std::to_string(**row));
  return SuccessResponse(**row, json::object(), Now(call.ctx));
}

}  // namespace

void AddSmsGatewayRoutes(http::Router& router, const ApiContext& ctx) {
  if (ctx.gateways == nullptr) return;
  auto add = [&](const char* method, const char* path, const char* right, const char* action,
                 http::Response (*body)(const Call&)) {
    router.Add(method, path,
               [ctx, right, action, body](http::Request& r) { return Handle(ctx, r, right, action, body); });
  };
  for (const char* path : {"/smsgateway/", "/smsgateway", "/smsgateway/{gwid}"}) {
    add("GET", path, kRead, nullptr, List);
  }
  add("GET", "/smsgateway/providers", kRead, nullptr, Providers);
  for (const char* path : {"/smsgateway/", "/smsgateway"}) add("POST", path, kWrite, kPost, Set);
  add("DELETE", "/smsgateway/{identifier}", kWrite, kDelete, Delete);
  add("DELETE", "/smsgateway/option/{gwid}/{key}", kWrite, kDeleteOption, DeleteOption);
}

}  // namespace osprey::mfa::api
