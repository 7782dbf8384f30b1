// /smtpserver/ (privacyIDEA 3.13 api/smtpserver.py): GET /smtpserver/ lists the SMTP server definitions,
// POST /smtpserver/<identifier> creates or updates one, DELETE /smtpserver/<identifier> deletes one, POST
// /smtpserver/send_test_email mails a test message through the definition in the request. Admin JWT; rights
// smtpserver_read (GET) and smtpserver_write (the rest). The password is never shown: GET renders it as
// __CENSORED__, and a POST that sends __CENSORED__ back keeps the stored one.
#include <string>

#include "mfa/api/envelope.hpp"
#include "mfa/api/user_api_common.hpp"
#include "mfa/smtp/mailer.hpp"
#include "mfa/smtp/smtp_server_store.hpp"
#include "osprey/core/clock.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;
using users_api::Begin;
using users_api::CheckRight;

constexpr const char* kCensored = "__CENSORED__";
constexpr const char* kWriteRight = "smtpserver_write";

double Now(const ApiContext& ctx) { return ctx.clock->UnixSeconds(); }

json ServerJson(const smtp::SmtpServer& s) {
  return {{"id", s.id},
          {"server", s.server},
          {"port", s.port},
          {"username", s.username},
          {"password", kCensored},
          {"sender", s.sender},
          {"tls", s.tls},
          {"description", s.description},
          {"timeout", s.timeout},
          {"enqueue_job", s.enqueue_job}};
}

// privacyIDEA's int(getParam(...)): absent (or, for timeout, empty) → the default.
PiResult<int> IntParam(const Params& params, const char* name, int fallback, bool empty_is_default) {
  const auto text = params.Get(name);
  if (!text || (empty_is_default && text->empty())) return fallback;
  const auto value = params.GetInt(name, fallback);
  if (!value || *value < INT32_MIN || *value > INT32_MAX) {
    return ParameterError("'" + std::string(name) + "' must be an integer");
  }
  return static_cast<int>(*value);
}

// The definition in the request, as privacyIDEA's create and send_test_email read it. A password of
// __CENSORED__ stands for the one stored under `identifier`.
PiResult<smtp::SmtpServer> Definition(const ApiContext& ctx, const Params& params,
                                      const std::string& identifier) {
  auto server = users_api::Required(params, "server");
  if (!server.ok()) return server.error();
  auto port = IntParam(params, "port", 25, false);
  if (!port.ok()) return port.error();
  auto timeout = IntParam(params, "timeout", 10, true);
  if (!timeout.ok()) return timeout.error();
  smtp::SmtpServer s;
  s.identifier = identifier;
  s.server = *server;
  s.port = *port;
  s.timeout = *timeout;
  s.username = params.GetOr("username", "");
  s.sender = params.GetOr("sender", "");
  s.description = params.GetOr("description", "");
  s.tls = params.GetBool("tls", false);
  s.enqueue_job = params.GetBool("enqueue_job", false);
  const std::string password = params.GetOr("password", "");
  if (password != kCensored) {
    s.password = Secret(password);
    return s;
  }
  auto stored = ctx.smtp_servers->Find(identifier);
  if (!stored.ok()) return FromError(stored.error());
  if (stored->has_value()) s.password = (*stored)->password.Clone();
  return s;
}

http::Response List(const ApiContext& ctx, const http::Request& request) {
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  if (auto right = CheckRight(*call, {"smtpserver_read"}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, nullptr, right.error());
  }
  auto list = ctx.smtp_servers->List();
  if (!list.ok()) return users_api::FailConfigChange(*call, nullptr, FromError(list.error()));
  json value = json::object();
  for (const smtp::SmtpServer& s : *list) value[s.identifier] = ServerJson(s);
  return SuccessResponse(value, json::object(), Now(ctx));
}

http::Response Set(const ApiContext& ctx, const http::Request& request) {
  constexpr const char* kAction = "POST /smtpserver/<identifier>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string identifier = request.path_params.at("identifier");
  if (auto right = CheckRight(*call, {kWriteRight}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, kAction, right.error(), identifier);
  }
  auto definition = Definition(ctx, call->params, identifier);
  if (!definition.ok()) return users_api::FailConfigChange(*call, kAction, definition.error(), identifier);
  auto id = ctx.smtp_servers->Put(*definition);
  if (!id.ok()) {
    return users_api::FailConfigChange(*call, kAction, users_api::ConfigAreaError(id.error()), identifier);
  }
  users_api::AuditConfigChange(*call, kAction, true, identifier, std::to_string(*id));
  return SuccessResponse(*id > 0, json::object(), Now(ctx));
}

http::Response Delete(const ApiContext& ctx, const http::Request& request) {
  constexpr const char* kAction = "DELETE /smtpserver/<identifier>";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string identifier = request.path_params.at("identifier");
  if (auto right = CheckRight(*call, {kWriteRight}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, kAction, right.error(), identifier);
  }
  auto id = ctx.smtp_servers->Remove(identifier);
  if (!id.ok()) return users_api::FailConfigChange(*call, kAction, FromError(id.error()), identifier);
  if (!id->has_value()) {
    return users_api::FailConfigChange(
        *call, kAction, NotFoundError("The requested SMTPServer could not be found."), identifier);
  }
  users_api::AuditConfigChange(*call, kAction, true, identifier, std::to_string(**id));
  return SuccessResponse(**id > 0, json::object(), Now(ctx));
}

http::Response SendTestEmail(const ApiContext& ctx, const http::Request& request) {
  constexpr const char* kAction = "POST /smtpserver/send_test_email";
  auto call = Begin(ctx, request, true);
  if (!call.ok()) return ErrorResponse(call.error(), Now(ctx));
  const std::string identifier = call->params.GetOr("identifier", "");
  if (auto right = CheckRight(*call, {kWriteRight}, {}); !right.ok()) {
    return users_api::FailConfigChange(*call, kAction, right.error(), identifier);
  }
  for (const char* required : {"identifier", "recipient"}) {
    if (auto p = users_api::Required(call->params, required); !p.ok()) {
      return users_api::FailConfigChange(*call, kAction, p.error(), identifier);
    }
  }
  auto definition = Definition(ctx, call->params, identifier);
  if (!definition.ok()) return users_api::FailConfigChange(*call, kAction, definition.error(), identifier);
  if (ctx.mailer == nullptr) {
    return users_api::FailConfigChange(*call, kAction, InternalError("No mailer is configured."), identifier);
  }
  const smtp::Email email{
      {call->params.GetOr("recipient", "")},
      "Test Email from privacyIDEA",
      "This is a test email from privacyIDEA. The configuration " + identifier + " is working."};
  if (Status sent = ctx.mailer->SendWith(*definition, email); !sent.ok()) {
    return users_api::FailConfigChange(*call, kAction, InternalError(sent.error().message()), identifier);
  }
  users_api::AuditConfigChange(*call, kAction, true, identifier, "True");
  return SuccessResponse(true, json::object(), Now(ctx));
}

}  // namespace

void AddSmtpServerRoutes(http::Router& router, const ApiContext& ctx) {
  for (const char* path : {"/smtpserver/", "/smtpserver"}) {
    router.Add("GET", path, [ctx](http::Request& r) { return List(ctx, r); });
  }
  router.Add("POST", "/smtpserver/send_test_email",
             [ctx](http::Request& r) { return SendTestEmail(ctx, r); });
  router.Add("POST", "/smtpserver/{identifier}", [ctx](http::Request& r) { return Set(ctx, r); });
  router.Add("DELETE", "/smtpserver/{identifier}", [ctx](http::Request& r) { return Delete(ctx, r); });
}

}  // namespace osprey::mfa::api
