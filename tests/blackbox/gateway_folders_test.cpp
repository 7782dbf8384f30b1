// The APIv2 read and maintenance routes through the real binary (smseagle-api.md §6-§9, §14 items 5 and 8):
// folder listings with their filters, status, counts, delete, modem reassignment, sms_single, permissions and
// per-user scoping. Once per database engine.
//
// Most tests run the gateway without modems (gateway.modem_count = 0), so accepted messages stay in the
// outbox and every listing is deterministic; the tests that need modems restart it with loopback ones.
// On PostgreSQL every test shares one database, so each test uses users of its own and relies on scoping.
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "osprey/http/client.hpp"
#include "tests/blackbox/gateway_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::vector<std::string> kAll = {"messages.send_sms", "messages.send_sms_single", "messages.read",
                                       "messages.delete", "messages.modify"};

class GatewayFoldersTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    suffix_ = UniqueSuffix();
    env_["OSPREY_GATEWAY_MODEM_COUNT"] = "0";
  }

  // Adds a user with `permissions` and returns its APIv2 token.
  std::string User(const std::string& name, const std::vector<std::string>& permissions,
                   bool all_resources = false) {
    return AddUserWithToken(Name(name), permissions, {"--all-resources", all_resources ? "true" : "false"});
  }
  std::string Name(const std::string& name) const { return name + "-" + suffix_; }

  http::ClientResponse Call(const std::string& method, const std::string& path, const std::string& token,
                            const std::string& body = "") {
    return GatewayTest::Call(method, path, body, body.empty() ? "" : "application/json",
                             {{"access-token", token}});
  }
  json Get(const std::string& path, const std::string& token, int status = 200) {
    auto r = Call("GET", path, token);
    EXPECT_EQ(r.status, status) << path << " " << r.body;
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/json; charset=utf-8") << path;
    return r.body.empty() ? json() : json::parse(r.body, nullptr, false);
  }
  // Sends `body` to /messages/sms and returns the single queued id (-1 on failure).
  std::int64_t Queue(const std::string& token, const std::string& body) {
    auto r = Call("POST", "/api/v2/messages/sms", token, body);
    auto items = json::parse(r.body, nullptr, false);
    if (r.status != 200 || !items.is_array() || items.size() != 1 || items[0]["status"] != "queued") {
      ADD_FAILURE() << r.status << " " << r.body;
      return -1;
    }
    return items[0]["id"].get<std::int64_t>();
  }
  std::int64_t Queue(const std::string& token) {
    return Queue(token, R"({"to":["+48123456789"],"text":"Hi"})");
  }
  static std::vector<std::int64_t> Ids(const json& items) {
    std::vector<std::int64_t> ids;
    for (const auto& item : items) ids.push_back(item["id"].get<std::int64_t>());
    return ids;
  }
  static json Message(const std::string& text) { return json{{"message", text}}; }

  std::string suffix_;
};

TEST_P(GatewayFoldersTest, OutboxListingHasTheItemFieldsAndEveryFilter) {
  const std::string token = User("alice", kAll);
  Start();
  const std::int64_t a = Queue(token, R"({"to":["+48 111"],"text":"Hi"})");
  const std::int64_t b = Queue(
      token,
      R"({"to":["+48222"],"text":"Zoë","flash":true,"oid":"o-1","validity":"1h","encoding":"unicode"})");
  const std::int64_t c = Queue(token, R"({"to":["+48111"],"text":"again","test":false})");
  ASSERT_TRUE(a > 0 && b > a && c > b);

  json all = Get("/api/v2/messages/outbox", token);
  ASSERT_EQ(Ids(all), (std::vector<std::int64_t>{a, b, c})) << all.dump();
  json item = all[1];
  const std::regex date(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)");
  EXPECT_TRUE(std::regex_match(item["insert_date"].get<std::string>(), date)) << item.dump();
  EXPECT_TRUE(std::regex_match(item["update_date"].get<std::string>(), date)) << item.dump();
  for (const char* volatile_field : {"insert_date", "update_date"}) item.erase(volatile_field);
  EXPECT_EQ(item, json::parse(R"({"id":)" + std::to_string(b) + R"(,"number":"+48222","text":"Zoë",
      "text_binary":"005A006F00EB","attachments":null,"udh":null,"smsc":null,"class":0,"encoding":"unicode",
      "folder_id":2,"validity":"1h","oid":"o-1","modem_no":null,"sender_name":")" +
                              Name("alice") + R"(",
      "status":"reserved","error_code":null,"sending_date":null,"delivery_date":null})"));
  EXPECT_EQ(all[0]["class"], 255);

  const std::string o = "/index.php/api/v2/messages/outbox/?";
  const std::string ids = "id_from=" + std::to_string(a) + "&id_to=" + std::to_string(c);
  EXPECT_EQ(Ids(Get(o + "number=%2B48111", token)), (std::vector<std::int64_t>{a, c}));
  EXPECT_EQ(Ids(Get(o + "number=+48111", token)), (std::vector<std::int64_t>{a, c}));  // unencoded '+'
  EXPECT_EQ(Ids(Get(o + "id_from=" + std::to_string(b) + "&id_to=" + std::to_string(b), token)),
            (std::vector<std::int64_t>{b}));
  EXPECT_EQ(Ids(Get(o + "limit=2", token)), (std::vector<std::int64_t>{a, b}));
  EXPECT_EQ(Get(o + "modem_no=1", token), json::array());  // not pinned, not sent: no modem yet
  EXPECT_EQ(Ids(Get(o + "sender_name=" + Name("alice"), token)), (std::vector<std::int64_t>{a, b, c}));
  EXPECT_EQ(Get(o + "sender_name=nobody", token), json::array());
  EXPECT_EQ(Ids(Get(o + ids + "&date_from=2020-01-01T00:00:00Z&date_to=2100-01-01T00:00:00+01:00", token)),
            (std::vector<std::int64_t>{a, b, c}));
  EXPECT_EQ(Get(o + "date_from=2100-01-01T00:00:00", token), json::array());
  EXPECT_EQ(Get(o + "attachments=1", token), json::array());
  for (const char* folder : {"inbox", "sent", "error", "delivered"}) {
    EXPECT_EQ(Get(std::string("/api/v2/messages/") + folder + "?" + ids, token), json::array()) << folder;
  }

  EXPECT_EQ(Get("/api/v2/messages/trash", token, 400),
            json::parse(R"({"message":{"folder":"The value you selected is not a valid choice."}})"));
  EXPECT_EQ(
      Get(o + "id_from=abc&date_to=yesterday", token, 400),
      json::parse(R"({"message":{"id_from":"The type of the attribute must be one of int (string given).",
                "date_to":"Wrong date format."}})"));
}

TEST_P(GatewayFoldersTest, StatusAndCountsAndTestModeLeavesTheCountUnchanged) {
  const std::string token = User("alice", kAll);
  Start();
  const std::int64_t id = Queue(token);
  EXPECT_EQ(Get("/api/v2/messages/status/" + std::to_string(id), token),
            (json{{"status", "queued"}, {"id", id}, {"folder", "outbox"}}));
  EXPECT_EQ(Get("/api/v2/messages/status/999999999", token, 404), Message("Resource not found."));
  EXPECT_EQ(
      Get("/api/v2/messages/status/abc", token, 400),
      json::parse(R"({"message":{"id":"The type of the attribute must be one of int (string given)."}})"));

  const json counts = {{"inbox", 0}, {"outbox", 1}, {"sent", 0}, {"error", 0}, {"delivered", 0}};
  EXPECT_EQ(Get("/api/v2/messages/count", token), counts);
  EXPECT_EQ(Get("/api/v2/messages/count/outbox", token), (json{{"outbox", 1}}));
  EXPECT_EQ(Get("/api/v2/messages/count/inbox/", token), (json{{"inbox", 0}}));
  EXPECT_EQ(Get("/api/v2/messages/count/outbox?date_from=2100-01-01T00:00:00Z", token),
            (json{{"outbox", 0}}));
  EXPECT_EQ(Get("/api/v2/messages/count/outbox?modem_no=2", token), (json{{"outbox", 0}}));
  EXPECT_EQ(Get("/api/v2/messages/count/trash", token, 400),
            json::parse(R"({"message":{"folder":"The value you selected is not a valid choice."}})"));
  EXPECT_EQ(Get("/api/v2/messages/count?date_to=x", token, 400),
            json::parse(R"({"message":{"date_to":"Wrong date format."}})"));

  // §14 item 5: a test send answers id 0 and stores nothing.
  auto test =
      Call("POST", "/api/v2/messages/sms", token, R"({"to":["+48123456789"],"text":"x","test":true})");
  ASSERT_EQ(test.status, 200);
  EXPECT_EQ(json::parse(test.body)[0]["id"], 0);
  EXPECT_EQ(Get("/api/v2/messages/count", token), counts);
}

TEST_P(GatewayFoldersTest, DeleteRemovesTheRangeOfTheCallersMessages) {
  const std::string token = User("alice", kAll);
  Start();
  const std::int64_t a = Queue(token), b = Queue(token), c = Queue(token);
  const auto del = [&](const std::string& path, int status = 200) {
    auto r = Call("DELETE", "/api/v2/messages/" + path, token);
    EXPECT_EQ(r.status, status) << path << " " << r.body;
    return json::parse(r.body, nullptr, false);
  };
  const json removed = Message("Resource(s) removed successfully.");
  EXPECT_EQ(del("outbox/" + std::to_string(a) + "/" + std::to_string(b)), removed);
  EXPECT_EQ(Ids(Get("/api/v2/messages/outbox", token)), (std::vector<std::int64_t>{c}));
  EXPECT_EQ(del("outbox/" + std::to_string(a) + "/" + std::to_string(b)),
            removed);                                      // nothing left: still 200
  EXPECT_EQ(del("sent/0/" + std::to_string(c)), removed);  // the outbox is untouched
  EXPECT_EQ(del("inbox/0/" + std::to_string(c)), removed);
  EXPECT_EQ(Ids(Get("/api/v2/messages/outbox", token)), (std::vector<std::int64_t>{c}));

  EXPECT_EQ(del("error/1/2", 400),
            json::parse(R"({"message":{"folder":"The value you selected is not a valid choice."}})"));
  EXPECT_EQ(del("outbox/x/2/y", 400), json::parse(R"({"message":{
      "id_from":"The type of the attribute must be one of int (string given).",
      "creator_id":"The type of the attribute must be one of int (string given)."}})"));
  EXPECT_EQ(Get("/api/v2/messages/count/outbox", token), (json{{"outbox", 1}}));
}

TEST_P(GatewayFoldersTest, UsersSeeOnlyTheirOwnMessagesUnlessAllowedAll) {
  const std::string alice = User("alice", kAll), bob = User("bob", kAll);
  const std::string admin = User("auditor", {"messages.read"}, true);
  Start();
  const std::int64_t a = Queue(alice), b = Queue(bob);
  const std::string range = "?id_from=" + std::to_string(a) + "&id_to=" + std::to_string(b);
  EXPECT_EQ(Ids(Get("/api/v2/messages/outbox" + range, alice)), (std::vector<std::int64_t>{a}));
  EXPECT_EQ(Ids(Get("/api/v2/messages/outbox" + range, bob)), (std::vector<std::int64_t>{b}));
  EXPECT_EQ(Get("/api/v2/messages/count/outbox", bob), (json{{"outbox", 1}}));
  EXPECT_EQ(Get("/api/v2/messages/status/" + std::to_string(a), bob, 404), Message("Resource not found."));
  EXPECT_EQ(Get("/api/v2/messages/outbox?sender_name=" + Name("alice"), bob), json::array());

  // Bob's delete over Alice's id, by range and by naming her as creator, removes nothing of hers.
  const std::string span = std::to_string(a) + "/" + std::to_string(a);
  EXPECT_EQ(Call("DELETE", "/api/v2/messages/outbox/" + span, bob).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v2/messages/outbox/" + span + "/1", bob).status, 200);
  EXPECT_EQ(Ids(Get("/api/v2/messages/outbox", alice)), (std::vector<std::int64_t>{a}));

  json both = Get("/api/v2/messages/outbox" + range, admin);
  ASSERT_EQ(Ids(both), (std::vector<std::int64_t>{a, b}));
  EXPECT_EQ(both[0]["sender_name"], Name("alice"));
  EXPECT_EQ(both[1]["sender_name"], Name("bob"));
  EXPECT_EQ(Ids(Get("/api/v2/messages/outbox" + range + "&sender_name=" + Name("bob"), admin)),
            (std::vector<std::int64_t>{b}));
  EXPECT_EQ(Get("/api/v2/messages/status/" + std::to_string(a), admin)["status"], "queued");
}

TEST_P(GatewayFoldersTest, ChecksRunInTheSpecOrder) {
  const std::string sender = User("sender", {"messages.send_sms"});
  const std::string reader = User("reader", {"messages.read"});
  Start();
  const json denied = Message("User has no access to this method.");
  EXPECT_EQ(Get("/api/v2/messages/outbox", "wrong", 401), Message("Invalid API key."));
  EXPECT_EQ(Get("/api/v2/messages/trash", "wrong", 401), Message("Invalid API key."));
  EXPECT_EQ(Get("/api/v2/messages/outbox", sender, 403), denied);
  EXPECT_EQ(Get("/api/v2/messages/trash", sender, 403), denied);  // 403 before 400
  EXPECT_EQ(Get("/api/v2/messages/count", sender, 403), denied);
  EXPECT_EQ(Get("/api/v2/messages/status/1", sender, 403), denied);
  EXPECT_EQ(Get("/api/v2/messages/status/abc", reader, 400).count("message"), 1u);
  const std::pair<std::string, std::string> forbidden[] = {
      {"DELETE", "/api/v2/messages/outbox/1/2"},
      {"PATCH", "/api/v2/messages/outbox_modem_no"},
      {"POST", "/api/v2/messages/sms_single"},
  };
  for (const auto& [method, path] : forbidden) {
    auto r = Call(method, path, reader, R"({"current_modem_no":1,"new_modem_no":2,"to":"1","text":"x"})");
    EXPECT_EQ(r.status, 403) << method << " " << path;
    EXPECT_EQ(json::parse(r.body), denied) << method << " " << path;
  }
  const std::pair<std::string, std::string> unknown[] = {
      {"GET", "/api/v2/messages/sms"},
      {"GET", "/api/v2/messages/sms_single/"},
      {"GET", "/api/v2/messages/outbox_modem_no"},
      {"POST", "/api/v2/messages/outbox"},
      {"PUT", "/api/v2/messages/status/1"},
  };
  for (const auto& [method, path] : unknown) {
    auto r = Call(method, path, reader, "{}");
    EXPECT_EQ(r.status, 405) << method << " " << path << " " << r.body;
    EXPECT_EQ(json::parse(r.body), Message("Unknown method.")) << method << " " << path;
  }
}

TEST_P(GatewayFoldersTest, SmsSingleQueuesOneRecipient) {
  const std::string token = User("alice", kAll);
  const std::string plural_only = User("bob", {"messages.send_sms"});
  Start();
  const auto post = [&](const std::string& body, const std::string& t) {
    return Call("POST", "/api/v2/messages/sms_single", t, body);
  };
  for (const char* body :
       {R"({"to":"+48123456789","text":"Hi"})", R"({"to":["+48123456789"],"text":"Hi"})"}) {
    auto r = post(body, token);
    ASSERT_EQ(r.status, 200) << body << " " << r.body;
    auto items = json::parse(r.body);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]["status"], "queued");
    EXPECT_EQ(items[0]["message"], "OK");
    EXPECT_EQ(items[0]["number"], "+48123456789");
    const std::int64_t id = items[0]["id"].get<std::int64_t>();
    EXPECT_EQ(Get("/api/v2/messages/status/" + std::to_string(id), token)["folder"], "outbox");
  }
  auto index_php =
      Call("POST", "/index.php/api/v2/messages/sms_single/", token, R"({"to":4812345,"text":1})");
  EXPECT_EQ(index_php.status, 200) << index_php.body;

  struct Case {
    const char* body;
    const char* reply;
  } cases[] = {
      {R"({"text":"x"})", R"({"message":{"to":"This value should not be blank."}})"},
      {R"({"to":["1","2"],"text":"x"})",
       R"({"message":{"to":"This collection should contain exactly 1 element."}})"},
      {R"({"to":"1","group":2,"text":"x"})",
       R"({"message":{"recipients":"Only one of parameters: to, contact, group is allowed."}})"},
      {R"({"to":"abc","text":"x"})", R"({"message":{"to":"Invalid phone number."}})"},
      {R"({"to":"1"})", R"({"message":{"text":"This value should not be blank."}})"},
  };
  for (const Case& c : cases) {
    auto r = post(c.body, token);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(json::parse(r.body), json::parse(c.reply)) << c.body << " -> " << r.body;
  }
  auto test = post(R"({"to":"+48123456789","text":"x","test":"1"})", token);
  EXPECT_EQ(json::parse(test.body)[0]["id"], 0) << test.body;
  EXPECT_EQ(Get("/api/v2/messages/count/outbox", token), (json{{"outbox", 3}}));
  EXPECT_EQ(post(R"({"to":"+48123456789","text":"Hi"})", plural_only).status, 403);
}

TEST_P(GatewayFoldersTest, OutboxModemNoNeedsConfiguredModems) {
  const std::string token = User("alice", kAll);
  Start();  // no modems
  const auto patch = [&](const std::string& body) {
    auto r = Call("PATCH", "/api/v2/messages/outbox_modem_no", token, body);
    return std::make_pair(r.status, json::parse(r.body, nullptr, false));
  };
  EXPECT_EQ(patch(R"({"current_modem_no":1,"new_modem_no":2})"),
            std::make_pair(400, json::parse(R"({"message":{"current_modem_no":"Incorrect modem number.",
                "new_modem_no":"Incorrect modem number."}})")));
  EXPECT_EQ(
      patch(R"({"new_modem_no":"x"})"),
      std::make_pair(400, json::parse(R"({"message":{"current_modem_no":"This value should not be blank.",
                "new_modem_no":"The type of the attribute must be one of int (string given)."}})")));

  env_["OSPREY_GATEWAY_MODEM_COUNT"] = "2";
  Start();
  const json updated = Message("Resource(s) updated successfully.");
  EXPECT_EQ(patch(R"({"current_modem_no":1,"new_modem_no":2})"), std::make_pair(200, updated));
  EXPECT_EQ(patch(R"({"current_modem_no":"2","new_modem_no":"1","access_token":"ignored"})"),
            std::make_pair(200, updated));
  EXPECT_EQ(patch(R"({"current_modem_no":1,"new_modem_no":3})"),
            std::make_pair(400, json::parse(R"({"message":{"new_modem_no":"Incorrect modem number."}})")));
}

// §14 item 8 with the loopback modem: queued -> sent -> delivered, and the delivered folder lists it.
TEST_P(GatewayFoldersTest, Item8StatusFollowsTheMessageToDelivered) {
  const std::string token = User("alice", kAll);
  env_["OSPREY_GATEWAY_MODEM_COUNT"] = "1";
  env_["OSPREY_GATEWAY_MODEM_OPTIONS"] = "report_after_ms=300";
  Start();
  const std::int64_t id = Queue(token);
  const std::string status_path = "/api/v2/messages/status/" + std::to_string(id);
  const json first = Get(status_path, token);
  const std::set<std::string> on_the_way = {"queued", "SendingOK", "DeliveryOK"};
  EXPECT_EQ(on_the_way.count(first["status"].get<std::string>()), 1u) << first.dump();
  json status;
  for (auto deadline = std::chrono::steady_clock::now() + 15s; std::chrono::steady_clock::now() < deadline;) {
    status = Get(status_path, token);
    if (status["status"] == "DeliveryOK") break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(status, (json{{"status", "DeliveryOK"}, {"id", id}, {"folder", "sentitems"}}));
  const std::string range = "?id_from=" + std::to_string(id) + "&id_to=" + std::to_string(id);
  json delivered = Get("/api/v2/messages/delivered" + range, token);
  ASSERT_EQ(Ids(delivered), (std::vector<std::int64_t>{id}));
  EXPECT_EQ(delivered[0]["status"], "delivery_ok");
  EXPECT_EQ(delivered[0]["folder_id"], 3);
  EXPECT_EQ(delivered[0]["modem_no"], 1);
  EXPECT_TRUE(delivered[0]["sending_date"].is_string());
  EXPECT_TRUE(delivered[0]["delivery_date"].is_string());
  EXPECT_EQ(Ids(Get("/api/v2/messages/sent" + range + "&modem_no=1", token)),
            (std::vector<std::int64_t>{id}));
  EXPECT_EQ(Get("/api/v2/messages/outbox" + range, token), json::array());
  EXPECT_EQ(Get("/api/v2/messages/count", token),
            (json{{"inbox", 0}, {"outbox", 0}, {"sent", 1}, {"error", 0}, {"delivered", 1}}));
}

INSTANTIATE_TEST_SUITE_P(Engines, GatewayFoldersTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
