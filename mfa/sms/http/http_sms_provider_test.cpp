// HttpSmsProvider through a capturing HttpClient: the option rules of spec §13.1, the success decision of
// §13.5 (acceptance vector 19), the SMSEagle configuration (vector 20), vector 21 and the form body of
// vector 11.
#include "mfa/sms/http/http_sms_provider.hpp"

#include <gtest/gtest.h>

#include <set>

#include "mfa/sms/http/http_sms_test_support.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::sms {
namespace {

using namespace std::chrono_literals;
using testing::CapturingClient;
using testing::Gateway;
using testing::KeyValues;
using testing::MockGatewayOptions;
using testing::SmsEagleOptions;

constexpr char kUrl[] = "http://127.0.0.1:9/sms_send_api.cgi";

class HttpSmsProviderTest : public ::testing::Test {
 protected:
  Status Send(KeyValues options, KeyValues headers = {}, const std::string& phone = "+491234",
              const std::string& text = "287082") {
    return provider_.Send(Gateway(std::move(options), std::move(headers)), phone, text);
  }
  // Sends with the mock gateway's options plus `extra`; the one captured request.
  http::ClientRequest Sent(const KeyValues& extra) {
    KeyValues options = MockGatewayOptions(kUrl);
    for (const auto& [key, value] : extra) options[key] = value;
    client_.requests.clear();
    const Status status = Send(options);
    EXPECT_TRUE(status.ok()) << status.error().message();
    EXPECT_EQ(client_.requests.size(), 1u);
    return client_.requests.empty() ? http::ClientRequest() : client_.requests.front();
  }
  Error Failure(const KeyValues& options, const KeyValues& headers = {}) {
    client_.requests.clear();
    const Status status = Send(options, headers);
    EXPECT_FALSE(status.ok());
    EXPECT_TRUE(client_.requests.empty()) << "a misconfigured gateway must not be contacted";
    return status.ok() ? Error(ErrorCode::kInternal, "sent") : status.error();
  }

  CapturingClient client_;
  HttpSmsProvider provider_{client_};
};

TEST_F(HttpSmsProviderTest, DescribesPrivacyIdeasParameters) {
  const ProviderDescriptor d = MakeHttpSmsProvider(client_)->Describe();
  EXPECT_EQ(d.module, "privacyidea.lib.smsprovider.HttpSMSProvider.HttpSMSProvider");
  EXPECT_TRUE(d.options_allowed);
  EXPECT_EQ(d.headers_allowed, true);
  std::set<std::string> required;
  for (const auto& [name, parameter] : d.parameters) {
    if (parameter.required) required.insert(name);
    EXPECT_FALSE(parameter.description.empty()) << name;
  }
  EXPECT_EQ(d.parameters.size(), 13u);
  EXPECT_EQ(required, (std::set<std::string>{"URL", "HTTP_METHOD", "CHECK_SSL", "SEND_DATA_AS_JSON"}));
  EXPECT_EQ(d.parameters.at("HTTP_METHOD").values, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(d.parameters.at("CHECK_SSL").values, (std::vector<std::string>{"yes", "no"}));
  EXPECT_EQ(d.parameters.at("SEND_DATA_AS_JSON").values, (std::vector<std::string>{"yes", "no"}));
  EXPECT_TRUE(d.parameters.at("TIMEOUT").values.empty());
}

TEST_F(HttpSmsProviderTest, MissingUrl) {
  EXPECT_EQ(Failure({{"HTTP_METHOD", "POST"}, {"text", "{otp}"}}).message(),
            "No URL specified in the provider config.");
}

// Vector 11: the mock receives form body text=287082&phone=%2B491234, in the order the options were given.
TEST_F(HttpSmsProviderTest, Vector11FormBody) {
  const http::ClientRequest request = Sent({});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, kUrl);
  EXPECT_EQ(request.headers.Get("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(request.body, "text=287082&phone=%2B491234");
}

// Vector 20: the SMSEagle reference configuration, byte for byte (options given as `to`, then `text`).
TEST_F(HttpSmsProviderTest, Vector20SmsEagle) {
  client_.Answer(200, R"([{"status":"queued","message":"OK","number":"+4915112345678","id":7}])");
  const Status status = Send(SmsEagleOptions("http://smseagle/api/v2/messages/sms"),
                             {{"access-token", "tok123"}}, "+4915112345678", "287082");
  ASSERT_TRUE(status.ok()) << status.error().message();
  ASSERT_EQ(client_.requests.size(), 1u);
  const http::ClientRequest& request = client_.requests.front();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://smseagle/api/v2/messages/sms");
  EXPECT_EQ(request.headers.Get("access-token"), "tok123");
  EXPECT_EQ(request.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(request.body, R"({"to": ["+4915112345678"], "text": "Your OTP code is: 287082"})");
}

// privacyIDEA sends the parameters in the order of the gateway's option rows, in every mode; the reverse
// insertion gives the reverse order. Headers go out in their configured order too.
TEST_F(HttpSmsProviderTest, ParametersAndHeadersFollowTheOptionOrder) {
  struct Case {
    KeyValues mode;
    bool text_first;
    const char* url;  // with the GET query
    const char* body;
  };
  const KeyValues json_mode = {{"HTTP_METHOD", "POST"}, {"SEND_DATA_AS_JSON", "yes"}};
  const Case cases[] = {
      {json_mode, false, kUrl, R"({"to": ["+491234"], "text": "Code: 287082"})"},
      {json_mode, true, kUrl, R"({"text": "Code: 287082", "to": ["+491234"]})"},
      {{{"HTTP_METHOD", "POST"}}, false, kUrl, "to=%2B491234&text=Code%3A+287082"},
      {{{"HTTP_METHOD", "POST"}}, true, kUrl, "text=Code%3A+287082&to=%2B491234"},
      {{}, false, "http://127.0.0.1:9/sms_send_api.cgi?to=%2B491234&text=Code%3A+287082", ""},
      {{}, true, "http://127.0.0.1:9/sms_send_api.cgi?text=Code%3A+287082&to=%2B491234", ""},
  };
  for (const Case& c : cases) {
    KeyValues options = c.mode;
    options["URL"] = kUrl;
    options[c.text_first ? "text" : "to"] = c.text_first ? "\"Code: {otp}\"" : "[\"{phone}\"]";
    options[c.text_first ? "to" : "text"] = c.text_first ? "[\"{phone}\"]" : "\"Code: {otp}\"";
    const KeyValues headers =
        c.text_first ? KeyValues{{"X-B", "2"}, {"X-A", "1"}} : KeyValues{{"X-A", "1"}, {"X-B", "2"}};
    client_.requests.clear();
    ASSERT_TRUE(Send(options, headers).ok());
    const http::ClientRequest& request = client_.requests.at(0);
    EXPECT_EQ(request.url, c.url);
    EXPECT_EQ(request.body, c.body);
    ASSERT_GE(request.headers.fields().size(), 2u);
    EXPECT_EQ(request.headers.fields()[0].first, c.text_first ? "X-B" : "X-A");
    EXPECT_EQ(request.headers.fields()[1].first, c.text_first ? "X-A" : "X-B");
  }
}

// Vector 21: HTTP_METHOD=post sends GET; CHECK_SSL is "yes" or not.
TEST_F(HttpSmsProviderTest, Vector21MethodAndCheckSsl) {
  const http::ClientRequest get = Sent({{"HTTP_METHOD", "post"}});
  EXPECT_EQ(get.method, "GET");
  EXPECT_TRUE(get.body.empty());
  EXPECT_EQ(get.url, std::string(kUrl) + "?text=287082&phone=%2B491234");
  EXPECT_EQ(Sent({{"HTTP_METHOD", "GET"}}).method, "GET");
  EXPECT_EQ(Sent({{"HTTP_METHOD", "PUT"}}).method, "GET");
  struct Case {
    const char* check_ssl;  // nullptr: option absent
    bool verify;
  };
  for (const Case c : {Case{nullptr, true}, Case{"yes", true}, Case{"no", false}, Case{"No", false},
                       Case{"YES", false}, Case{"", false}, Case{"true", false}}) {
    KeyValues options = MockGatewayOptions(kUrl);
    if (c.check_ssl) options["CHECK_SSL"] = c.check_ssl;
    client_.requests.clear();
    ASSERT_TRUE(Send(options).ok());
    EXPECT_EQ(client_.requests.at(0).verify_tls, c.verify) << (c.check_ssl ? c.check_ssl : "absent");
  }
}

// Vector 19: the gateway outcome table.
TEST_F(HttpSmsProviderTest, Vector19GatewayOutcomes) {
  struct Case {
    int status;
    const char* body;
    const char* return_success;  // nullptr: absent
    const char* return_fail;
    const char* error;  // nullptr: success
  };
  const Case cases[] = {
      {200, "ID 12345", "ID", nullptr, nullptr},
      {200, "Sent SMS Failed", "ID", nullptr,
       "We received a none success reply from the SMS Gateway: Sent SMS Failed (ID)"},
      {200, "Sent SMS Failed", nullptr, "Failed", "We received the predefined error from the SMS Gateway."},
      {200, "ID 12345", nullptr, "Failed", nullptr},
      {200, "anything", nullptr, nullptr, nullptr},
      {201, "anything", nullptr, nullptr, nullptr},
      {202, "", nullptr, nullptr, nullptr},
      {200, "anything", "", "", nullptr},
      {200, R"([{"status":"queued","message":"OK","number":"+4915112345678","id":7}])", "queued", "REJECTED",
       nullptr},
      {200, R"([{"status":"error","message":"Invalid number"}])", "queued", "REJECTED",
       R"(We received a none success reply from the SMS Gateway: [{"status":"error","message":"Invalid number"}] (queued))"},
      {200, "REJECTED queued", "queued", "REJECTED", nullptr},
      {200, "id 1", "ID", nullptr, "We received a none success reply from the SMS Gateway: id 1 (ID)"},
      {204, "", nullptr, nullptr, "SMS could not be sent: 204"},
      {204, "ID", "ID", nullptr, "SMS could not be sent: 204"},
      {401, "ID", "ID", "x", "SMS could not be sent: 401"},
      {400, "queued", "queued", "REJECTED", "SMS could not be sent: 400"},
      {500, "ID 12345", "ID", nullptr, "SMS could not be sent: 500"},
      {302, "", nullptr, nullptr, "SMS could not be sent: 302"},
  };
  for (const Case& c : cases) {
    KeyValues options = {{"URL", kUrl}};
    if (c.return_success) options["RETURN_SUCCESS"] = c.return_success;
    if (c.return_fail) options["RETURN_FAIL"] = c.return_fail;
    client_.Answer(c.status, c.body);
    const Status status = Send(options);
    if (c.error == nullptr) {
      EXPECT_TRUE(status.ok()) << c.status << " " << c.body << ": " << status.error().message();
    } else {
      ASSERT_FALSE(status.ok()) << c.status << " " << c.body;
      EXPECT_EQ(status.error().message(), c.error);
    }
  }
}

TEST_F(HttpSmsProviderTest, TransportErrorsAreFailures) {
  client_.reply = Error(ErrorCode::kTimeout, "HTTP request failed: Timeout was reached");
  const Status status = Send(MockGatewayOptions(kUrl));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kTimeout);
}

TEST_F(HttpSmsProviderTest, Timeout) {
  struct Case {
    const char* timeout;  // nullptr: absent
    std::chrono::milliseconds expected;
  };
  for (const Case c : {Case{nullptr, 3000ms}, Case{"", 3000ms}, Case{"0.2", 200ms}, Case{"5", 5000ms},
                       Case{" 1.5 ", 1500ms}, Case{"1e-4", 1ms}, Case{"1_0", 10000ms}, Case{"1e9", 24h}}) {
    const http::ClientRequest request = Sent(c.timeout ? KeyValues{{"TIMEOUT", c.timeout}} : KeyValues{});
    EXPECT_EQ(request.connect_timeout, c.expected) << (c.timeout ? c.timeout : "absent");
    EXPECT_EQ(request.timeout, c.expected) << (c.timeout ? c.timeout : "absent");
  }
  for (const char* timeout : {"abc", "3s", "0", "-1", "nan", "inf"}) {
    KeyValues options = MockGatewayOptions(kUrl);
    options["TIMEOUT"] = timeout;
    EXPECT_FALSE(Failure(options).message().empty()) << timeout;
  }
  KeyValues options = MockGatewayOptions(kUrl);
  options["TIMEOUT"] = "abc";
  EXPECT_EQ(Failure(options).message(), "could not convert string to float: 'abc'");
}

TEST_F(HttpSmsProviderTest, BasicAuth) {
  struct Case {
    const char* url;
    const char* user;  // nullptr: option absent
    const char* password;
    const char* auth_user;  // nullptr: no basic auth
    const char* auth_password;
  };
  const Case cases[] = {
      {"http://gw/x", "admin", "s3cret", "admin", "s3cret"},
      {"http://gw/x", "admin", "", "admin", ""},
      {"http://gw/x", "admin", nullptr, nullptr, nullptr},
      {"http://gw/x", nullptr, "s3cret", nullptr, nullptr},
      {"http://gw/x", "", "s3cret", nullptr, nullptr},
      {"http://u:p@gw/x", nullptr, nullptr, "u", "p"},
      {"http://u%40x:p%3A@gw/x", nullptr, nullptr, "u%40x", "p%3A"},
      {"http://:p@gw/x", nullptr, nullptr, "", "p"},
      {"http://u:@gw/x", nullptr, nullptr, "u", ""},
      {"http://u:p@gw/x", "admin", "s3cret", "admin", "s3cret"},
      {"http://u%40x:p@gw/x", "admin", nullptr, "u@x", "p"},
      {"http://u:p@gw/x", "", nullptr, "u", "p"},
      {"http://u@gw/x", "admin", nullptr, nullptr, nullptr},
      {"http://gw/x", "j\xC3\xBCrgen", "pw", "j\xFCrgen", "pw"},
  };
  for (const Case& c : cases) {
    KeyValues options = {{"URL", c.url}};
    if (c.user) options["USERNAME"] = c.user;
    if (c.password) options["PASSWORD"] = c.password;
    client_.requests.clear();
    ASSERT_TRUE(Send(options).ok()) << c.url;
    const http::ClientRequest& request = client_.requests.at(0);
    EXPECT_EQ(request.url.find('@'), std::string::npos) << "user information stays out of the URL: " << c.url;
    EXPECT_EQ(request.basic_auth_user.has_value(), c.auth_user != nullptr) << c.url;
    if (c.auth_user) {
      EXPECT_EQ(*request.basic_auth_user, c.auth_user) << c.url;
      EXPECT_EQ(request.basic_auth_password.value_or("<none>"), c.auth_password) << c.url;
    }
  }
}

TEST_F(HttpSmsProviderTest, BadUserInformationIsAConfigurationError) {
  for (const char* url : {"http://user@gw/x", "http://a:b:c@gw/x", "http://a:b@c@gw/x"}) {
    EXPECT_FALSE(Failure({{"URL", url}}).message().empty()) << url;
  }
  EXPECT_FALSE(
      Failure({{"URL", "http://gw/x"}, {"USERNAME", "\xE2\x82\xAC"}, {"PASSWORD", "pw"}}).message().empty());
}

TEST_F(HttpSmsProviderTest, BasicAuthReplacesAConfiguredAuthorizationHeader) {
  KeyValues options = MockGatewayOptions(kUrl);
  const KeyValues headers = {{"authorization", "Bearer abc"}, {"X-Other", "1"}};
  ASSERT_TRUE(Send(options, headers).ok());
  EXPECT_EQ(client_.requests.at(0).headers.Get("Authorization"), "Bearer abc");
  options["USERNAME"] = "u";
  options["PASSWORD"] = "p";
  ASSERT_TRUE(Send(options, headers).ok());
  const http::ClientRequest& request = client_.requests.at(1);
  EXPECT_FALSE(request.headers.Has("Authorization"));
  EXPECT_EQ(request.headers.Get("X-Other"), "1");
  EXPECT_EQ(request.basic_auth_user, "u");
}

TEST_F(HttpSmsProviderTest, Proxies) {
  struct Case {
    KeyValues options;
    const char* http_proxy;
    const char* https_proxy;
  };
  const Case cases[] = {
      {{}, "", ""},
      {{{"HTTP_PROXY", "http://p:3128"}}, "http://p:3128", ""},
      {{{"HTTPS_PROXY", "http://p:3129"}}, "", "http://p:3129"},
      {{{"PROXY", "http://old:1"}}, "http://old:1", ""},
      {{{"PROXY", "https://old:1"}}, "", "https://old:1"},
      {{{"PROXY", "socks5://old:1"}}, "", ""},
      {{{"PROXY", "old:1"}}, "", ""},
      {{{"PROXY", "http://old:1"}, {"HTTPS_PROXY", "http://new:2"}}, "", "http://new:2"},
      {{{"PROXY", "http://old:1"}, {"HTTP_PROXY", ""}}, "http://old:1", ""},
  };
  for (const Case& c : cases) {
    const http::ClientRequest request = Sent(c.options);
    EXPECT_EQ(request.http_proxy, c.http_proxy);
    EXPECT_EQ(request.https_proxy, c.https_proxy);
  }
}

TEST_F(HttpSmsProviderTest, FailuresNeverShowSecrets) {
  const KeyValues secret_headers = {{"access-token", "tok-hunter2"}};
  std::vector<KeyValues> configurations = {
      {{"URL", "http://u:hunter2@"}, {"text", "{otp}"}},
      {{"URL", "http://u:hunter2@gw/x"}, {"TIMEOUT", "x"}},
      {{"URL", "http://gw/x"}, {"USERNAME", "\xE2\x82\xAC"}, {"PASSWORD", "hunter2"}},
      {{"URL", "http://gw/x"},
       {"USERNAME", "u"},
       {"PASSWORD", "hunter2"},
       {"SEND_DATA_AS_JSON", "yes"},
       {"HTTP_METHOD", "POST"},
       {"p", "NaN"}},
  };
  for (const KeyValues& options : configurations) {
    const std::string message = Failure(options, secret_headers).message();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
  const std::string message =
      Failure({{"URL", "http://gw/x"}, {"PASSWORD", "hunter2"}}, {{"X-Key", " hunter2"}}).message();
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  client_.Answer(500, "");
  const Status status =
      Send({{"URL", "http://gw/x"}, {"USERNAME", "u"}, {"PASSWORD", "hunter2"}}, secret_headers);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message(), "SMS could not be sent: 500");
}

}  // namespace
}  // namespace osprey::mfa::sms
