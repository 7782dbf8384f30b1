// privacyIDEA's JSON envelopes (spec privacyidea-api.md §2, §3). Wire format only.
// Thread rule: pure functions, callable from any thread.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mfa/common/pi_error.hpp"
#include "osprey/http/message.hpp"

namespace osprey::mfa::api {

// "Osprey <version> (privacyIDEA 3.13 API)" and "3.13.3" (spec §2.4).
std::string VersionString();
inline constexpr const char* kApiVersionNumber = "3.13.3";

// The error envelope of §3: {"jsonrpc":"2.0","detail":null,"result":{"status":false,"error":{"code":..,
// "message":..}},"version":..,"id":1,"time":..}, with Content-Type application/json and Cache-Control
// no-cache.
http::Response ErrorResponse(int http_status, int code, const std::string& message, double unix_time);
http::Response ErrorResponse(const PiError& error, double unix_time);

// The success envelope of §2. `detail` is omitted when null or empty; otherwise `threadid` (an integer per
// server thread) is added. `id` is 1, or 2 for /validate/* and /auth, which also get result.authentication
// derived by §2.3 (from `value`, or from value.auth when `saml` is true).
http::Response SuccessResponse(const nlohmann::json& value, nlohmann::json detail, double unix_time,
                               int id = 1, bool saml = false);

// §2.3's rule, exposed for tests and for samlcheck.
std::string AuthenticationOf(const nlohmann::json& value, const nlohmann::json& detail);

// An integer identifying the current thread, as Python's threading.get_ident() does for privacyIDEA.
long long ThreadId();

}  // namespace osprey::mfa::api
