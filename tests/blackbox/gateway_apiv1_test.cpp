// APIv1 /http_api/<method> and JSON-RPC /jsonrpc/sms through the real binary (smseagle-api.md §11, §13 items
// 9, 10, 12-15, §14 items 9 and 10), once per database engine.
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <thread>

#include "osprey/http/client.hpp"
#include "osprey/http/message.hpp"
#include "tests/blackbox/gateway_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const char* const kAllApiV1[] = {"apiv1.send", "apiv1.read", "apiv1.delete", "apiv1.lengths", "apiv1.signal"};

class GatewayApiV1Test : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string suffix = UniqueSuffix();
    user_ = "v1-" + suffix;
    token_ = AddApiV1User(user_, true);
    no_permission_token_ = AddApiV1User("v1-none-" + suffix, false);
    ASSERT_FALSE(token_.empty() || no_permission_token_.empty());
    // login+pass for `user_` (the password is read from standard input).
    const std::string pw_file = dir_ + "/pw";
    std::ofstream(pw_file) << kPassword << "\n";
    std::string cmd;
    for (const auto& [k, v] : env_) cmd += k + "='" + v + "' ";
    cmd += std::string(OSPREY_BINARY) + " gateway user set " + user_ +
           " --password-access true --password-stdin --config " + dir_ + "/data/osprey.toml < " + pw_file +
           " > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    Start(0);
  }
  // (Re)starts the gateway with `modems` loopback modems; with none, accepted messages stay in the outbox.
  void Start(int modems) {
    env_["OSPREY_GATEWAY_MODEM_COUNT"] = std::to_string(modems);
    GatewayTest::Start();
  }
  std::string AddApiV1User(const std::string& name, bool permitted) {
    std::vector<std::string> permissions;
    if (permitted) permissions.assign(std::begin(kAllApiV1), std::end(kAllApiV1));
    return AddUserWithToken(name, permissions, {"--apiv1", "true"}, {"--kind", "apiv1"});
  }

  http::ClientResponse Request(const std::string& method, const std::string& path_and_query,
                               const std::string& body = "", const std::string& content_type = "") {
    return Call(method, path_and_query, body, content_type);
  }
  // GET /http_api/<method>?access_token=<token>&<query>: the body of a 200 reply.
  std::string V1(const std::string& method, const std::string& query, const std::string& token = "") {
    auto r = Request(
        "GET", "/http_api/" + method + "?access_token=" + (token.empty() ? token_ : token) + "&" + query);
    EXPECT_EQ(r.status, 200) << method << "?" << query << ": " << r.body;
    return r.body;
  }
  json Rpc(const json& body) {
    auto r = Request("POST", "/jsonrpc/sms", body.dump(), "application/json");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/json; charset=utf-8");
    return json::parse(r.body, nullptr, false);
  }
  // The ids of a text or xml send reply, one per recipient; empty unless every item is OK. Ids are only
  // compared for order: on PostgreSQL other tests draw from the same sequence.
  static std::vector<std::int64_t> IdsOf(const std::string& reply,
                                         const char* pattern = R"(OK; ID=\[(\d+)\]\n?)") {
    std::vector<std::int64_t> ids;
    const std::regex item(pattern);
    std::size_t consumed = 0;
    for (auto it = std::sregex_iterator(reply.begin(), reply.end(), item); it != std::sregex_iterator();
         ++it) {
      if (static_cast<std::size_t>(it->position()) != consumed) return {};
      consumed += it->length();
      ids.push_back(std::stoll((*it)[1]));
    }
    return consumed == reply.size() ? ids : std::vector<std::int64_t>{};
  }
  static std::int64_t IdOf(const std::string& text) {
    auto ids = IdsOf(text);
    return ids.size() == 1 ? ids[0] : -1;
  }
  // read_sms outbox for one id, as Gammu columns (empty when not found).
  std::map<std::string, std::string> OutboxRow(std::int64_t id) {
    const json r = Rpc({{"method", "sms.read_sms"},
                        {"params",
                         {{"access_token", token_},
                          {"folder", "outbox"},
                          {"idfrom", id},
                          {"idto", std::to_string(id)},
                          {"responsetype", "extended"}}}});
    std::map<std::string, std::string> row;
    if (!r["result"].contains("messages") || r["result"]["messages"].size() != 1) return row;
    for (const auto& [k, v] : r["result"]["messages"][0].items()) row[k] = v.get<std::string>();
    return row;
  }

  static constexpr const char* kPassword = "correct horse";
  std::string user_, token_, no_permission_token_;
};

TEST_P(GatewayApiV1Test, Item9SendSmsTextAndXml) {
  const std::int64_t id = IdOf(V1("send_sms", "to=48123456789&message=Hi"));
  ASSERT_GT(id, 0);
  const std::string xml = V1("send_sms", "to=48123456789&message=Hi&responsetype=xml");
  const auto xml_ids = IdsOf(xml, R"(<xml><message_id>(\d+)</message_id><status>ok</status></xml>)");
  ASSERT_EQ(xml_ids.size(), 1u) << xml;
  EXPECT_GT(xml_ids[0], id);
  auto row = OutboxRow(id);
  EXPECT_EQ(row["DestinationNumber"], "48123456789");
  EXPECT_EQ(row["TextDecoded"], "Hi");
  EXPECT_EQ(row["Coding"], "Default_No_Compression");

  // Both prefixes, trailing slash, form POST; several recipients answer one line each.
  auto legacy = Request("GET", "/index.php/http_api/send_sms/?access_token=" + token_ + "&to=1&message=x");
  EXPECT_GT(IdOf(legacy.body), xml_ids[0]) << legacy.body;
  EXPECT_EQ(legacy.headers.Get("Content-Type"), "text/plain; charset=utf-8");
  auto form = Request("POST", "/http_api/send_sms", "access_token=" + token_ + "&to=1,2&message=x+y",
                      "application/x-www-form-urlencoded");
  const auto two = IdsOf(form.body);
  ASSERT_EQ(two.size(), 2u) << form.body;
  EXPECT_LT(two[0], two[1]);
  EXPECT_EQ(OutboxRow(two[1])["TextDecoded"], "x y");
  // test=1: nothing stored.
  EXPECT_EQ(V1("send_sms", "to=1&message=x&test=1"), "OK; ID=[0]");
  EXPECT_EQ(V1("get_queue_length", ""), "5");
}

TEST_P(GatewayApiV1Test, Item10JsonRpcExtendedAndSimple) {
  const json extended =
      Rpc(json::parse(R"({"method":"sms.send_sms","params":{"access_token":")" + token_ +
                      R"(","to":"48123456789","message":"Hi","unicode":1,"responsetype":"extended"}})"));
  ASSERT_TRUE(extended["result"].is_object()) << extended.dump();
  EXPECT_EQ(extended["result"]["status"], "ok");
  ASSERT_TRUE(extended["result"]["message_id"].is_string()) << extended.dump();
  const std::int64_t id = std::stoll(extended["result"]["message_id"].get<std::string>());
  EXPECT_EQ(OutboxRow(id)["Coding"], "Unicode_No_Compression");

  const json simple = Rpc(
      {{"method", "sms.send_sms"}, {"params", {{"access_token", token_}, {"to", "1,2"}, {"message", "x"}}}});
  ASSERT_TRUE(simple["result"].is_string()) << simple.dump();
  EXPECT_EQ(IdsOf(simple["result"].get<std::string>()).size(), 2u) << simple.dump();
  const json length = Rpc({{"method", "sms.get_queue_length"}, {"params", {{"access_token", token_}}}});
  EXPECT_EQ(length, json({{"result", 3}}));
  const json length_ext = Rpc({{"method", "sms.get_queue_length"},
                               {"params", {{"access_token", token_}, {"responsetype", "extended"}}}});
  EXPECT_EQ(length_ext, json::parse(R"({"result":{"queue_length":"3","status":"ok"}})"));
  // highpriority as any integer, flags as strings.
  const json prio = Rpc({{"method", "sms.send_sms"},
                         {"params",
                          {{"access_token", token_},
                           {"to", "1"},
                           {"message", "x"},
                           {"highpriority", "5"},
                           {"flash", "1"},
                           {"duration", "undefined"}}}});
  const std::int64_t prio_id = IdOf(prio["result"].is_string() ? prio["result"].get<std::string>() : "");
  ASSERT_GT(prio_id, id) << prio.dump();
  EXPECT_EQ(OutboxRow(prio_id)["Class"], "0");
}

TEST_P(GatewayApiV1Test, JsonRpcErrors) {
  const json wrong = {{"result", "Wrong parameters"}};
  EXPECT_EQ(Rpc({{"method", "sms.nothing"}, {"params", {{"access_token", token_}}}}), wrong);
  EXPECT_EQ(Rpc({{"method", "sms.send_sms"},
                 {"params",
                  {{"access_token", token_},
                   {"to", "1"},
                   {"message", "x"},
                   {"message_type", "mms"},
                   {"attachments", json::array({{{"content_type", "image/png"}, {"content", "AAAA"}}})}}}}),
            wrong);
  EXPECT_EQ(Rpc({{"method", "sms.send_sms"},
                 {"params", {{"access_token", token_}, {"to", "1"}, {"responsetype", "extended"}}}}),
            json::parse(R"({"result":{"error_text":"Wrong parameters","status":"error"}})"));
  EXPECT_EQ(Rpc({{"method", "sms.get_queue_length"}, {"params", {{"access_token", "nope"}}}}),
            json({{"result", "Invalid login or password"}}));
  EXPECT_EQ(Rpc({{"method", "sms.get_queue_length"},
                 {"params", {{"login", user_}, {"pass", "wrong"}, {"responsetype", "extended"}}}}),
            json::parse(R"({"result":{"error_text":"Invalid login or password","status":"error"}})"));
  // Malformed JSON is still HTTP 200 in the JSON-RPC shape [D]; the service keeps serving.
  for (const char* body :
       {"{\"method\":", "[1,2]", "{\"params\":{}}", "{\"method\":\"sms.send_sms\",\"params\":3}"}) {
    auto r = Request("POST", "/index.php/jsonrpc/sms/", body, "application/json");
    EXPECT_EQ(r.status, 200) << body;
    EXPECT_EQ(r.body, wrong.dump()) << body;
  }
  EXPECT_EQ(Rpc({{"method", "sms.get_inbox_length"}, {"params", {{"access_token", token_}}}}),
            json({{"result", 0}}));
}

TEST_P(GatewayApiV1Test, AuthenticationAndPermissions) {
  EXPECT_EQ(V1("get_queue_length", "", "wrong"), "Invalid access token");
  EXPECT_EQ(V1("get_queue_length", "responsetype=xml", "wrong"),
            "<xml><error_text>Invalid access token</error_text><status>error</status></xml>");
  // A valid token without the apiv1.* permission is refused like a bad token [D].
  EXPECT_EQ(V1("send_sms", "to=1&message=x", no_permission_token_), "Invalid access token");
  EXPECT_EQ(V1("get_queue_length", "", no_permission_token_), "Invalid access token");

  const std::string login = "/http_api/get_queue_length?login=" + user_ + "&pass=";
  EXPECT_EQ(Request("GET", login + http::PercentEncode(kPassword, true)).body, "0");
  EXPECT_EQ(Request("GET", login + "wrong").body, "Invalid login or password");
  EXPECT_EQ(Request("GET", "/http_api/get_queue_length").body, "Invalid login or password");
  auto post = Request("POST", "/http_api/send_sms",
                      "login=" + user_ + "&pass=" + http::PercentEncode(kPassword, true) + "&to=1&message=hi",
                      "application/x-www-form-urlencoded");
  EXPECT_GT(IdOf(post.body), 0) << post.body;
  // Unknown method: authentication first, then Wrong parameters.
  EXPECT_EQ(Request("GET", "/http_api/send_mms?access_token=wrong").body, "Invalid access token");
  EXPECT_EQ(V1("send_mms", ""), "Wrong parameters");
}

TEST_P(GatewayApiV1Test, WrongParametersAndModem) {
  struct Case {
    const char* query;
    const char* reply;
  } cases[] = {
      {"to=1", "Wrong parameters"},                             // no message
      {"message=x", "Wrong parameters"},                        // no recipient
      {"to=abc&message=x", "Wrong parameters"},                 // invalid number
      {"to=1&message=x&date=2025-01-01", "Wrong parameters"},   // bad date format
      {"to=1&message=x&highpriority=12", "Wrong parameters"},   // out of range
      {"to=1&message=x&modem_no=9", "Wrong modem number"},      // no such modem
      {"to=1&message=x&modem_no=first", "Wrong modem number"},  // not a number
  };
  for (const auto& c : cases) EXPECT_EQ(V1("send_sms", c.query), c.reply) << c.query;
  EXPECT_EQ(V1("send_sms", "to=1&message=x&responsetype=xml&modem_no=9"),
            "<xml><error_text>Wrong modem number</error_text><status>error</status></xml>");
  EXPECT_EQ(V1("get_gsmsignal", "modem_no=9"), "Wrong modem number");
  EXPECT_EQ(V1("get_gsmsignal", "modem_no=1"), "Wrong modem number");  // this gateway has no modem
  EXPECT_EQ(V1("send_togroup", "groupname=nobody&message=x"), "Wrong parameters");
  EXPECT_EQ(V1("send_tocontact", "contactname=nobody&message=x"), "Wrong parameters");
  EXPECT_EQ(V1("read_sms", "folder=drafts"), "Wrong parameters");
  EXPECT_EQ(V1("delete_sms", "folder=outbox&idfrom=1"), "Wrong parameters");
}

TEST_P(GatewayApiV1Test, LengthsReadAndDelete) {
  EXPECT_EQ(V1("get_queue_length", ""), "0");
  EXPECT_EQ(V1("get_inbox_length", ""), "0");
  EXPECT_EQ(V1("get_sentitems_length", ""), "0");
  EXPECT_EQ(V1("get_sentitems_length", "responsetype=xml"),
            "<xml><sentitems_length>0</sentitems_length><status>ok</status></xml>");
  const std::int64_t a = IdOf(V1("send_sms", "to=%2B48111&message=first&oid=o-1"));
  const std::int64_t b = IdOf(V1("send_sms", "to=48222&message=second;line"));
  ASSERT_GT(a, 0);
  ASSERT_GT(b, a);
  EXPECT_EQ(V1("get_queue_length", ""), "2");
  EXPECT_EQ(V1("get_queue_length", "responsetype=xml"),
            "<xml><queue_length>2</queue_length><status>ok</status></xml>");

  const std::string rows = V1("read_sms", "folder=outbox");
  const std::string first = "ID=" + std::to_string(a) + ";";
  ASSERT_EQ(rows.rfind(first, 0), 0u) << rows;
  EXPECT_NE(rows.find(";DestinationNumber=+48111;"), std::string::npos) << rows;
  EXPECT_NE(rows.find(";TextDecoded=second\\;line;"), std::string::npos) << rows;
  EXPECT_NE(rows.find(";oid=o-1"), std::string::npos) << rows;
  EXPECT_NE(rows.find("\nID=" + std::to_string(b) + ";"), std::string::npos) << rows;
  EXPECT_EQ(V1("read_sms", "folder=outbox&limit=1").find('\n'), std::string::npos);
  EXPECT_EQ(V1("read_sms", "folder=outbox&to=48222").rfind("ID=" + std::to_string(b) + ";", 0), 0u);
  const std::string xml = V1("read_sms", "folder=outbox&idfrom=" + std::to_string(b) + "&responsetype=xml");
  EXPECT_EQ(xml.rfind("<xml><messages><item><ID>" + std::to_string(b) + "</ID>", 0), 0u) << xml;
  EXPECT_NE(xml.find("<TextDecoded>second;line</TextDecoded>"), std::string::npos) << xml;
  EXPECT_TRUE(xml.ends_with("</item></messages><status>ok</status></xml>")) << xml;
  EXPECT_EQ(V1("read_sms", "folder=sentitems"), "No data to display");
  EXPECT_EQ(V1("read_sms", "folder=inbox"), "No data to display");
  EXPECT_EQ(V1("read_sms", "folder=inbox&responsetype=xml"),
            "<xml><error_text>No data to display</error_text><status>error</status></xml>");

  // Another user's token sees none of these (scoping, spec §3.5).
  const std::string other =
      AddApiV1User("v1-other-" + std::to_string(getpid()) + "-" + std::to_string(a), true);
  EXPECT_EQ(V1("get_queue_length", "", other), "0");
  EXPECT_EQ(V1("read_sms", "folder=outbox", other), "No data to display");
  EXPECT_EQ(
      V1("delete_sms", "folder=outbox&idfrom=" + std::to_string(a) + "&idto=" + std::to_string(b), other),
      "OK");
  EXPECT_EQ(V1("get_queue_length", ""), "2");

  EXPECT_EQ(V1("delete_sms", "folder=outbox&idfrom=" + std::to_string(a) + "&idto=" + std::to_string(a)),
            "OK");
  EXPECT_EQ(V1("get_queue_length", ""), "1");
  EXPECT_EQ(V1("read_sms", "folder=outbox&idfrom=" + std::to_string(a) + "&idto=" + std::to_string(a)),
            "No data to display");
  EXPECT_EQ(V1("delete_sms", "folder=outbox&idfrom=0&idto=999999999&responsetype=xml"),
            "<xml><status>ok</status></xml>");
  EXPECT_EQ(V1("get_queue_length", ""), "0");
}

// send_togroup / send_tocontact resolve names in the caller's phonebook scope.
TEST_P(GatewayApiV1Test, SendToGroupAndContact) {
  const auto id_of = [&](std::vector<std::string> args) -> std::string {
    args.insert(args.end(), {"--owner", user_, "--json"});
    auto r = Gw(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.exit_code == 0 ? std::to_string(json::parse(r.output)["id"].get<std::int64_t>()) : "";
  };
  // Unique names: on PostgreSQL every test shares one database, and other tests add public entries.
  const std::string tag = UniqueSuffix();
  const std::string alice = id_of({"contact", "add", "alice" + tag, "+48111"});
  const std::string bob = id_of({"contact", "add", "bob" + tag, "+48222"});
  const std::string team = id_of({"group", "add", "team" + tag});
  ASSERT_FALSE(alice.empty() || bob.empty() || team.empty());
  auto member = Gw({"group", "member", "add", team, alice, bob});
  ASSERT_EQ(member.exit_code, 0) << member.output;

  const auto group_ids = IdsOf(V1("send_togroup", "groupname=team" + tag + "&message=hello"));
  ASSERT_EQ(group_ids.size(), 2u);
  EXPECT_EQ(OutboxRow(group_ids[0])["DestinationNumber"], "+48111");
  EXPECT_EQ(OutboxRow(group_ids[1])["DestinationNumber"], "+48222");
  const json contact = Rpc({{"method", "sms.send_tocontact"},
                            {"params",
                             {{"access_token", token_},
                              {"contactname", "bob" + tag},
                              {"message", "hi"},
                              {"responsetype", "extended"}}}});
  ASSERT_TRUE(contact["result"].contains("message_id")) << contact.dump();
  EXPECT_EQ(OutboxRow(std::stoll(contact["result"]["message_id"].get<std::string>()))["DestinationNumber"],
            "+48222");
  EXPECT_EQ(V1("send_togroup", "groupname=Team" + tag + "&message=hello"), "Wrong parameters");  // exact name
  // Another user does not see this user's entries.
  const std::string other = AddApiV1User("v1-pb-" + std::to_string(getpid()) + "-" + team, true);
  EXPECT_EQ(V1("send_tocontact", "contactname=alice" + tag + "&message=x", other), "Wrong parameters");
}

// With a loopback modem the message leaves the outbox for sent items; the modem reports full signal.
TEST_P(GatewayApiV1Test, SentItemsAndSignalWithALoopbackModem) {
  Start(1);
  EXPECT_EQ(V1("get_gsmsignal", ""), "100");
  EXPECT_EQ(V1("get_gsmsignal", "modem_no=1&responsetype=xml"),
            "<xml><signal_strength>100</signal_strength><status>ok</status></xml>");
  EXPECT_EQ(V1("get_gsmsignal", "modem_no=2"), "Wrong modem number");
  const std::int64_t id = IdOf(V1("send_sms", "to=48123456789&message=sent&modem_no=1"));
  ASSERT_GT(id, 0);
  for (int i = 0; i < 100 && V1("get_sentitems_length", "") != "1"; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(V1("get_sentitems_length", ""), "1");
  EXPECT_EQ(V1("get_queue_length", ""), "0");
  const std::string row = V1("read_sms", "folder=sentitems&idfrom=" + std::to_string(id));
  EXPECT_EQ(row.rfind("ID=" + std::to_string(id) + ";", 0), 0u) << row;
  EXPECT_NE(row.find(";TextDecoded=sent;"), std::string::npos) << row;
  EXPECT_NE(row.find(";SenderID=1;"), std::string::npos) << row;
  EXPECT_NE(row.find(";id_folder=3;"), std::string::npos) << row;
  EXPECT_EQ(row.find(";SendingDateTime=;"), std::string::npos) << row;
  EXPECT_EQ(V1("delete_sms", "folder=sentitems&idfrom=" + std::to_string(id) + "&idto=" + std::to_string(id)),
            "OK");
  EXPECT_EQ(V1("get_sentitems_length", ""), "0");
}

// Spec §13.9: raw spaces in the query, and an unencoded '+' before the country code.
TEST_P(GatewayApiV1Test, RawSpacesInTheRequestLine) {
  const std::string raw = "GET /http_api/send_sms?access_token=" + token_ +
                          "&to=+48 123 456&message=Hello world HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Connection: close\r\n\r\n";
  const std::string reply = RawExchange(port_, raw, 3000ms);
  ASSERT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  const std::string body = reply.substr(reply.find("\r\n\r\n") + 4);
  const std::int64_t id = IdOf(body);
  ASSERT_GT(id, 0) << body;
  auto row = OutboxRow(id);
  EXPECT_EQ(row["TextDecoded"], "Hello world");
  EXPECT_EQ(row["DestinationNumber"], "+48 123 456");
}

INSTANTIATE_TEST_SUITE_P(Engines, GatewayApiV1Test, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
