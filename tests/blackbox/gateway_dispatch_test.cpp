// The gateway sending through the loopback modem inside the real binary (smseagle-api.md §14 items 8 and 11,
// §10 modem endpoints, the per-token rate limit), once per database engine.
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>
#include <thread>

#include "osprey/http/client.hpp"
#include "tests/blackbox/gateway_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class GatewayDispatchTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    user_ = "ops-" + UniqueSuffix();
    token_ = AddUserWithToken(user_, {"messages.send_sms", "messages.read", "modem.read", "modem.write"});
    ASSERT_FALSE(token_.empty());
  }
  http::ClientResponse Call(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    return GatewayTest::Call(method, path, body, "application/json", {{"access-token", token_}});
  }
  json Status(std::int64_t id) {
    auto r = Call("GET", "/api/v2/messages/status/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body) : json();
  }
  // Polls the status of `id` until it is `want` (true) or `deadline` passes (false); every status seen on
  // the way is appended to `seen`.
  bool WaitStatus(std::int64_t id, const std::string& want, std::vector<std::string>& seen,
                  std::chrono::milliseconds deadline = 20s) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      json s = Status(id);
      const std::string status = s.value("status", "");
      if (seen.empty() || seen.back() != status) seen.push_back(status);
      if (status == want) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string user_, token_;
};

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " -> ") + s;
  return out;
}

TEST_P(GatewayDispatchTest, Item8StatusFollowsTheModemAndTheDeliveryReport) {
  // The report arrives 3 s after the modem accepted, so SendingOK is observable before DeliveryOK.
  env_["OSPREY_GATEWAY_MODEM_OPTIONS"] = "delay_ms=20,report_after_ms=3000";
  Start();
  // With the modem switched off the message stays in the outbox, so "queued" is observable.
  auto off = Call("PUT", "/api/v2/modem/status/1", R"({"enabled":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(json::parse(off.body), json::parse(R"({"modem_no":1,"modem_enabled":false})"));
  auto sent = Call("POST", "/api/v2/messages/sms", R"({"to":["+48123456789"],"text":"Hello"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  const std::int64_t id = json::parse(sent.body)[0]["id"].get<std::int64_t>();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Status(id), json({{"status", "queued"}, {"id", id}, {"folder", "outbox"}}));

  ASSERT_EQ(Call("PUT", "/api/v2/modem/status/1", R"({"enabled":"1"})").status, 200);
  std::vector<std::string> seen;
  ASSERT_TRUE(WaitStatus(id, "SendingOK", seen)) << Joined(seen) << "\n" << ReadFile(dir_ + "/serve.log");
  EXPECT_EQ(Status(id)["folder"], "sentitems");
  ASSERT_TRUE(WaitStatus(id, "DeliveryOK", seen)) << Joined(seen);
  EXPECT_EQ(Status(id), json({{"status", "DeliveryOK"}, {"id", id}, {"folder", "sentitems"}}));

  const std::string range = "?id_from=" + std::to_string(id) + "&id_to=" + std::to_string(id);
  auto delivered = Call("GET", "/api/v2/messages/delivered" + range);
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  auto items = json::parse(delivered.body);
  ASSERT_EQ(items.size(), 1u) << delivered.body;
  EXPECT_EQ(items[0]["id"], id);
  EXPECT_EQ(items[0]["status"], "delivery_ok");
  EXPECT_EQ(items[0]["number"], "+48123456789");
  EXPECT_EQ(items[0]["modem_no"], 1);
}

TEST_P(GatewayDispatchTest, Item11AndTheOtherModemEndpoints) {
  env_["OSPREY_GATEWAY_MODEM_COUNT"] = "2";
  Start();
  const std::pair<const char*, const char*> cases[] = {
      {"/api/v2/modem/signal", R"({"modem_no":1,"signal_strength":100})"},
      {"/api/v2/modem/signal/2", R"({"modem_no":2,"signal_strength":100})"},
      {"/index.php/api/v2/modem/status/1/", R"({"modem_no":1,"modem_enabled":true})"},
      {"/api/v2/modem/net_name/1", R"({"modem_no":1,"net_name":"Loopback"})"},
      {"/api/v2/modem/sim_status/1", R"({"modem_no":1,"sim_status":"Operational"})"},
      {"/api/v2/modem/network_registration_status/1",
       R"({"modem_no":1,"sim_network_registration_status":"Registered Home"})"},
      {"/api/v2/modem/imei/2", R"({"modem_no":2,"imei":"350000000000002"})"},
      {"/api/v2/modem/number/1", R"({"modem_no":1,"number":null})"},
  };
  for (const auto& [path, want] : cases) {
    auto r = Call("GET", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/json; charset=utf-8") << path;
    EXPECT_EQ(json::parse(r.body), json::parse(want)) << path;
  }
  auto full = Call("GET", "/api/v2/modem/full_info");
  ASSERT_EQ(full.status, 200);
  auto modems = json::parse(full.body);
  ASSERT_EQ(modems.size(), 2u) << full.body;
  EXPECT_EQ(modems[1]["modem_no"], 2);
  EXPECT_EQ(modems[1]["signal_strength"], "100");  // a string, as the device sends it
  EXPECT_EQ(modems[1]["number"], "Unknown");

  for (const char* path : {"/api/v2/modem/signal/3", "/api/v2/modem/imei/x", "/api/v2/modem/full_info/9"}) {
    auto r = Call("GET", path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.body, R"({"message":{"modem_no":"Incorrect modem number."}})") << path;
  }
  auto bad = Call("PUT", "/api/v2/modem/status/1", R"({"enabled":"maybe"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"message":{"enabled":"The value you selected is not a valid choice."}})");
  // A token without modem.read is refused: the running gateway sees the change within gateway.auth_cache_ms
  // (1 s by default).
  ASSERT_EQ(Gw({"token", "permit", user_, "--revoke", "modem.read"}).exit_code, 0);
  const auto until = std::chrono::steady_clock::now() + 5s;
  int status = 0;
  while ((status = Call("GET", "/api/v2/modem/signal/1").status) == 200 &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(status, 403);
}

TEST_P(GatewayDispatchTest, NoModemsMeansQueuedButNotSentAndModemNoIsChecked) {
  env_["OSPREY_GATEWAY_MODEM_COUNT"] = "0";
  Start();
  auto pinned = Call("POST", "/api/v2/messages/sms", R"({"to":["+48123456789"],"text":"x","modem_no":1})");
  EXPECT_EQ(pinned.status, 400);
  EXPECT_EQ(pinned.body, R"({"message":{"modem_no":"Incorrect modem number."}})");
  auto sent = Call("POST", "/api/v2/messages/sms", R"({"to":["+48123456789"],"text":"x"})");
  ASSERT_EQ(sent.status, 200);
  const std::int64_t id = json::parse(sent.body)[0]["id"].get<std::int64_t>();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(Status(id)["status"], "queued");
  EXPECT_EQ(Call("GET", "/api/v2/modem/signal").status, 400);
}

TEST_P(GatewayDispatchTest, RateLimitPerTokenAnswers429) {
  env_["OSPREY_GATEWAY_RATE_LIMIT"] = "0.5";
  env_["OSPREY_GATEWAY_RATE_LIMIT_BURST"] = "3";
  Start();
  int ok = 0, limited = 0;
  std::string body429;
  for (int i = 0; i < 5; ++i) {
    auto r = Call("POST", "/api/v2/messages/sms", R"({"to":["+48123456789"],"text":"x","test":true})");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      body429 = r.body;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 2);
  EXPECT_EQ(body429, R"({"message":"Too many requests."})");
  // Another user is not affected; a wrong token is still 401, not 429.
  token_ = "wrong";
  EXPECT_EQ(Call("POST", "/api/v2/messages/sms", "{}").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Engines, GatewayDispatchTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
