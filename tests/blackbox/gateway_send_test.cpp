// POST /api/v2/messages/sms through the real binary (smseagle-api.md §14 items 1-7), once per database
// engine.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>

#include "osprey/http/client.hpp"
#include "tests/blackbox/gateway_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class GatewaySendTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string suffix = UniqueSuffix();
    token_ = AddUserWithToken("privacyidea-" + suffix, {"messages.send_sms"});
    other_token_ = AddUserWithToken("reader-" + suffix, {});
    ASSERT_FALSE(token_.empty() || other_token_.empty());
    Start();
  }

  http::ClientResponse Send(const std::string& method, const std::string& path, const std::string& body,
                            const Headers& headers = {}) {
    return Call(method, path, body, "application/json", headers);
  }
  http::ClientResponse PostSms(const std::string& body) {
    return Send("POST", "/api/v2/messages/sms", body, {{"access-token", token_}});
  }
  // The id of the single queued item of a 200 reply, or -1.
  static std::int64_t QueuedId(const http::ClientResponse& r, const std::string& number = "+48123456789") {
    if (r.status != 200) return -1;
    auto items = json::parse(r.body);
    if (items.size() != 1 || items[0]["status"] != "queued" || items[0]["message"] != "OK" ||
        items[0]["number"] != number || !items[0]["id"].is_number_integer()) {
      return -1;
    }
    return items[0]["id"].get<std::int64_t>();
  }

  std::string token_, other_token_;
};

const std::string kHello = R"({"to":["+48123456789"],"text":"Hello"})";

TEST_P(GatewaySendTest, Item1EveryTokenSourceAndPrefix) {
  const std::string with_body_token =
      R"({"to":["+48123456789"],"text":"Hello","access_token":")" + token_ + "\"}";
  const http::ClientResponse replies[] = {
      PostSms(kHello),
      Send("POST", "/index.php/api/v2/messages/sms", kHello, {{"Access-Token", token_}}),
      Send("POST", "/api/v2/messages/sms/", kHello, {{"access-token", token_}}),
      Send("POST", "/api/v2/messages/sms?access_token=" + token_, kHello),
      Send("POST", "/api/v2/messages/sms", with_body_token),
      Send("POST", "/api/v2/messages/sms", kHello, {{"Authorization", "Bearer " + token_}}),
  };
  std::int64_t last = 0;
  for (const auto& r : replies) {
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/json; charset=utf-8");
    const std::int64_t id = QueuedId(r);
    EXPECT_GT(id, last) << r.status << " " << r.body;
    last = id;
  }
}

TEST_P(GatewaySendTest, Item2PrivacyIdeaRawRequestIsQueuedAndDurable) {
  const std::string body = R"({"to": ["+4915112345678"], "text": "Your OTP code is: 483114"})";
  const std::string raw =
      "POST /api/v2/messages/sms HTTP/1.1\r\nHost: 127.0.0.1:8089\r\n"
      "User-Agent: python-requests/2.28.1\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\n"
      "Connection: keep-alive\r\naccess-token: " +
      token_ + "\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nContent-Type: application/json\r\n\r\n" + body;
  const std::string reply = RawExchange(port_, raw, 1500ms);
  ASSERT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find("queued"), std::string::npos);
  EXPECT_EQ(reply.find("REJECTED"), std::string::npos);
  auto items = json::parse(reply.substr(reply.find("\r\n\r\n") + 4));
  const std::int64_t id = items.at(0).at("id").get<std::int64_t>();
  EXPECT_EQ(items[0]["number"], "+4915112345678");

  // Stored durably: after a restart the next message gets a later id from the same table.
  proc_->Signal(SIGTERM);
  ASSERT_EQ(proc_->WaitExit(10s), 0) << ReadFile(dir_ + "/serve.log");
  Start();
  EXPECT_GT(QueuedId(PostSms(kHello)), id);
}

TEST_P(GatewaySendTest, Item3AuthenticationThenRouteThenPermission) {
  const std::map<std::string, std::string> wrong = {{"access-token", "wrong"}};
  const std::map<std::string, std::string> good = {{"access-token", token_}};
  struct Case {
    const char* why;
    http::ClientResponse reply;
    int status;
    const char* message;
  } cases[] = {
      {"wrong token", Send("POST", "/api/v2/messages/sms", kHello, wrong), 401, "Invalid API key."},
      {"no token", Send("POST", "/api/v2/messages/sms", kHello), 401, "Invalid API key."},
      {"no permission", Send("POST", "/api/v2/messages/sms", kHello, {{"access-token", other_token_}}), 403,
       "User has no access to this method."},
      {"unknown route, no token", Send("GET", "/api/v2/nothing/here", ""), 401, "Invalid API key."},
      {"unknown route", Send("GET", "/api/v2/nothing/here", "", good), 405, "Unknown method."},
      {"wrong method", Send("GET", "/index.php/api/v2/messages/sms", "", good), 405, "Unknown method."},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.reply.status, c.status) << c.why;
    EXPECT_EQ(c.reply.body, json({{"message", c.message}}).dump()) << c.why;
  }
}

TEST_P(GatewaySendTest, Items4To7ValidationTestModeWebhookAndNumbers) {
  auto missing = PostSms(R"({"text":"x"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(
      json::parse(missing.body),
      json::parse(R"({"message":{"recipients":"One of parameters: to, contacts, groups is required."}})"));

  const std::int64_t before = QueuedId(PostSms(kHello));
  auto test = PostSms(R"({"to":["+48123456789"],"text":"x","test":true})");
  EXPECT_EQ(QueuedId(test), 0) << test.body;
  const std::int64_t after = QueuedId(PostSms(kHello));
  EXPECT_EQ(after, before + 1) << "test mode must not take an outbox id";

  auto webhook = PostSms(R"({"to":["+48123456789"],"contacts":[],"groups":[],"text":"t","url":"http://x",
      "type":"sms","access_token":"T","duration":10,"encoding":"standard","modem_no":"1","priority":"0"})");
  EXPECT_GT(QueuedId(webhook), after) << webhook.body;

  auto invalid = PostSms(R"({"to":["abc"],"text":"x"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.body, R"({"message":{"to":"Invalid phone number."}})");
  auto mixed = PostSms(R"({"to":["abc","+48123"],"text":"x"})");
  ASSERT_EQ(mixed.status, 200) << mixed.body;
  auto items = json::parse(mixed.body);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0],
            json::parse(R"({"status":"error","message":"Invalid phone number.","number":"abc","id":null})"));
  EXPECT_EQ(items[1]["status"], "queued");
  EXPECT_EQ(items[1]["number"], "+48123");
}

INSTANTIATE_TEST_SUITE_P(Engines, GatewaySendTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
