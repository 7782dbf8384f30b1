// privacyIDEA's JSON envelopes (spec privacyidea-api.md §2, §3). Wire format only.
// Thread rule: pure functions, callable from any thread.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "osprey/http/message.hpp"

namespace osprey::mfa::api {

// "Osprey <version> (privacyIDEA 3.13 API)" and "3.13.3" (spec §2.4).
std::string VersionString();
inline constexpr const char* kApiVersionNumber = "3.13.3";

// The error envelope of §3: {"jsonrpc":"2.0","detail":null,"result":{"status":false,"error":{"code":..,
// "message":..}},"version":..,"id":1,"time":..}, with Content-Type application/json and Cache-Control
// no-cache.
http::Response ErrorResponse(int http_status, int code, const std::string& message, double unix_time);

}  // namespace osprey::mfa::api
