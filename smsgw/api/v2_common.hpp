// What every APIv2 route group shares (smseagle-api.md §1, §2, §4): registration under both prefixes with and
// without a trailing slash, the caller check in the spec's order (401, then 403, then the per-token rate
// limit 429), and the JSON reply helpers. Thread rule: ApiV2Auth is immutable after construction apart from
// the rate limiter, which is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "osprey/core/rate_limiter.hpp"
#include "osprey/core/result.hpp"
#include "osprey/http/router.hpp"
#include "smsgw/accounts/authenticator.hpp"

namespace osprey::smsgw::api {

// Registers `handler` for `method` on `path` (e.g. "/messages/sms") under /api/v2 and /index.php/api/v2, each
// with and without a trailing slash.
void AddApiV2Route(http::Router& router, const std::string& method, const std::string& path,
                   const http::Handler& handler);

// A JSON reply with Content-Type application/json; charset=utf-8 (spec §1.5).
http::Response JsonUtf8(int status, const nlohmann::json& body);

// 400 {"message":{"<field>":"<text>"}}.
http::Response FieldError(const std::string& field, const std::string& text);

// The reply to a failed domain call: 401 for kUnauthenticated, 400 "Service unavailable." for kUnavailable
// and kTimeout (spec §4), 500 otherwise (logged).
http::Response RenderFailure(const Error& error);

class ApiV2Auth {
 public:
  // `limiter` may be nullptr (no rate limit). Both must outlive this object.
  ApiV2Auth(const accounts::Authenticator& authenticator, RateLimiter* limiter);

  // The caller, or the reply that refuses it: 401 (no valid token), 403 (lacks `permission`; not checked when
  // nullopt), 429 {"message":"Too many requests."} when the caller's user is over its rate limit.
  std::variant<accounts::Principal, http::Response> Authorize(
      const http::Request& request, std::optional<accounts::Permission> permission) const;

 private:
  const accounts::Authenticator& authenticator_;
  RateLimiter* limiter_;
};

// The owner filter for a caller (spec §3.5): nullopt when it may see the resources of all users.
std::optional<std::int64_t> ScopeOf(const accounts::Principal& principal);

}  // namespace osprey::smsgw::api
