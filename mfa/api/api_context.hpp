// ApiContext: the domain services the privacyIDEA endpoints call, handed to every route group
// (Add*Routes(router, ctx)). api code holds no business rules: each handler parses Params, checks the caller
// (RequireAdmin / RequireCaller), calls one domain function, audits, and renders with envelope.hpp.
// Ownership: pointers to services owned by the serve command (cli/mfa_wiring.*), which outlive the router.
// Thread rule: immutable after start-up.
#pragma once

#include <string>

#include "mfa/common/pi_error.hpp"
#include "osprey/http/message.hpp"
#include "osprey/http/router.hpp"

namespace osprey {
class Clock;
}
namespace osprey::mfa::system {
class SystemConfig;
}
namespace osprey::mfa::policy {
class PolicyEngine;
}
namespace osprey::mfa::users {
class Directory;
}
namespace osprey::mfa::token {
class TokenTypes;
class TokenStore;
class TokenService;
}  // namespace osprey::mfa::token
namespace osprey::mfa::validate {
class Validator;
}
namespace osprey::mfa::audit {
class AuditLog;
struct AuditEntry;
}  // namespace osprey::mfa::audit
namespace osprey::mfa::auth {
class AuthService;
class AdminStore;
struct Caller;
}  // namespace osprey::mfa::auth
namespace osprey::mfa::smtp {
class SmtpServerStore;
class Mailer;
}  // namespace osprey::mfa::smtp
namespace osprey::mfa::sms {
class GatewayStore;
class SmsProviders;
}  // namespace osprey::mfa::sms

namespace osprey::mfa::api {

struct ApiContext {
  const Clock* clock = nullptr;
  system::SystemConfig* config = nullptr;
  policy::PolicyEngine* policies = nullptr;
  users::Directory* directory = nullptr;
  token::TokenTypes* token_types = nullptr;
  token::TokenStore* tokens = nullptr;
  token::TokenService* token_service = nullptr;
  validate::Validator* validator = nullptr;
  audit::AuditLog* audit = nullptr;
  auth::AuthService* auth = nullptr;
  auth::AdminStore* admins = nullptr;
  sms::GatewayStore* gateways = nullptr;
  const sms::SmsProviders* sms_providers = nullptr;
  smtp::SmtpServerStore* smtp_servers = nullptr;
  const smtp::Mailer* mailer = nullptr;  // POST /smtpserver/send_test_email
};

// The caller of an endpoint that needs a JWT (§1.5): PI-Authorization, else Authorization. 4033 without a
// header, 4304/4305 for a bad token, 4306 when `admin_only` and the caller is a user.
PiResult<auth::Caller> RequireCaller(const ApiContext& ctx, const http::Request& request, bool admin_only);

// Route groups, one per file (mfa/api/<area>_api.cpp).
void AddAuthRoutes(http::Router& router, const ApiContext& ctx);    // /auth
void AddSystemRoutes(http::Router& router, const ApiContext& ctx);  // /system/
void AddPolicyRoutes(http::Router& router, const ApiContext& ctx);  // /policy/
void AddUserRoutes(http::Router& router, const ApiContext& ctx);    // /resolver/ /realm/ /defaultrealm /user/
void AddTokenRoutes(http::Router& router, const ApiContext& ctx);   // /token/
void AddValidateRoutes(http::Router& router, const ApiContext& ctx);    // /validate/
void AddAuditRoutes(http::Router& router, const ApiContext& ctx);       // /audit/
void AddSmsGatewayRoutes(http::Router& router, const ApiContext& ctx);  // /smsgateway/
void AddSmtpServerRoutes(http::Router& router, const ApiContext& ctx);  // /smtpserver/

}  // namespace osprey::mfa::api
