// The inbox through the gateway's routes (APIv2 GET /messages/inbox, /messages/count, DELETE
// /messages/inbox/...) and APIv1 (read_sms folder=inbox, get_inbox_length, delete_sms folder=inbox), on real
// accounts, queue and inbox stores for each engine.
#include <gtest/gtest.h>

#include "smsgw/accounts/test_accounts.hpp"
#include "smsgw/api/service.hpp"
#include "smsgw/inbox/migrations.hpp"
#include "smsgw/modem/loopback_driver.hpp"
#include "smsgw/queue/migrations.hpp"

namespace osprey::smsgw::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class InboxApiTest : public accounts::testing::AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    if (IsSkipped()) return;
    for (const sql::MigrationSet* set : {&queue::QueueMigrations(), &inbox::InboxMigrations()}) {
      auto applied = sql::ApplyMigrations(*db_, *set);
      ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    }
    queue_ = std::make_unique<queue::Store>(*db_);
    inbox_ = std::make_unique<inbox::InboxStore>(*db_);
    std::vector<std::unique_ptr<modem::ModemDriver>> drivers;
    drivers.push_back(std::make_unique<modem::LoopbackDriver>(1, std::chrono::milliseconds(0)));
    fleet_ = std::make_unique<modem::Fleet>(std::move(drivers));
    send::SendOptions options;
    options.modem_exists = [this](int n) { return fleet_->Exists(n); };
    sender_ = std::make_unique<send::SendService>(*queue_, clock_, options);
    GatewayDeps deps;
    deps.healthy = [] { return true; };
    deps.authenticator = auth_.get();
    deps.sender = sender_.get();
    deps.store = queue_.get();
    deps.fleet = fleet_.get();
    deps.modem_exists = [this](int n) { return fleet_->Exists(n); };
    deps.inbox = inbox_.get();
    service_ = std::make_unique<GatewayService>(std::move(deps));

    AddOrDie("u1", {.apiv1_enabled = true});
    v2_token_ = TokenOrDie("u1", accounts::TokenKind::kApiV2);
    v1_token_ = TokenOrDie("u1", accounts::TokenKind::kApiV1);
    ASSERT_TRUE(
        store_
            ->Permit("u1",
                     {"messages.read", "messages.delete", "apiv1.read", "apiv1.delete", "apiv1.lengths"}, {})
            .ok());
    // Received at 2023-11-14T22:13:20Z and one hour later; the second is a joined two-part message.
    Receive(Sms("+48111", "Hi", clock_.Now()));
    modem::IncomingSms a = Sms("+48222", "Zażółć ", clock_.Now() + 1h, 2);
    a.coding = "unicode";
    a.concat = modem::IncomingConcat{4, 2, 1};
    modem::IncomingSms b = a;
    b.text = "gęślą";
    b.concat->seq = 2;
    Receive(b);
    Receive(a);
    auto all = inbox_->List({});
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u);
    first_ = (*all)[0].id;
  }

  static modem::IncomingSms Sms(const std::string& sender, const std::string& text, Clock::TimePoint at,
                                int modem_no = 1) {
    modem::IncomingSms sms;
    sms.modem_no = modem_no;
    sms.sender = sender;
    sms.text = text;
    sms.coding = "standard";
    sms.received_at = at;
    return sms;
  }

  void Receive(const modem::IncomingSms& sms) { ASSERT_TRUE(inbox_->AddPart(sms, clock_.Now()).ok()); }

  http::Response V2(const std::string& method, const std::string& path, http::Pairs query = {}) {
    http::Request r;
    r.method = method;
    r.path = "/api/v2" + path;
    r.query = std::move(query);
    r.headers.Add("access-token", v2_token_);
    auto match = service_->Routes().Find(method, r.path, r);
    EXPECT_EQ(match.kind, http::Router::MatchKind::kFound) << path;
    if (match.kind != http::Router::MatchKind::kFound) return http::Response{};
    return (*match.handler)(r);
  }

  V1Reply V1(const char* method, V1Params params) {
    params.emplace("access_token", v1_token_);
    return ApiV1(*deps(), nullptr).Call(FindV1HttpMethod(method), params, V1AuthTexts::kByCredential);
  }

  // The deps the service was built with (ApiV1 needs them by reference).
  const GatewayDeps* deps() {
    if (!v1_deps_) {
      v1_deps_ = std::make_unique<GatewayDeps>();
      v1_deps_->authenticator = auth_.get();
      v1_deps_->sender = sender_.get();
      v1_deps_->store = queue_.get();
      v1_deps_->fleet = fleet_.get();
      v1_deps_->inbox = inbox_.get();
    }
    return v1_deps_.get();
  }

  std::unique_ptr<queue::Store> queue_;
  std::unique_ptr<inbox::InboxStore> inbox_;
  std::unique_ptr<modem::Fleet> fleet_;
  std::unique_ptr<send::SendService> sender_;
  std::unique_ptr<GatewayService> service_;
  std::unique_ptr<GatewayDeps> v1_deps_;
  std::string v2_token_, v1_token_;
  std::int64_t first_ = 0;
};

TEST_P(InboxApiTest, V2ListsTheInboxWithItsItemFields) {
  http::Response r = V2("GET", "/messages/inbox");
  ASSERT_EQ(r.status, 200) << r.body;
  const json items = json::parse(r.body);
  ASSERT_EQ(items.size(), 2u);
  const json& joined = items[1];
  EXPECT_EQ(joined["id"], first_ + 1);
  EXPECT_EQ(joined["number"], "+48222");
  EXPECT_EQ(joined["text"], "Zażółć gęślą");
  EXPECT_EQ(joined["encoding"], "unicode");
  EXPECT_EQ(joined["folder_id"], 1);
  EXPECT_EQ(joined["modem_no"], 2);
  EXPECT_EQ(joined["processed"], true);
  EXPECT_EQ(joined["read"], false);
  EXPECT_TRUE(joined["oid"].is_null());
  EXPECT_TRUE(joined["udh"].is_null());
  EXPECT_TRUE(joined["attachments"].is_null());
  EXPECT_EQ(joined["class"], 255);
  EXPECT_TRUE(joined.contains("smsc"));
  EXPECT_EQ(items[0]["text_binary"], "00480069");
  EXPECT_TRUE(joined.contains("receive_date"));
  EXPECT_TRUE(joined.contains("insert_date"));
  EXPECT_FALSE(joined.contains("status"));

  r = V2("GET", "/messages/inbox", {{"number", "+48 222"}});
  EXPECT_EQ(json::parse(r.body).size(), 1u);
  r = V2("GET", "/messages/inbox", {{"modem_no", "1"}, {"unread", "1"}});
  ASSERT_EQ(json::parse(r.body).size(), 1u);
  EXPECT_EQ(json::parse(r.body)[0]["number"], "+48111");
  r = V2("GET", "/messages/inbox", {{"date_from", "2023-11-14T22:30:00Z"}});
  EXPECT_EQ(json::parse(r.body).size(), 1u);
  r = V2("GET", "/messages/inbox", {{"id_from", std::to_string(first_ + 2)}});
  EXPECT_EQ(r.body, "[]");
}

TEST_P(InboxApiTest, V2CountsAndDeletesTheInbox) {
  http::Response r = V2("GET", "/messages/count");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["inbox"], 2);
  r = V2("GET", "/messages/count/inbox", {{"modem_no", "2"}});
  EXPECT_EQ(json::parse(r.body), (json{{"inbox", 1}}));
  r = V2("DELETE", "/messages/inbox/" + std::to_string(first_) + "/" + std::to_string(first_));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*inbox_->Count({}), 1);
  // creator_id does not narrow the inbox: its messages have no creator.
  r = V2("DELETE", "/messages/inbox/0/" + std::to_string(first_ + 5) + "/999");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*inbox_->Count({}), 0);
}

TEST_P(InboxApiTest, V1ReadsCountsAndDeletesTheInbox) {
  V1Reply rows = V1("read_sms", {{"folder", "inbox"}});
  ASSERT_EQ(rows.kind, V1Reply::Kind::kRows) << rows.text;
  ASSERT_EQ(rows.rows.size(), 2u);
  std::map<std::string, std::string> row(rows.rows[1].begin(), rows.rows[1].end());
  EXPECT_EQ(row["SenderNumber"], "+48222");
  EXPECT_EQ(row["TextDecoded"], "Zażółć gęślą");
  EXPECT_EQ(row["Coding"], "Unicode_No_Compression");
  EXPECT_EQ(row["RecipientID"], "2");
  EXPECT_EQ(row["id_folder"], "1");
  EXPECT_EQ(row["readed"], "false");
  EXPECT_EQ(row["Processed"], "true");
  EXPECT_EQ(rows.rows[1][0].first, "ID");

  ASSERT_TRUE(inbox_->MarkRead(first_, first_, true, clock_.Now()).ok());
  rows = V1("read_sms", {{"folder", "inbox"}, {"unread", "1"}});
  ASSERT_EQ(rows.rows.size(), 1u);
  rows = V1("read_sms", {{"folder", "inbox"}, {"from", "+48111"}});
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(V1("read_sms", {{"folder", "inbox"}, {"from", "+48999"}}).text, kV1NoData);

  EXPECT_EQ(V1("get_inbox_length", {}).count, 2);
  EXPECT_EQ(
      V1("delete_sms", {{"folder", "inbox"}, {"idfrom", std::to_string(first_)}, {"idto", "999999"}}).kind,
      V1Reply::Kind::kDone);
  EXPECT_EQ(V1("get_inbox_length", {}).count, 0);
  EXPECT_EQ(V1("read_sms", {{"folder", "inbox"}}).text, kV1NoData);
}

TEST_P(InboxApiTest, WithoutAnInboxStoreTheInboxReadsEmpty) {
  GatewayDeps deps = *this->deps();
  deps.inbox = nullptr;
  V1Params params = {{"access_token", v1_token_}, {"folder", "inbox"}};
  ApiV1 v1(deps, nullptr);
  EXPECT_EQ(v1.Call(FindV1HttpMethod("read_sms"), params, V1AuthTexts::kByCredential).text, kV1NoData);
  params.erase("folder");
  EXPECT_EQ(v1.Call(FindV1HttpMethod("get_inbox_length"), params, V1AuthTexts::kByCredential).count, 0);
}

OSPREY_INSTANTIATE_FOR_ENGINES(InboxApiTest);

}  // namespace
}  // namespace osprey::smsgw::api
