#include "smsgw/api/v2_common.hpp"

#include <spdlog/spdlog.h>

#include "smsgw/api/service.hpp"
#include "smsgw/api/v2_send_request.hpp"

namespace osprey::smsgw::api {

void AddApiV2Route(http::Router& router, const std::string& method, const std::string& path,
                   const http::Handler& handler) {
  for (const std::string prefix : {"/api/v2", "/index.php/api/v2"}) {
    router.Add(method, prefix + path, handler);
    router.Add(method, prefix + path + "/", handler);
  }
}

http::Response JsonUtf8(int status, const nlohmann::json& body) {
  http::Response r = http::Response::Json(status, body);
  r.headers.Set("Content-Type", "application/json; charset=utf-8");
  return r;
}

http::Response FieldError(const std::string& field, const std::string& text) {
  return JsonUtf8(400, {{"message", {{field, text}}}});
}

http::Response RenderFailure(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kUnauthenticated: return MessageResponse(401, "Invalid API key.");
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
      spdlog::warn("gateway api: {}", error.ToString());
      return MessageResponse(400, "Service unavailable.");
    default:
      spdlog::error("gateway api: {}", error.ToString());
      return MessageResponse(500, "Internal server error.");
  }
}

ApiV2Auth::ApiV2Auth(const accounts::Authenticator& authenticator, RateLimiter* limiter)
    : authenticator_(authenticator), limiter_(limiter) {}

std::variant<accounts::Principal, http::Response> ApiV2Auth::Authorize(
    const http::Request& request, std::optional<accounts::Permission> permission) const {
  auto principal = authenticator_.AuthenticateApiV2(FindApiV2Token(request).value_or(""));
  if (!principal.ok()) return RenderFailure(principal.error());
  if (permission && !principal->Has(*permission)) {
    return MessageResponse(403, "User has no access to this method.");
  }
  if (limiter_ != nullptr && !limiter_->Allow(principal->user_id)) {
    return MessageResponse(429, "Too many requests.");
  }
  return std::move(*principal);
}

std::optional<std::int64_t> ScopeOf(const accounts::Principal& principal) {
  if (principal.all_resources) return std::nullopt;
  return principal.user_id;
}

}  // namespace osprey::smsgw::api
