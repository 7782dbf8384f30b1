// HttpSMSProvider (privacyidea.lib.smsprovider.HttpSMSProvider.HttpSMSProvider): sends the SMS as one HTTP
// GET, form POST or JSON POST to a gateway, exactly as privacyIDEA 3.11 does (spec privacyidea-api.md §13).
//
// Send(gateway, phone, text):
//   1. phone := REGEXP applied to phone (§13.6; an unusable REGEXP leaves it unchanged and is logged);
//   2. every option that is not one of §13.1's keys becomes a parameter, in the options' order: "{otp}" →
//      text, then "{phone}" → phone, then json.loads of the result, or the raw string when that fails
//      (§13.2);
//   3. HTTP_METHOD "POST" → POST (JSON body iff SEND_DATA_AS_JSON is "yes", else form body), anything else →
//      GET with the parameters in the query (§13.3); headers verbatim; basic auth, CHECK_SSL, TIMEOUT,
//      proxies as §13.1; redirects followed;
//   4. success iff the status is 200/201/202 and RETURN_SUCCESS / RETURN_FAIL agree (§13.5).
// Failures carry privacyIDEA's log texts ("No URL specified in the provider config.", "SMS could not be sent:
// <status>", "We received a none success reply from the SMS Gateway: <body> (<RETURN_SUCCESS>)", "We received
// the predefined error from the SMS Gateway.") or the HTTP client's error (kTimeout, kUnavailable, ...); they
// never contain PASSWORD, the URL's credentials, header values or parameter values.
//
// Ownership: refers to `client`, which must outlive the provider. Thread rule: immutable; Send may run on
// many threads at once (the client allows it).
#pragma once

#include <memory>
#include <string>

#include "mfa/sms/sms_provider.hpp"
#include "osprey/http/client.hpp"

namespace osprey::mfa::sms {

class HttpSmsProvider final : public SmsProvider {
 public:
  explicit HttpSmsProvider(http::HttpClient& client) : client_(client) {}

  // kHttpModule, options and headers allowed, privacyIDEA 3.11's parameter list.
  ProviderDescriptor Describe() const override;
  Status Send(const GatewayDefinition& gateway, const std::string& phone,
              const std::string& text) const override;

  // Steps 1–3 without sending: the request Send would make. Errors as Send's configuration failures.
  static Result<http::ClientRequest> BuildRequest(const GatewayDefinition& gateway, const std::string& phone,
                                                  const std::string& text);
  // Step 4 for one response of `gateway`.
  static Status CheckReply(const GatewayDefinition& gateway, const http::ClientResponse& response);

 private:
  http::HttpClient& client_;
};

std::unique_ptr<SmsProvider> MakeHttpSmsProvider(http::HttpClient& client);

}  // namespace osprey::mfa::sms
