#include "mfa/api/user_api_common.hpp"

#include <cctype>

#include <spdlog/spdlog.h>

#include "mfa/api/envelope.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/policy/policy.hpp"
#include "osprey/core/clock.hpp"

namespace osprey::mfa::api::users_api {

PiResult<Call> Begin(const ApiContext& ctx, const http::Request& request, bool admin_only) {
  const double started = ctx.clock->UnixSeconds();
  auto caller = RequireCaller(ctx, request, admin_only);
  if (!caller.ok()) return caller.error();
  return Call{ctx, request, Params::FromRequest(request), std::move(*caller), started};
}

PiStatus CheckRight(const Call& call, const std::vector<std::string_view>& actions, const Target& target) {
  if (call.ctx.policies == nullptr) return PiOk();
  const bool admin = call.caller.is_admin();
  policy::Subject subject;
  subject.client = call.request.remote_address;
  if (admin) {
    subject.realm = target.realm;
    subject.resolver = target.resolver;
    subject.user = target.user;
    subject.admin_realm = call.caller.realm;
    subject.admin_user = call.caller.username;
  } else {
    subject.realm = call.caller.realm;
    subject.resolver = call.caller.resolver;
    subject.user = call.caller.username;
  }
  const std::string_view scope = admin ? policy::kScopeAdmin : policy::kScopeUser;
  for (std::string_view action : actions) {
    if (call.ctx.policies->Allowed(scope, action, subject)) return PiOk();
  }
  return PolicyError(std::string(admin ? "Admin" : "User") + " actions are defined, but the action " +
                     std::string(actions.front()) + " is not allowed!");
}

void Audit(const Call& call, const std::string& action, bool success, const std::string& info,
           const Target& target) {
  if (call.ctx.audit == nullptr) return;
  audit::AuditEntry e;
  e.action = action;
  e.success = success;
  e.info = info;
  e.client = call.request.remote_address;
  e.user_agent = std::string(call.request.headers.Get("User-Agent").value_or(""));
  e.realm = target.realm;
  e.resolver = target.resolver;
  e.user = target.user;
  if (call.caller.is_admin()) {
    e.administrator = call.caller.username;
  } else {
    e.user = call.caller.username;
    e.realm = call.caller.realm;
    e.resolver = call.caller.resolver;
  }
  e.duration = call.ctx.clock->UnixSeconds() - call.started;
  Status st = call.ctx.audit->Append(e);
  if (!st.ok()) spdlog::error("audit of {} failed: {}", action, st.error().ToString());
}

PiError UserAreaError(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kNotFound: return UserError(error.message());
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return ParameterError(error.message());
    default: return FromError(error);
  }
}

PiError ConfigAreaError(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kNotFound: return NotFoundError(error.message());
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return ParameterError(error.message());
    default: return FromError(error);
  }
}

PiResult<std::string> Required(const Params& params, std::string_view name) {
  auto value = params.Get(name);
  if (!value) return ParameterError("Missing parameter: '" + std::string(name) + "'");
  return *value;
}

http::Response Fail(const Call& call, const std::string& action, const PiError& error, const Target& target) {
  if (!action.empty()) Audit(call, action, false, error.message, target);
  return ErrorResponse(error, call.ctx.clock->UnixSeconds());
}

void AuditConfigChange(const Call& call, const char* action, bool success, const std::string& detail,
                       const std::string& info) {
  if (call.ctx.audit == nullptr || action == nullptr) return;
  audit::AuditEntry e;
  e.action = action;
  e.success = success;
  e.action_detail = detail;
  e.info = info;
  e.administrator = call.caller.username;
  e.realm = call.caller.realm;
  e.client = call.request.remote_address;
  e.user_agent = std::string(call.request.headers.Get("User-Agent").value_or(""));
  e.duration = call.ctx.clock->UnixSeconds() - call.started;
  if (Status st = call.ctx.audit->Append(e); !st.ok()) {
    spdlog::error("audit of {} failed: {}", action, st.error().ToString());
  }
}

http::Response FailConfigChange(const Call& call, const char* action, const PiError& error,
                                const std::string& detail) {
  AuditConfigChange(call, action, false, detail, error.message);
  return ErrorResponse(error, call.ctx.clock->UnixSeconds());
}

}  // namespace osprey::mfa::api::users_api
