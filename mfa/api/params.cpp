#include "mfa/api/params.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace osprey::mfa::api {
namespace {

// Server-internal keys privacyIDEA removes before token logic sees the parameters (§1.7).
constexpr std::array<std::string_view, 7> kInternalKeys = {
    "session", "data", "initTime", "radius_result", "radius_state", "push_triggered", "valid_token_num"};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// privacyIDEA decodes query and form values once more unless the client is one of three plugins that are
// known to send them encoded exactly once (§1.3). The product token is the User-Agent up to '/' or a blank.
bool DecodesTwice(const http::Request& request) {
  auto ua = request.headers.Get("User-Agent");
  if (!ua) return true;
  std::string_view s = *ua;
  std::size_t end = s.find_first_of("/ ");
  std::string product = Lower(s.substr(0, end));
  return product != "privacyidea-cp" && product != "privacyidea-ldap-proxy" && product != "simplesamlphp";
}

}  // namespace

std::string PyStr(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_null()) return "None";
  return value.dump();  // numbers: 8, 1.5, 1000.0 — as Python's repr; arrays and objects as JSON text
}

Params Params::FromRequest(const http::Request& request) {
  Params p;
  const bool twice = DecodesTwice(request);
  // Form first, then query over it: the query value wins for a key in both (§1.2); within one source the
  // first occurrence of a repeated key counts.
  for (const http::Pairs* source : {&request.form, &request.query}) {
    std::map<std::string, bool, std::less<>> seen;
    for (const auto& [key, value] : *source) {
      if (seen.count(key) != 0) continue;
      seen[key] = true;
      p.values_[key] = twice ? http::PercentDecode(value, false) : value;
    }
  }
  if (request.json && request.json->is_object()) {
    for (const auto& [key, value] : request.json->items()) p.values_[key] = value;
  }
  for (const auto& [key, value] : request.path_params) p.values_[key] = value;
  for (std::string_view key : kInternalKeys) {
    auto it = p.values_.find(key);
    if (it != p.values_.end()) p.values_.erase(it);
  }
  return p;
}

bool Params::Has(std::string_view key) const { return values_.find(key) != values_.end(); }

const nlohmann::json* Params::Raw(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

std::optional<std::string> Params::Get(std::string_view key) const {
  const nlohmann::json* v = Raw(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return PyStr(*v);
}

std::string Params::GetOr(std::string_view key, std::string_view fallback) const {
  auto v = Get(key);
  return v ? *v : std::string(fallback);
}

bool Params::GetBool(std::string_view key, bool fallback) const {
  const nlohmann::json* v = Raw(key);
  if (v == nullptr) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number_integer()) return v->get<long long>() == 1;
  if (!v->is_string()) return false;
  const std::string& s = v->get_ref<const std::string&>();
  return s == "1" || s == "true" || s == "True" || s == "TRUE";
}

std::optional<long long> Params::GetInt(std::string_view key, long long fallback) const {
  const nlohmann::json* v = Raw(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (v->is_number_integer()) return v->get<long long>();
  if (!v->is_string()) return std::nullopt;
  std::string_view s = v->get_ref<const std::string&>();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  long long out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return out;
}

std::map<std::string, std::string> Params::Strings() const {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : values_) {
    if (!value.is_null()) out[key] = PyStr(value);
  }
  return out;
}

void Params::Set(std::string key, nlohmann::json value) { values_[std::move(key)] = std::move(value); }

}  // namespace osprey::mfa::api
