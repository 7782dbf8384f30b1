// HttpSmsProvider through the real libcurl client against a local HTTP server on 127.0.0.1: what a gateway
// really receives, the status rule, redirects, basic auth from the URL and the TIMEOUT option.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "mfa/sms/http/http_sms_provider.hpp"
#include "mfa/sms/http/http_sms_test_support.hpp"
#include "osprey/http/server.hpp"

namespace osprey::mfa::sms {
namespace {

using namespace std::chrono_literals;
using testing::Gateway;
using testing::KeyValues;
using testing::MockGatewayOptions;
using testing::SmsEagleOptions;

// A fake SMS gateway: /sms/<status> answers <status> with `body` and records what it received;
// /redirect/<code> redirects to /sms/200; /slow answers after 800 ms.
class FakeGateway final : public http::Service {
 public:
  FakeGateway() {
    const auto record = [this](http::Request& request) {
      std::lock_guard lock(mutex_);
      received_.push_back(request);
      const int status = std::stoi(request.path_params.at("status"));
      return status == 204 ? http::Response::Empty(status) : http::Response::Text(status, body);
    };
    router_.Add("*", "/sms/{status}", record)
        .Add("*", "/api/v2/messages/sms",
             [this](http::Request& request) {
               std::lock_guard lock(mutex_);
               received_.push_back(request);
               return http::Response::Text(200, body, "application/json");
             })
        .Add("*", "/redirect/{code}",
             [](http::Request& request) {
               http::Response response = http::Response::Empty(std::stoi(request.path_params.at("code")));
               response.headers.Set("Location", "/sms/200");
               return response;
             })
        .Add("*", "/slow", [](http::Request&) {
          std::this_thread::sleep_for(800ms);
          return http::Response::Text(200, "ID 1");
        });
  }
  std::string Name() const override { return "fake-gateway"; }
  const http::Router& Routes() const override { return router_; }
  http::Response RenderError(http::FrameworkError, const std::string& detail,
                             const http::Request&) const override {
    return http::Response::Text(400, detail);
  }
  std::vector<http::Request> Received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

  std::string body = "ID 12345";  // set before requests arrive

 private:
  http::Router router_;
  mutable std::mutex mutex_;
  std::vector<http::Request> received_;
};

class HttpSmsProviderServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ListenerOptions listener;
    server_.AddListener(listener, gateway_);
    ASSERT_TRUE(server_.Start().ok());
  }
  std::string Url(const std::string& path, const std::string& userinfo = "") const {
    return "http://" + userinfo + "127.0.0.1:" + std::to_string(server_.BoundPort(0)) + path;
  }
  Status Send(KeyValues options, KeyValues headers = {}, const std::string& phone = "+491234") const {
    return provider_->Send(Gateway(std::move(options), std::move(headers)), phone, "287082");
  }
  static http::ServerOptions Options() {
    http::ServerOptions options;
    options.io_threads = 1;
    options.worker_threads = 4;
    options.shutdown_grace = 2s;
    options.access_log = false;
    return options;
  }

  FakeGateway gateway_;
  http::HttpServer server_{Options()};
  std::unique_ptr<http::HttpClient> client_ = http::MakeCurlHttpClient();
  std::unique_ptr<SmsProvider> provider_ = MakeHttpSmsProvider(*client_);
};

TEST_F(HttpSmsProviderServerTest, Vector11FormPost) {
  ASSERT_TRUE(Send(MockGatewayOptions(Url("/sms/200"))).ok());
  const auto received = gateway_.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].headers.Get("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(received[0].body, "text=287082&phone=%2B491234");
  EXPECT_EQ(received[0].form, (http::Pairs{{"text", "287082"}, {"phone", "+491234"}}));
}

TEST_F(HttpSmsProviderServerTest, Vector20SmsEagle) {
  gateway_.body = R"([{"status":"queued","message":"OK","number":"+4915112345678","id":7}])";
  ASSERT_TRUE(
      Send(SmsEagleOptions(Url("/api/v2/messages/sms")), {{"access-token", "tok123"}}, "+4915112345678")
          .ok());
  const auto received = gateway_.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].headers.Get("access-token"), "tok123");
  EXPECT_EQ(received[0].headers.Get("content-type"), "application/json");
  EXPECT_EQ(received[0].body, R"({"to": ["+4915112345678"], "text": "Your OTP code is: 287082"})");
  gateway_.body = R"([{"status":"error","message":"Invalid number"}])";
  EXPECT_FALSE(Send(SmsEagleOptions(Url("/api/v2/messages/sms")), {{"access-token", "tok123"}}).ok());
}

TEST_F(HttpSmsProviderServerTest, GetSendsTheParametersInTheQuery) {
  KeyValues options = {
      {"URL", Url("/sms/200?key=a%20b")}, {"HTTP_METHOD", "post"}, {"to", "{phone}"}, {"msg", "Code: {otp}"}};
  ASSERT_TRUE(Send(options).ok());
  const auto received = gateway_.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "GET");
  EXPECT_EQ(received[0].raw_query, "key=a%20b&to=%2B491234&msg=Code%3A+287082");
  EXPECT_TRUE(received[0].body.empty());
  EXPECT_FALSE(received[0].headers.Has("Content-Type"));
}

TEST_F(HttpSmsProviderServerTest, StatusesOtherThan200To202Fail) {
  for (const int status : {200, 201, 202}) {
    EXPECT_TRUE(Send({{"URL", Url("/sms/" + std::to_string(status))}, {"RETURN_SUCCESS", "ID"}}).ok())
        << status;
  }
  for (const int status : {204, 401, 500}) {
    const Status sent = Send({{"URL", Url("/sms/" + std::to_string(status))}});
    ASSERT_FALSE(sent.ok()) << status;
    EXPECT_EQ(sent.error().message(), "SMS could not be sent: " + std::to_string(status));
  }
}

TEST_F(HttpSmsProviderServerTest, RedirectsAreFollowed) {
  ASSERT_TRUE(Send(MockGatewayOptions(Url("/redirect/302"))).ok());
  ASSERT_TRUE(Send(MockGatewayOptions(Url("/redirect/307"))).ok());
  const auto received = gateway_.Received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].method, "GET");  // 302 turns POST into GET without body
  EXPECT_TRUE(received[0].body.empty());
  EXPECT_EQ(received[1].method, "POST");  // 307 repeats method and body
  EXPECT_EQ(received[1].body, "text=287082&phone=%2B491234");
}

TEST_F(HttpSmsProviderServerTest, BasicAuthFromTheUrl) {
  ASSERT_TRUE(Send(MockGatewayOptions(Url("/sms/200", "user:pass@"))).ok());
  const auto received = gateway_.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].headers.Get("Authorization"), "Basic dXNlcjpwYXNz");
}

TEST_F(HttpSmsProviderServerTest, TimeoutFailsInTime) {
  KeyValues options = MockGatewayOptions(Url("/slow"));
  options["TIMEOUT"] = "0.2";
  const auto start = std::chrono::steady_clock::now();
  const Status sent = Send(options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kTimeout);
  EXPECT_LT(elapsed, 700ms);
}

TEST_F(HttpSmsProviderServerTest, RefusedConnectionFailsWithoutShowingThePassword) {
  const std::string url = Url("/sms/200", "user:hunter2@");
  server_.Stop();
  const Status sent = Send({{"URL", url}, {"p", "{otp}"}});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(sent.error().message().find("hunter2"), std::string::npos) << sent.error().message();
}

}  // namespace
}  // namespace osprey::mfa::sms
