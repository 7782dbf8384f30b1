#include "mfa/sms/http/http_sms_options.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "mfa/sms/http/python_text.hpp"
#include "osprey/http/message.hpp"

namespace osprey::mfa::sms {
namespace {

constexpr std::array<std::string_view, 13> kProviderOptions = {
    "URL",      "HTTP_METHOD", "SEND_DATA_AS_JSON", "CHECK_SSL",
    "USERNAME", "PASSWORD",    "RETURN_SUCCESS",    "RETURN_FAIL",
    "REGEXP",   "TIMEOUT",     "HTTP_PROXY",        "HTTPS_PROXY",
    "PROXY"};

constexpr auto kMaxTimeout = std::chrono::milliseconds(24 * 3600 * 1000);

Error ConfigError(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

// requests encodes basic-auth credentials as Latin-1; text outside it makes the send fail.
std::optional<std::string> Latin1(std::string_view utf8) {
  std::string out;
  for (std::size_t pos = 0; pos < utf8.size();) {
    const CodePoint cp = DecodeUtf8(utf8, pos);
    if (!cp.valid || cp.value > 0xFF) return std::nullopt;
    out.push_back(static_cast<char>(cp.value));
    pos += cp.length;
  }
  return out;
}

Result<std::optional<BasicAuth>> Credentials(const std::string& user, const std::string& password) {
  std::optional<std::string> latin_user = Latin1(user);
  std::optional<std::string> latin_password = Latin1(password);
  if (!latin_user || !latin_password)
    return ConfigError("The basic authentication credentials are not Latin-1 text.");
  return std::optional<BasicAuth>(BasicAuth{std::move(*latin_user), std::move(*latin_password)});
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::string* FindOption(const GatewayOptions& options, std::string_view key) {
  const auto it = options.find(key);
  return it == options.end() ? nullptr : &it->second;
}

bool IsProviderOption(std::string_view key) {
  return std::find(kProviderOptions.begin(), kProviderOptions.end(), key) != kProviderOptions.end();
}

Result<std::chrono::milliseconds> GatewayTimeout(const GatewayOptions& options) {
  const std::string* value = FindOption(options, "TIMEOUT");
  if (value == nullptr || value->empty()) return std::chrono::milliseconds(3000);  // `TIMEOUT or 3`
  Result<double> seconds = ParsePythonFloat(*value);
  if (!seconds.ok()) return seconds.error();
  if (std::isnan(*seconds) || std::isinf(*seconds)) return ConfigError("Invalid timeout value: " + *value);
  if (*seconds <= 0) {
    return ConfigError("Attempted to set connect timeout to " + PythonFloatRepr(*seconds) +
                       ", but the timeout cannot be set to a value less than or equal to 0.");
  }
  const double milliseconds = std::ceil(*seconds * 1000.0);
  if (milliseconds >= static_cast<double>(kMaxTimeout.count())) return kMaxTimeout;
  return std::chrono::milliseconds(static_cast<std::int64_t>(milliseconds));
}

Result<std::optional<BasicAuth>> GatewayBasicAuth(const GatewayOptions& options, const GatewayUrl& url) {
  const std::string* user_option = FindOption(options, "USERNAME");
  const std::string* password_option = FindOption(options, "PASSWORD");
  std::optional<std::string> user = user_option ? std::optional(*user_option) : std::nullopt;
  std::optional<std::string> password = password_option ? std::optional(*password_option) : std::nullopt;
  if (!user && !password && url.userinfo) {
    // privacyIDEA: puser, server = netloc.split('@'); username, password = puser.split(':')
    const auto colons = std::count(url.userinfo->begin(), url.userinfo->end(), ':');
    if (std::count(url.netloc.begin(), url.netloc.end(), '@') != 1 || colons != 1) {
      return ConfigError("The user information in the URL is not of the form user:password@.");
    }
    const std::size_t colon = url.userinfo->find(':');
    user = url.userinfo->substr(0, colon);
    password = url.userinfo->substr(colon + 1);
  }
  if (user && !user->empty() && password) return Credentials(*user, *password);
  // requests itself: auth = get_auth_from_url(url) if any part of it is non-empty.
  if (!url.userinfo || url.userinfo->find(':') == std::string::npos) return std::optional<BasicAuth>();
  const std::size_t colon = url.userinfo->find(':');
  const std::string url_user = http::PercentDecode(url.userinfo->substr(0, colon), false);
  const std::string url_password = http::PercentDecode(url.userinfo->substr(colon + 1), false);
  if (url_user.empty() && url_password.empty()) return std::optional<BasicAuth>();
  return Credentials(url_user, url_password);
}

void SetGatewayProxies(const GatewayOptions& options, http::ClientRequest& request) {
  const auto non_empty = [&](std::string_view key) {
    const std::string* value = FindOption(options, key);
    return value != nullptr && !value->empty() ? *value : std::string();
  };
  request.http_proxy = non_empty("HTTP_PROXY");
  request.https_proxy = non_empty("HTTPS_PROXY");
  const std::string proxy = non_empty("PROXY");
  if (!request.http_proxy.empty() || !request.https_proxy.empty() || proxy.empty()) return;
  const std::string protocol = proxy.substr(0, proxy.find(':'));  // proxies = {protocol: proxy}
  if (protocol == "http") request.http_proxy = proxy;
  if (protocol == "https") request.https_proxy = proxy;
}

Status AddGatewayHeaders(const OrderedStringMap& headers, bool basic_auth, http::ClientRequest& request) {
  for (const auto& [name, value] : headers) {
    if (basic_auth && EqualsIgnoreCase(name, "Authorization")) continue;  // requests' auth sets it anew
    if (name.empty() || IsSpace(name[0]) || name.find_first_of(":\r\n") != std::string::npos) {
      return ConfigError(
          "Invalid leading whitespace, reserved character(s), or return character(s) in header name");
    }
    if ((!value.empty() && IsSpace(value[0])) || value.find_first_of("\r\n") != std::string::npos) {
      return ConfigError(
          "Invalid leading whitespace, reserved character(s), or return character(s) in the value "
          "of header " +
          name);
    }
    request.headers.Add(name, value);
  }
  return OkStatus();
}

}  // namespace osprey::mfa::sms
