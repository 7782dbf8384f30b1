// Shared pieces of the /resolver/, /realm/, /defaultrealm and /user/ handlers (module-internal to mfa/api):
// caller + right checks as privacyIDEA's check_base_action, audit entries, and the mapping of mfa/users
// errors to the wire. Thread rule: pure functions over the (immutable) ApiContext.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mfa/api/api_context.hpp"
#include "mfa/api/params.hpp"
#include "mfa/auth/auth.hpp"
#include "osprey/core/result.hpp"

namespace osprey::mfa::api::users_api {

// What a right check is about (the policy Subject's target fields).
struct Target {
  std::string realm, resolver, user;
};

// One request in progress: the caller (after RequireCaller), its params, and when it started.
struct Call {
  const ApiContext& ctx;
  const http::Request& request;
  Params params;
  auth::Caller caller;
  double started = 0;
};

// The caller of `request` (admin_only: 4306 for users), with the params parsed.
PiResult<Call> Begin(const ApiContext& ctx, const http::Request& request, bool admin_only);

// privacyIDEA's check_base_action in the caller's scope (admin / user): allowed when any of `actions` is
// granted. Otherwise 403/303 "<Role> actions are defined, but the action <actions[0]> is not allowed!".
PiStatus CheckRight(const Call& call, const std::vector<std::string_view>& actions, const Target& target);

// Appends an audit entry for a state-changing request (`action` as privacyIDEA names it:
// "POST /resolver/<resolver>"). `info` must not contain secrets. Audit failures are logged, not returned.
void Audit(const Call& call, const std::string& action, bool success, const std::string& info,
           const Target& target = {});

// mfa/users errors on the /user/ endpoints: kNotFound → 904 (privacyIDEA's UserError), invalid / exists /
// not editable → 905, others per FromError.
PiError UserAreaError(const Error& error);
// ... on /resolver/ and /realm/: kNotFound → 404/601, invalid / in use → 905, others per FromError.
PiError ConfigAreaError(const Error& error);

// A required parameter, or ERR905 "Missing parameter: '<name>'".
PiResult<std::string> Required(const Params& params, std::string_view name);

// The error envelope, audited first when the request changes state (`action` non-empty).
http::Response Fail(const Call& call, const std::string& action, const PiError& error,
                    const Target& target = {});

// The audit entry and the error envelope of an admin's configuration change (/system/, /policy/): `detail`
// names what changed (a policy, a config key), `info` says how; the caller's realm is the entry's realm.
// `action` nullptr: a read, not audited.
void AuditConfigChange(const Call& call, const char* action, bool success, const std::string& detail,
                       const std::string& info);
http::Response FailConfigChange(const Call& call, const char* action, const PiError& error,
                                const std::string& detail = {});

// Route registration of the three groups (resolver_api.cpp, realm_api.cpp, user_api.cpp).
void AddResolverRoutes(http::Router& router, const ApiContext& ctx);
void AddRealmRoutes(http::Router& router, const ApiContext& ctx);

}  // namespace osprey::mfa::api::users_api
