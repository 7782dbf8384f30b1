#include "mfa/api/envelope.hpp"

namespace osprey::mfa::api {

std::string VersionString() { return std::string("Osprey ") + OSPREY_VERSION + " (privacyIDEA 3.13 API)"; }

http::Response ErrorResponse(int http_status, int code, const std::string& message, double unix_time) {
  nlohmann::json body = {
      {"jsonrpc", "2.0"},
      {"detail", nullptr},
      {"result", {{"status", false}, {"error", {{"code", code}, {"message", message}}}}},
      {"version", VersionString()},
      {"id", 1},
      {"time", unix_time},
  };
  http::Response r = http::Response::Json(http_status, body);
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

}  // namespace osprey::mfa::api
