#include "mfa/api/envelope.hpp"

#include <pthread.h>

namespace osprey::mfa::api {

std::string VersionString() { return std::string("Osprey ") + OSPREY_VERSION + " (privacyIDEA 3.13 API)"; }

namespace {

http::Response WithHeaders(http::Response r) {
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

bool Truthy(const nlohmann::json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<long long>() != 0;
  if (v.is_number_float()) return v.get<double>() != 0.0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return !v.empty();  // arrays and objects, as Python's bool()
}

}  // namespace

long long ThreadId() {
  // Python's threading.get_ident() is the pthread_t value; so is this (an opaque but stable integer).
  return static_cast<long long>(pthread_self());
}

http::Response ErrorResponse(int http_status, int code, const std::string& message, double unix_time) {
  nlohmann::json body = {
      {"jsonrpc", "2.0"},
      {"detail", nullptr},
      {"result", {{"status", false}, {"error", {{"code", code}, {"message", message}}}}},
      {"version", VersionString()},
      {"id", 1},
      {"time", unix_time},
  };
  return WithHeaders(http::Response::Json(http_status, body));
}

http::Response ErrorResponse(const PiError& error, double unix_time) {
  return ErrorResponse(error.http_status, error.code, error.message, unix_time);
}

std::string AuthenticationOf(const nlohmann::json& value, const nlohmann::json& detail) {
  bool multi = false;
  if (detail.is_object()) {
    auto it = detail.find("multi_challenge");
    multi = it != detail.end() && Truthy(*it);
  }
  const bool is_challenge_text = value.is_string() && value.get_ref<const std::string&>() == "CHALLENGE";
  if (Truthy(value) && !is_challenge_text && !multi) return "ACCEPT";
  if (is_challenge_text || multi) return "CHALLENGE";
  if (detail.is_object()) {
    auto it = detail.find("challenge_status");
    if (it != detail.end() && it->is_string() && it->get_ref<const std::string&>() == "declined")
      return "DECLINED";
  }
  return "REJECT";
}

http::Response SuccessResponse(const nlohmann::json& value, nlohmann::json detail, double unix_time, int id,
                               bool saml) {
  nlohmann::json result = {{"status", true}, {"value", value}};
  const bool has_detail = detail.is_object() && !detail.empty();
  if (id == 2) {
    nlohmann::json decided = value;
    if (saml && value.is_object() && value.contains("auth")) decided = value.at("auth");
    result["authentication"] = AuthenticationOf(decided, has_detail ? detail : nlohmann::json());
  }
  nlohmann::json body = {
      {"jsonrpc", "2.0"},
      {"result", std::move(result)},
      {"version", VersionString()},
      {"versionnumber", kApiVersionNumber},
      {"id", id},
      {"time", unix_time},
  };
  if (has_detail) {
    detail["threadid"] = ThreadId();
    body["detail"] = std::move(detail);
  }
  return WithHeaders(http::Response::Json(200, body));
}

}  // namespace osprey::mfa::api
