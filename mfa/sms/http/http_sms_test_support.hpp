// Test helpers for the HttpSMSProvider tests (header-only, *_test.cpp files only): a capturing HttpClient and
// gateway definitions built from option and header lists.
#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "mfa/sms/http/http_sms_provider.hpp"
#include "osprey/http/client.hpp"

namespace osprey::mfa::sms::testing {

// Records every request and answers each with `reply`.
class CapturingClient final : public http::HttpClient {
 public:
  Result<http::ClientResponse> Send(const http::ClientRequest& request) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request);
    return reply;
  }
  void Answer(int status, std::string body) {
    http::ClientResponse response;
    response.status = status;
    response.body = std::move(body);
    reply = response;
  }

  std::vector<http::ClientRequest> requests;
  Result<http::ClientResponse> reply = http::ClientResponse{200, {}, "ID 12345", ""};

 private:
  std::mutex mutex_;
};

using KeyValues = OrderedStringMap;

inline GatewayDefinition Gateway(KeyValues options, KeyValues headers = {}) {
  GatewayDefinition gateway;
  gateway.id = 1;
  gateway.name = "gw1";
  gateway.module = std::string(kHttpModule);
  gateway.options = std::move(options);
  gateway.headers = std::move(headers);
  return gateway;
}

// §14's mock gateway gw1 (POST, RETURN_SUCCESS=ID, text={otp}, phone={phone}) at `url`.
inline KeyValues MockGatewayOptions(std::string url) {
  return {{"URL", std::move(url)},
          {"HTTP_METHOD", "POST"},
          {"RETURN_SUCCESS", "ID"},
          {"text", "{otp}"},
          {"phone", "{phone}"}};
}

// §13.4: the SMSEagle reference configuration of the integration manual.
inline KeyValues SmsEagleOptions(std::string url) {
  return {{"URL", std::move(url)},
          {"HTTP_METHOD", "POST"},
          {"SEND_DATA_AS_JSON", "yes"},
          {"RETURN_SUCCESS", "queued"},
          {"RETURN_FAIL", "REJECTED"},
          {"to", "[\"{phone}\"]"},
          {"text", "\"Your OTP code is: {otp}\""}};
}

}  // namespace osprey::mfa::sms::testing
