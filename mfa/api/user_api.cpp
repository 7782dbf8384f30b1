// /user/ (privacyIDEA 3.13 api/user.py) and the registration of the /resolver/, /realm/ and /defaultrealm
// groups. GET lists users (a user JWT sees only itself), POST creates, PUT updates (a user JWT only itself),
// DELETE /user/<resolvername>/<username> deletes. Rights: userlist, adduser, updateuser, deleteuser.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/users/users.hpp"

namespace osprey::mfa::api {
namespace {

using users_api::Audit;
using users_api::Begin;
using users_api::Call;
using users_api::CheckRight;
using users_api::Fail;
using users_api::Required;
using users_api::Target;
using users_api::UserAreaError;

// The attributes a request may set (privacyIDEA: the resolver's map minus username and userid).
constexpr std::string_view kEditable[] = {"givenname", "surname", "email", "mobile", "phone", "description"};
constexpr std::string_view kSearchable[] = {"userid", "givenname", "surname",    "email",
                                            "mobile", "phone",     "description"};

double Now(const ApiContext& ctx) { return ctx.clock->UnixSeconds(); }

nlohmann::json UserJson(const users::User& u, const std::vector<std::string>& only) {
  nlohmann::json j = {{"username", u.info.username},   {"userid", u.info.uid},
                      {"givenname", u.info.givenname}, {"surname", u.info.surname},
                      {"email", u.info.email},         {"mobile", u.info.mobile},
                      {"phone", u.info.phone},         {"description", u.info.description},
                      {"resolver", u.resolver},        {"editable", u.editable}};
  if (only.empty()) return j;
  nlohmann::json selected = nlohmann::json::object();
  for (const std::string& key : only) {
    if (j.contains(key)) selected[key] = j[key];
  }
  return selected;
}

// privacyIDEA's get_user_list: `user` (or `username`) and any attribute are search patterns; other keys are
// ignored [decision: privacyIDEA forwards them to the resolver, whose handling varies by class].
users::UserFilter FilterOf(const Params& params) {
  users::UserFilter filter;
  if (auto name = params.Get("username")) filter.attributes["username"] = *name;
  if (auto name = params.Get("user")) filter.attributes["username"] = *name;
  for (std::string_view key : kSearchable) {
    if (auto value = params.Get(key)) filter.attributes[std::string(key)] = *value;
  }
  return filter;
}

// The resolvers to search: `resolver` and those of `realm` (a union); with neither, those of every realm.
std::set<std::string> ResolversToSearch(const users::Directory& directory, const std::string& realm,
                                        const std::string& resolver) {
  std::set<std::string> names;
  if (!resolver.empty()) names.insert(resolver);
  auto realms = directory.ListRealms();
  if (!realms.ok()) return names;
  for (const users::Realm& r : *realms) {
    if (!realm.empty() && r.name != realm) continue;
    if (realm.empty() && !resolver.empty()) continue;
    for (const users::RealmResolver& member : r.resolvers) names.insert(member.name);
  }
  return names;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// For a user JWT: user, username, realm and resolver become the caller's own (privacyIDEA rewrites the
// request the same way), so a user sees and edits only itself. The JWT does not carry the resolver: it is
// looked up.
PiStatus BindToCaller(Call& call) {
  if (call.caller.is_admin()) return PiOk();
  std::string resolver = call.caller.resolver;
  if (resolver.empty()) {
    auto user = call.ctx.directory->Find(call.caller.username, call.caller.realm);
    if (!user.ok()) return UserAreaError(user.error());
    if (!*user) {
      return UserError("User <" + call.caller.username + "@" + call.caller.realm + "> does not exist.");
    }
    resolver = (*user)->resolver;
  }
  call.params.Set("user", call.caller.username);
  call.params.Set("username", call.caller.username);
  call.params.Set("realm", call.caller.realm);
  call.params.Set("resolver", resolver);
  return PiOk();
}

http::Response ListUsers(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, false);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  Params& params = call->params;
  if (auto bound = BindToCaller(*call); !bound.ok()) return Fail(*call, "", bound.error());
  const std::string realm = params.GetOr("realm", ""), resolver = params.GetOr("resolver", "");
  if (auto right = CheckRight(*call, {"userlist"}, {realm, resolver, ""}); !right.ok()) {
    return Fail(*call, "", right.error());
  }
  const users::UserFilter filter = FilterOf(params);
  const std::vector<std::string> only = SplitComma(params.GetOr("attributes", ""));
  nlohmann::json value = nlohmann::json::array();
  // A user's own resolver only: the union with its realm's other resolvers could list a namesake.
  const std::string search_realm = call->caller.is_admin() ? realm : "";
  for (const std::string& name : ResolversToSearch(*ctx.directory, search_realm, resolver)) {
    auto list = ctx.directory->ListUsers("", name, filter);
    if (!list.ok()) {
      if (list.error().code() == ErrorCode::kNotFound) continue;  // an unknown resolver lists nobody
      return Fail(*call, "", UserAreaError(list.error()));
    }
    for (const users::User& u : *list) value.push_back(UserJson(u, only));
  }
  return SuccessResponse(value, nlohmann::json::object(), Now(ctx));
}

// The attributes given in the request (non-empty values only, as privacyIDEA's _get_attributes_from_param).
std::map<std::string, std::string> AttributesOf(const Params& params) {
  std::map<std::string, std::string> out;
  for (std::string_view key : kEditable) {
    auto value = params.Get(key);
    if (value && !value->empty()) out[std::string(key)] = *value;
  }
  return out;
}

std::optional<Secret> PasswordOf(const Params& params) {
  auto password = params.Get("password");
  if (!password || password->empty()) return std::nullopt;
  Secret secret(*password);
  std::fill(password->begin(), password->end(), '\0');
  return secret;
}

http::Response CreateUser(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "POST /user/";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  auto username = Required(call->params, "user");
  if (!username.ok()) return Fail(*call, action, username.error());
  auto resolver = Required(call->params, "resolver");
  if (!resolver.ok()) return Fail(*call, action, resolver.error());
  const Target target{"", *resolver, *username};
  if (auto right = CheckRight(*call, {"adduser"}, target); !right.ok()) {
    return Fail(*call, action, right.error(), target);
  }
  users::UserInfo info;
  info.username = *username;
  for (const auto& [key, value] : AttributesOf(call->params)) {
    if (key == "givenname") info.givenname = value;
    if (key == "surname") info.surname = value;
    if (key == "email") info.email = value;
    if (key == "mobile") info.mobile = value;
    if (key == "phone") info.phone = value;
    if (key == "description") info.description = value;
  }
  auto user = ctx.directory->CreateUser(*resolver, info, PasswordOf(call->params));
  if (!user.ok()) return Fail(*call, action, UserAreaError(user.error()), target);
  Audit(*call, action, true, user->info.uid + ": " + *username + "/" + *resolver, target);
  return SuccessResponse(user->info.uid, nlohmann::json::object(), Now(ctx));
}

http::Response UpdateUser(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "PUT /user/";
  auto call = Begin(ctx, request, false);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto bound = BindToCaller(*call); !bound.ok()) return Fail(*call, action, bound.error());
  auto username = Required(call->params, "user");
  if (!username.ok()) return Fail(*call, action, username.error());
  auto resolver = Required(call->params, "resolver");
  if (!resolver.ok()) return Fail(*call, action, resolver.error());
  const Target target{call->params.GetOr("realm", ""), *resolver, *username};
  if (auto right = CheckRight(*call, {"updateuser"}, target); !right.ok()) {
    return Fail(*call, action, right.error(), target);
  }
  Status st =
      ctx.directory->UpdateUser(*resolver, *username, AttributesOf(call->params), PasswordOf(call->params));
  if (!st.ok()) return Fail(*call, action, UserAreaError(st.error()), target);
  Audit(*call, action, true, "True: " + *username + "/" + *resolver, target);
  return SuccessResponse(true, nlohmann::json::object(), Now(ctx));
}

http::Response DeleteUser(const ApiContext& ctx, const http::Request& request) {
  const std::string action = "DELETE /user/<resolvername>/<username>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string resolver = call->params.GetOr("resolvername", "");
  const std::string username = call->params.GetOr("username", "");
  const Target target{"", resolver, username};
  if (auto right = CheckRight(*call, {"deleteuser"}, target); !right.ok()) {
    return Fail(*call, action, right.error(), target);
  }
  Status st = ctx.directory->DeleteUser(resolver, username);
  if (!st.ok()) return Fail(*call, action, UserAreaError(st.error()), target);
  Audit(*call, action, true, "<" + username + "." + resolver + "@>", target);
  return SuccessResponse(true, nlohmann::json::object(), Now(ctx));
}

}  // namespace

void AddUserRoutes(http::Router& router, const ApiContext& ctx) {
  users_api::AddResolverRoutes(router, ctx);
  users_api::AddRealmRoutes(router, ctx);
  for (const char* path : {"/user/", "/user"}) {
    router.Add("GET", path, [ctx](http::Request& r) { return ListUsers(ctx, r); });
    router.Add("POST", path, [ctx](http::Request& r) { return CreateUser(ctx, r); });
    router.Add("PUT", path, [ctx](http::Request& r) { return UpdateUser(ctx, r); });
  }
  router.Add("DELETE", "/user/{resolvername}/{username}",
             [ctx](http::Request& r) { return DeleteUser(ctx, r); });
}

}  // namespace osprey::mfa::api
