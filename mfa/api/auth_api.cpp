// POST /auth (spec privacyidea-api.md §10): username (may carry @realm), password, optional realm. Success is
// the id-2 envelope with authentication ACCEPT; failures are the §3 error envelope (id 1, HTTP 401).
// Every attempt is audited, successful or not; the password never is.
#include <chrono>
#include <string>

#include <spdlog/spdlog.h>

#include "mfa/api/api_context.hpp"
#include "mfa/api/envelope.hpp"
#include "mfa/api/params.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/auth/auth.hpp"
#include "mfa/system/system_config.hpp"

namespace osprey::mfa::api {
namespace {

constexpr int kLogLevel = 30;  // privacyIDEA's PI_LOGLEVEL default (logging.WARNING), shown to the WebUI

struct AuthRequest {
  std::string username, realm;
  Secret password;
};

AuthRequest ParseAuthRequest(const http::Request& request) {
  const Params params = Params::FromRequest(request);
  std::string password = params.GetOr("password", "");
  AuthRequest r{params.GetOr("username", ""), params.GetOr("realm", ""), Secret(password)};
  std::fill(password.begin(), password.end(), '\0');
  return r;
}

nlohmann::json LoginValue(const auth::LoginResult& login) {
  return {{"token", login.token},
          {"role", login.caller.role},
          {"username", login.caller.username},
          {"realm", login.caller.realm},
          {"log_level", kLogLevel},
          {"rights", login.caller.rights},
          {"menus", login.menus},
          {"auth", true}};
}

// privacyIDEA logs a local admin as `administrator` with info "internal admin", a user as `user` with the
// realm and resolver, and a failure with the name and realm that were tried.
audit::AuditEntry AuditOf(const http::Request& request, const AuthRequest& in,
                          const PiResult<auth::LoginResult>& login, double started, double now) {
  audit::AuditEntry e;
  e.action = "POST /auth";
  e.client = request.remote_address;
  e.user_agent = std::string(request.headers.Get("User-Agent").value_or(""));
  e.duration = now - started;
  if (!login.ok()) {
    e.user = in.username;
    e.realm = in.realm;
    e.info = login.error().message;
    return e;
  }
  e.success = true;
  e.authentication = "ACCEPT";
  const auth::Caller& caller = login->caller;
  if (caller.is_admin()) {
    e.administrator = caller.username;
    e.info = "internal admin";
  } else {
    e.user = caller.username;
    e.realm = caller.realm;
    e.resolver = caller.resolver;
  }
  return e;
}

http::Response HandleAuth(const ApiContext& ctx, const http::Request& request) {
  const double started = ctx.clock->UnixSeconds();
  const AuthRequest in = ParseAuthRequest(request);
  const bool split_at_sign = ctx.config == nullptr || ctx.config->GetBool("splitAtSign", true);
  auto login = ctx.auth->Login(in.username, in.password, in.realm, split_at_sign, request.remote_address);
  const double now = ctx.clock->UnixSeconds();
  if (ctx.audit != nullptr) {
    Status audited = ctx.audit->Append(AuditOf(request, in, login, started, now));
    if (!audited.ok()) spdlog::error("audit of POST /auth failed: {}", audited.error().ToString());
  }
  if (!login.ok()) return ErrorResponse(login.error(), now);
  return SuccessResponse(LoginValue(*login), nlohmann::json::object(), now, 2);
}

}  // namespace

void AddAuthRoutes(http::Router& router, const ApiContext& ctx) {
  router.Add("POST", "/auth", [ctx](http::Request& request) { return HandleAuth(ctx, request); });
}

}  // namespace osprey::mfa::api
