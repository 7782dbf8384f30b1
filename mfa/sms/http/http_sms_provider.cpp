#include "mfa/sms/http/http_sms_provider.hpp"

#include "mfa/sms/http/http_sms_options.hpp"
#include "mfa/sms/http/http_sms_request.hpp"
#include "mfa/sms/http/phone_regexp.hpp"
#include "mfa/sms/http/python_json.hpp"

namespace osprey::mfa::sms {
namespace {

constexpr char kFormContentType[] = "application/x-www-form-urlencoded";
constexpr char kJsonContentType[] = "application/json";

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

bool OptionIs(const GatewayOptions& options, std::string_view key, std::string_view expected) {
  const std::string* value = FindOption(options, key);
  return value != nullptr && *value == expected;
}

// §13.2: every option outside §13.1's keys, substituted and then JSON-parsed.
SmsParameters Parameters(const GatewayOptions& options, const std::string& text, const std::string& phone) {
  SmsParameters parameters;
  for (const auto& [key, value] : options) {
    if (IsProviderOption(key)) continue;
    std::string substituted = ReplaceAll(ReplaceAll(value, "{otp}", text), "{phone}", phone);
    std::optional<PyValue> parsed = ParsePythonJson(substituted);
    parameters.emplace_back(key, parsed ? std::move(*parsed) : PyValue::String(std::move(substituted)));
  }
  return parameters;
}

// §13.3: method, URL with query or body, and the Content-Type the mode implies (empty: none).
Result<std::string> SetMethodAndData(const GatewayOptions& options, const SmsParameters& parameters,
                                     const std::string& url, http::ClientRequest& request) {
  request.url = url;
  if (!OptionIs(options, "HTTP_METHOD", "POST")) {
    request.method = "GET";
    Result<std::string> query = EncodeFormParameters(parameters);
    if (!query.ok()) return query.error();
    request.url = AppendQuery(url, *query);
    return std::string();
  }
  request.method = "POST";
  if (OptionIs(options, "SEND_DATA_AS_JSON", "yes")) {
    Result<std::string> body = EncodeJsonParameters(parameters);
    if (!body.ok()) return body.error();
    request.body = std::move(*body);
    return std::string(kJsonContentType);
  }
  if (parameters.empty()) return std::string();  // requests sends no body (and no Content-Type) for data={}
  Result<std::string> body = EncodeFormParameters(parameters);
  if (!body.ok()) return body.error();
  request.body = std::move(*body);
  return std::string(kFormContentType);
}

ProviderParameter Parameter(bool required, std::string description, std::vector<std::string> values = {}) {
  return ProviderParameter{required, std::move(description), std::move(values)};
}

}  // namespace

ProviderDescriptor HttpSmsProvider::Describe() const {
  ProviderDescriptor d;
  d.module = std::string(kHttpModule);
  d.options_allowed = true;
  d.headers_allowed = true;
  d.parameters = {
      {"URL", Parameter(true, "The base URL of the HTTP Gateway")},
      {"HTTP_METHOD", Parameter(true, "Should the HTTP Gateway be connected via an HTTP GET or POST request.",
                                {"GET", "POST"})},
      {"RETURN_SUCCESS",
       Parameter(false, "Specify a substring, that indicates, that the SMS was delivered successfully.")},
      {"RETURN_FAIL",
       Parameter(false, "Specify a substring, that indicates, that the SMS failed to be delivered.")},
      {"USERNAME", Parameter(false, "Username in case of basic authentication.")},
      {"PASSWORD", Parameter(false, "Password in case of basic authentication.")},
      {"CHECK_SSL", Parameter(true, "Should the SSL certificate be verified.", {"yes", "no"})},
      {"SEND_DATA_AS_JSON",
       Parameter(true, "Should the data in a POST Request be sent as JSON.", {"yes", "no"})},
      {"REGEXP", Parameter(false, std::string(kRegexpDescription))},
      {"PROXY", Parameter(false,
                          "An optional proxy string. DEPRECATED. Do not use this anymore. Rather use "
                          "HTTP_PROXY for http connections and HTTPS_PROXY for https connection. The PROXY "
                          "option will be removed in future.")},
      {"HTTP_PROXY", Parameter(false, "Proxy setting for HTTP connections.")},
      {"HTTPS_PROXY", Parameter(false, "Proxy setting for HTTPS connections.")},
      {"TIMEOUT", Parameter(false, "The timeout in seconds.")},
  };
  return d;
}

Result<http::ClientRequest> HttpSmsProvider::BuildRequest(const GatewayDefinition& gateway,
                                                          const std::string& phone, const std::string& text) {
  const GatewayOptions& options = gateway.options;
  const std::string* url_option = FindOption(options, "URL");
  if (url_option == nullptr) {
    return Error(ErrorCode::kFailedPrecondition, "No URL specified in the provider config.");
  }
  Result<GatewayUrl> url = ParseGatewayUrl(*url_option);
  if (!url.ok()) return url.error();
  Result<std::optional<BasicAuth>> auth = GatewayBasicAuth(options, *url);
  if (!auth.ok()) return auth.error();
  Result<std::chrono::milliseconds> timeout = GatewayTimeout(options);
  if (!timeout.ok()) return timeout.error();

  http::ClientRequest request;
  request.connect_timeout = *timeout;
  request.timeout = *timeout;
  request.verify_tls = FindOption(options, "CHECK_SSL") == nullptr || OptionIs(options, "CHECK_SSL", "yes");
  SetGatewayProxies(options, request);
  if (*auth) {
    request.basic_auth_user = (*auth)->user;
    request.basic_auth_password = (*auth)->password;
  }
  const SmsParameters parameters = Parameters(options, text, MangledPhone(gateway, phone));
  // urllib3 normalises the configured URL before requests appends the query.
  Result<std::string> content_type = SetMethodAndData(options, parameters, NormalizeUrl(url->url), request);
  if (!content_type.ok()) return content_type.error();
  if (Status headers = AddGatewayHeaders(gateway.headers, auth->has_value(), request); !headers.ok()) {
    return headers.error();
  }
  // A configured Content-Type wins, as in requests.
  if (!content_type->empty() && !request.headers.Has("Content-Type")) {
    request.headers.Add("Content-Type", *content_type);
  }
  return request;
}

Status HttpSmsProvider::CheckReply(const GatewayDefinition& gateway, const http::ClientResponse& response) {
  if (response.status != 200 && response.status != 201 && response.status != 202) {
    return Error(ErrorCode::kUnavailable, "SMS could not be sent: " + std::to_string(response.status));
  }
  const std::string* success = FindOption(gateway.options, "RETURN_SUCCESS");
  const std::string* fail = FindOption(gateway.options, "RETURN_FAIL");
  if (success != nullptr && !success->empty()) {
    if (response.body.find(*success) != std::string::npos) return OkStatus();
    return Error(ErrorCode::kUnavailable, "We received a none success reply from the SMS Gateway: " +
                                              response.body + " (" + *success + ")");
  }
  if (fail != nullptr && !fail->empty() && response.body.find(*fail) != std::string::npos) {
    return Error(ErrorCode::kUnavailable, "We received the predefined error from the SMS Gateway.");
  }
  return OkStatus();
}

Status HttpSmsProvider::Send(const GatewayDefinition& gateway, const std::string& phone,
                             const std::string& text) const {
  Result<http::ClientRequest> request = BuildRequest(gateway, phone, text);
  if (!request.ok()) return request.error();
  Result<http::ClientResponse> response = client_.Send(*request);
  if (!response.ok()) return response.error();
  return CheckReply(gateway, *response);
}

std::unique_ptr<SmsProvider> MakeHttpSmsProvider(http::HttpClient& client) {
  return std::make_unique<HttpSmsProvider>(client);
}

}  // namespace osprey::mfa::sms
