// RequireCaller (api_context.hpp): privacyIDEA's check_auth_token / verify_auth_token (api/lib/utils.py).
#include <optional>
#include <string>
#include <string_view>

#include "mfa/api/api_context.hpp"
#include "mfa/auth/auth.hpp"

namespace osprey::mfa::api {
namespace {

// privacyIDEA reads PI-Authorization and falls back to Authorization when the first is absent or empty; the
// token is the raw header value (no "Bearer " prefix is removed). Only a missing header is 4033: an empty
// Authorization value goes on to decoding, which fails with "Not enough segments".
std::optional<std::string_view> AuthorizationHeader(const http::Request& request) {
  auto pi = request.headers.Get("PI-Authorization");
  if (pi && !pi->empty()) return pi;
  return request.headers.Get("Authorization");
}

}  // namespace

PiResult<auth::Caller> RequireCaller(const ApiContext& ctx, const http::Request& request, bool admin_only) {
  auto token = AuthorizationHeader(request);
  if (!token) return AuthError(4033, "Authentication failure. Missing Authorization header.");
  auto caller = ctx.auth->Verify(*token);
  if (!caller.ok()) return caller.error();
  const bool allowed = caller->is_admin() || (!admin_only && caller->role == "user");
  if (!allowed) {
    // Python's str() of the required_role list, as privacyIDEA formats it.
    const char* roles = admin_only ? "['admin']" : "['user', 'admin']";
    return AuthError(4306, std::string("Authentication failure. You do not have the necessary role (") +
                               roles + ") to access this resource!");
  }
  return caller;
}

}  // namespace osprey::mfa::api
