// Params: the merged request parameters of the privacyIDEA API (spec privacyidea-api.md §1): query + form
// (query wins, first occurrence of a repeated key), overridden by a JSON object body, overridden by path
// parameters; query/form values percent-decoded a second time unless the User-Agent product token is
// privacyidea-cp, privacyidea-ldap-proxy or simplesamlphp; internal keys (§1.7) removed.
// Values keep their JSON type (a JSON body may send numbers and booleans); Get() renders them as
// privacyIDEA's Python str() would ("True", "8", "1.5"). Thread rule: a plain value.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "osprey/http/message.hpp"

namespace osprey::mfa::api {

class Params {
 public:
  static Params FromRequest(const http::Request& request);

  bool Has(std::string_view key) const;
  // The value as a string; nullopt when absent. JSON null → nullopt.
  std::optional<std::string> Get(std::string_view key) const;
  std::string GetOr(std::string_view key, std::string_view fallback) const;
  // §1.6: true iff 1, "1", true, "true", "True", "TRUE"; absent → fallback.
  bool GetBool(std::string_view key, bool fallback = false) const;
  // Integer value; absent → fallback; present but not an integer → nullopt.
  std::optional<long long> GetInt(std::string_view key, long long fallback) const;
  const nlohmann::json* Raw(std::string_view key) const;
  // Every key/value as strings (for token init params, setConfig).
  std::map<std::string, std::string> Strings() const;
  void Set(std::string key, nlohmann::json value);

 private:
  std::map<std::string, nlohmann::json, std::less<>> values_;
};

// Python str() of a JSON scalar: true → "True", 1.5 → "1.5", "x" → "x"; arrays/objects → JSON text.
std::string PyStr(const nlohmann::json& value);

}  // namespace osprey::mfa::api
