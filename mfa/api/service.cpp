#include "mfa/api/service.hpp"

#include "mfa/api/envelope.hpp"

namespace osprey::mfa::api {

MfaService::MfaService(const Clock& clock, std::function<bool()> healthy, const ApiContext* ctx)
    : clock_(clock), healthy_(std::move(healthy)) {
  router_.Add("GET", "/healthz", [this](http::Request&) {
    bool ok = healthy_();
    return http::Response::Json(ok ? 200 : 503, {{"status", ok ? "ok" : "unavailable"}});
  });
  if (ctx == nullptr) return;
  AddAuthRoutes(router_, *ctx);
  AddSystemRoutes(router_, *ctx);
  AddPolicyRoutes(router_, *ctx);
  AddUserRoutes(router_, *ctx);
  AddTokenRoutes(router_, *ctx);
  AddValidateRoutes(router_, *ctx);
  AddAuditRoutes(router_, *ctx);
  AddSmsGatewayRoutes(router_, *ctx);
  AddSmtpServerRoutes(router_, *ctx);
}

// privacyIDEA itself answers these with Werkzeug's HTML pages; Osprey keeps every answer in the JSON error
// envelope so clients can parse it, using Werkzeug's texts (docs/compatibility.md).
http::Response MfaService::RenderError(http::FrameworkError error, const std::string& detail,
                                       const http::Request&) const {
  double now = clock_.UnixSeconds();
  switch (error) {
    case http::FrameworkError::kBadRequest: return ErrorResponse(400, 905, "ERR905: " + detail, now);
    case http::FrameworkError::kNotFound:
      return ErrorResponse(404, 404, "The requested URL was not found on the server.", now);
    case http::FrameworkError::kMethodNotAllowed:
      return ErrorResponse(405, 405, "The method is not allowed for the requested URL.", now);
    case http::FrameworkError::kPayloadTooLarge:
      return ErrorResponse(413, 413, "The data value transmitted exceeds the capacity limit.", now);
    case http::FrameworkError::kInternal: return ErrorResponse(500, -500, "Internal server error.", now);
  }
  return ErrorResponse(500, -500, "Internal server error.", now);
}

}  // namespace osprey::mfa::api
