// /realm/ and /defaultrealm (privacyIDEA 3.13 api/realm.py). privacyIDEA guards realm changes with
// resolverwrite / resolverdelete; Osprey also accepts its own realmwrite / realmdelete rights [decision].
// Reading realms needs no right in privacyIDEA; Osprey checks realmread or resolverread.
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/users/users.hpp"

namespace osprey::mfa::api::users_api {
namespace {

const std::vector<std::string_view> kRead = {"realmread", "resolverread"};
const std::vector<std::string_view> kWrite = {"resolverwrite", "realmwrite"};
const std::vector<std::string_view> kDelete = {"resolverdelete", "realmdelete"};

// {"default", "id", "option", "resolver": [{"name", "node", "priority", "type"}]}
nlohmann::json RealmJson(const users::Realm& realm) {
  nlohmann::json resolvers = nlohmann::json::array();
  for (const users::RealmResolver& r : realm.resolvers) {
    resolvers.push_back({{"name", r.name}, {"node", ""}, {"priority", r.priority}, {"type", r.type}});
  }
  return {{"default", realm.is_default}, {"id", realm.id}, {"option", ""}, {"resolver", resolvers}};
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

double Now(const ApiContext& ctx) { return ctx.clock->UnixSeconds(); }

http::Response List(const ApiContext& ctx, const http::Request& request, bool default_only) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, kRead, {}); !right.ok()) return Fail(*call, "", right.error());
  auto realms = ctx.directory->ListRealms();
  if (!realms.ok()) return Fail(*call, "", ConfigAreaError(realms.error()));
  nlohmann::json value = nlohmann::json::object();
  for (const users::Realm& realm : *realms) {
    if (!default_only || realm.is_default) value[realm.name] = RealmJson(realm);
  }
  return SuccessResponse(value, nlohmann::json::object(), Now(ctx));
}

http::Response Superuser(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  return SuccessResponse(nlohmann::json::array(), nlohmann::json::object(), Now(ctx));  // no superuser realms
}

std::string Trim(std::string s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// `resolvers`: a comma-separated string or a JSON list of names.
PiResult<std::vector<std::string>> ResolverNames(const Params& params) {
  std::vector<std::string> names;
  const nlohmann::json* raw = params.Raw("resolvers");
  if (raw != nullptr && raw->is_array()) {
    for (const auto& item : *raw) names.push_back(Trim(PyStr(item)));
  } else {
    auto text = Required(params, "resolvers");
    if (!text.ok()) return text.error();
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = text->find(',', start);
      names.push_back(
          Trim(text->substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  std::erase(names, std::string());
  return names;
}

// `priority.<resolver>` = integer (privacyIDEA's get_priority_from_param).
PiResult<int> PriorityOf(const Params& params, const std::string& resolver) {
  auto text = params.Get("priority." + resolver);
  if (!text) return 0;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return ParameterError("priority." + resolver + " must be an integer");
  }
  return value;
}

http::Response Set(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "POST /realm/<realm>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string realm = Lower(Trim(call->params.GetOr("realm", "")));
  const Target target{realm, "", ""};
  if (auto right = CheckRight(*call, kWrite, target); !right.ok())
    return Fail(*call, action, right.error(), target);
  auto names = ResolverNames(call->params);
  if (!names.ok()) return Fail(*call, action, names.error(), target);
  std::vector<users::RealmResolver> members;
  nlohmann::json added = nlohmann::json::array(), failed = nlohmann::json::array();
  for (const std::string& name : *names) {
    auto def = ctx.directory->GetResolver(name);
    if (!def.ok()) {
      failed.push_back(name);
      continue;
    }
    auto priority = PriorityOf(call->params, name);
    if (!priority.ok()) return Fail(*call, action, priority.error(), target);
    members.push_back({name, def->type, *priority});
    added.push_back(name);
  }
  auto id = ctx.directory->SetRealm(realm, members);
  if (!id.ok()) return Fail(*call, action, ConfigAreaError(id.error()), target);
  Audit(*call, action, failed.empty(), "realm: " + realm + ", resolvers: " + added.dump(), target);
  return SuccessResponse({{"added", added}, {"failed", failed}}, nlohmann::json::object(), Now(ctx));
}

http::Response Delete(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "DELETE /realm/<realm>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string realm = Lower(call->params.GetOr("realm", ""));
  const Target target{realm, "", ""};
  if (auto right = CheckRight(*call, kDelete, target); !right.ok())
    return Fail(*call, action, right.error(), target);
  auto id = ctx.directory->DeleteRealm(realm);
  if (!id.ok()) return Fail(*call, action, ConfigAreaError(id.error()), target);
  Audit(*call, action, true, realm, target);
  return SuccessResponse(*id, nlohmann::json::object(), Now(ctx));
}

// The id of realm `name` ("" = the default realm), 0 when there is none.
std::int64_t RealmId(const users::Directory& directory, const std::string& name) {
  auto realms = directory.ListRealms();
  if (!realms.ok()) return 0;
  for (const users::Realm& realm : *realms) {
    if (name.empty() ? realm.is_default : realm.name == name) return realm.id;
  }
  return 0;
}

http::Response SetDefault(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "POST /defaultrealm/<realm>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string realm = Lower(Trim(call->params.GetOr("realm", "")));
  const Target target{realm, "", ""};
  if (auto right = CheckRight(*call, kWrite, target); !right.ok())
    return Fail(*call, action, right.error(), target);
  if (Status st = ctx.directory->SetDefaultRealm(realm); !st.ok()) {
    return Fail(*call, action, ConfigAreaError(st.error()), target);
  }
  Audit(*call, action, true, realm, target);
  return SuccessResponse(RealmId(*ctx.directory, realm), nlohmann::json::object(), Now(ctx));
}

http::Response ClearDefault(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "DELETE /defaultrealm";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, kDelete, {}); !right.ok()) return Fail(*call, action, right.error());
  const std::int64_t previous = RealmId(*ctx.directory, "");
  if (Status st = ctx.directory->SetDefaultRealm(""); !st.ok()) {
    return Fail(*call, action, ConfigAreaError(st.error()));
  }
  Audit(*call, action, true, "");
  return SuccessResponse(previous, nlohmann::json::object(), Now(ctx));
}

}  // namespace

void AddRealmRoutes(http::Router& router, const ApiContext& ctx) {
  for (const char* path : {"/realm/", "/realm"}) {
    router.Add("GET", path, [ctx](http::Request& r) { return List(ctx, r, false); });
  }
  router.Add("GET", "/realm/default", [ctx](http::Request& r) { return List(ctx, r, true); });
  router.Add("GET", "/realm/superuser", [ctx](http::Request& r) { return Superuser(ctx, r); });
  router.Add("POST", "/realm/{realm}", [ctx](http::Request& r) { return Set(ctx, r); });
  router.Add("DELETE", "/realm/{realm}", [ctx](http::Request& r) { return Delete(ctx, r); });
  router.Add("GET", "/defaultrealm", [ctx](http::Request& r) { return List(ctx, r, true); });
  router.Add("POST", "/defaultrealm/{realm}", [ctx](http::Request& r) { return SetDefault(ctx, r); });
  router.Add("DELETE", "/defaultrealm", [ctx](http::Request& r) { return ClearDefault(ctx, r); });
}

}  // namespace osprey::mfa::api::users_api
