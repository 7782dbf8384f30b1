#include "mfa/sms/gateway_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::mfa::sms {
namespace {

class GatewayStoreTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, GatewayMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    store_ = std::make_unique<GatewayStore>(*db_, sealer_, clock_);
  }

  static GatewayDefinition Http(const std::string& name) {
    GatewayDefinition gw;
    gw.name = name;
    gw.module = std::string(kHttpModule);
    gw.options = {{"URL", "http://example.com"}, {"HTTP_METHOD", "POST"}, {"PASSWORD", "pw-Secret-1"}};
    gw.headers = {{"access-token", "tok-Secret-2"}, {"X-Plain", "plain"}};
    return gw;
  }

  std::int64_t PutOrDie(const GatewayDefinition& gw) {
    auto id = store_->Put(gw);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }

  GatewayDefinition FindOrDie(const std::string& name) {
    auto gw = store_->Find(name);
    EXPECT_TRUE(gw.ok()) << gw.error().ToString();
    EXPECT_TRUE(gw.ok() && gw->has_value()) << name;
    return gw.ok() && gw->has_value() ? **gw : GatewayDefinition{};
  }

  // Every stored option value, as the database holds it.
  std::vector<std::string> RawValues() {
    std::vector<std::string> out;
    auto s = db_->Acquire();
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return out;
    soci::rowset<soci::row> rows = (s->get().prepare << "SELECT option_value FROM mfa_smsgateway_option");
    for (const soci::row& row : rows) out.push_back(sql::Text(row, 0));
    return out;
  }

  // Lookup's value of `option` of gateway `name` ("<none>" without gateway, "<error>" on an error).
  std::string LookedUp(const std::string& name, const std::string& option) {
    auto gw = store_->Lookup(name);
    if (!gw.ok()) return "<error>";
    if (*gw == nullptr) return "<none>";
    auto it = (*gw)->options.find(option);
    return it == (*gw)->options.end() ? "<unset>" : it->second;
  }

  crypto::Sealer sealer_{crypto::testing::RandomRing("s1")};
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<GatewayStore> store_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(GatewayStoreTest);

TEST_P(GatewayStoreTest, PutThenReadRoundTripsEveryField) {
  EXPECT_EQ(PutOrDie(Http("gw1")), 1);  // the first gateway is id 1, as in privacyIDEA
  GatewayDefinition got = FindOrDie("gw1");
  EXPECT_EQ(got.id, 1);
  EXPECT_EQ(got.name, "gw1");
  EXPECT_EQ(got.module, kHttpModule);
  EXPECT_FALSE(got.description.has_value());
  EXPECT_EQ(got.options, Http("gw1").options);
  EXPECT_EQ(got.headers, Http("gw1").headers);
  auto by_id = store_->FindById(1);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->options, got.options);
  auto none = store_->Find("nope");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto no_id = store_->FindById(99);
  ASSERT_TRUE(no_id.ok());
  EXPECT_FALSE(no_id->has_value());
}

TEST_P(GatewayStoreTest, SecretValuesAreSealedAtRest) {
  PutOrDie(Http("gw1"));
  const std::vector<std::string> raw = RawValues();
  ASSERT_EQ(raw.size(), 5u);
  for (const std::string& value : raw) {
    EXPECT_EQ(value.find("Secret"), std::string::npos) << value;
  }
  EXPECT_NE(std::find(raw.begin(), raw.end(), "http://example.com"), raw.end());  // plain ones stay plain
  EXPECT_NE(std::find(raw.begin(), raw.end(), "plain"), raw.end());
  // A sealed value moved to another gateway does not open there.
  PutOrDie(Http("gw2"));
  auto s = db_->Acquire();
  ASSERT_TRUE(s.ok());
  sql::Exec(
      s->get(),
      "UPDATE mfa_smsgateway_option SET option_value = (SELECT option_value FROM mfa_smsgateway_option "
      "WHERE gateway_id = 1 AND option_key = 'PASSWORD') WHERE gateway_id = 2 AND option_key = 'PASSWORD'");
  auto moved = store_->Find("gw2");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code(), ErrorCode::kCorrupted);
  EXPECT_EQ(moved.error().message().find("pw-Secret-1"), std::string::npos);
  EXPECT_FALSE(store_->List().ok());
  EXPECT_TRUE(store_->Find("gw1").ok());
}

TEST_P(GatewayStoreTest, LookupSeesEveryChangeThroughThisStoreAtOnce) {
  EXPECT_EQ(LookedUp("gw1", "URL"), "<none>");
  GatewayDefinition gw = Http("gw1");
  PutOrDie(gw);
  EXPECT_EQ(LookedUp("gw1", "URL"), "http://example.com");
  EXPECT_EQ(LookedUp("gw1", "PASSWORD"), "pw-Secret-1");  // opened
  gw.options["URL"] = "http://changed.example.com";
  PutOrDie(gw);
  EXPECT_EQ(LookedUp("gw1", "URL"), "http://changed.example.com");
  ASSERT_TRUE(store_->RemoveOption(1, OptionKind::kOption, "URL").ok());
  EXPECT_EQ(LookedUp("gw1", "URL"), "<unset>");
  ASSERT_TRUE(store_->Remove("gw1").ok());
  EXPECT_EQ(LookedUp("gw1", "URL"), "<none>");
}

TEST_P(GatewayStoreTest, LookupSeesAnotherProcesssChangeAfterTheReloadInterval) {
  PutOrDie(Http("gw1"));
  EXPECT_EQ(LookedUp("gw1", "URL"), "http://example.com");
  GatewayStore other(*db_, sealer_, clock_);  // another process on the same database (the CLI)
  GatewayDefinition gw = Http("gw1");
  gw.options["URL"] = "http://other.example.com";
  ASSERT_TRUE(other.Put(gw).ok());
  ASSERT_TRUE(other.Put(Http("gw2")).ok());
  EXPECT_EQ(LookedUp("gw1", "URL"), "http://example.com");  // the copy, within the interval
  EXPECT_EQ(LookedUp("gw2", "URL"), "<none>");
  clock_.Advance(std::chrono::milliseconds(1001));
  EXPECT_EQ(LookedUp("gw1", "URL"), "http://other.example.com");
  EXPECT_EQ(LookedUp("gw2", "URL"), "http://example.com");
  ASSERT_TRUE(other.Remove("gw2").ok());
  clock_.Advance(std::chrono::milliseconds(1001));
  EXPECT_EQ(LookedUp("gw2", "URL"), "<none>");
}

TEST_P(GatewayStoreTest, LookupOfAGatewayWhoseSealedValueDoesNotOpenFailsAloneAndQuotesNoValue) {
  PutOrDie(Http("gw1"));
  PutOrDie(Http("gw2"));
  {
    auto s = db_->Acquire();
    ASSERT_TRUE(s.ok());
    sql::Exec(s->get(),
              "UPDATE mfa_smsgateway_option SET option_value = (SELECT option_value FROM "
              "mfa_smsgateway_option WHERE gateway_id = 1 AND option_key = 'PASSWORD') WHERE gateway_id = 2 "
              "AND option_key = 'PASSWORD'");
    sql::Exec(s->get(), "UPDATE mfa_smsgateway_state SET generation = generation + 1");
  }
  clock_.Advance(std::chrono::milliseconds(1001));
  auto broken = store_->Lookup("gw2");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code(), ErrorCode::kCorrupted);
  EXPECT_EQ(broken.error().message().find("Secret"), std::string::npos);
  EXPECT_EQ(LookedUp("gw1", "PASSWORD"), "pw-Secret-1");
}

TEST(GatewayKeys, IsSecretKeyMatchesCaseInsensitively) {
  struct Case {
    const char* key;
    bool secret;
  };
  for (const Case& c :
       {Case{"PASSWORD", true}, Case{"password", true}, Case{"SMTP_PASSWD", true},
        Case{"client_secret", true}, Case{"access-token", true}, Case{"Authorization", true},
        Case{"apikey", true}, Case{"API_KEY", true}, Case{"URL", false}, Case{"USERNAME", false},
        Case{"HTTP_METHOD", false}, Case{"text", false}, Case{"phone", false}}) {
    EXPECT_EQ(IsSecretKey(c.key), c.secret) << c.key;
  }
}

TEST_P(GatewayStoreTest, PutReplacesOptionsAndHeadersWholesale) {
  const std::int64_t id = PutOrDie(Http("gw1"));
  GatewayDefinition update;
  update.name = "gw1";
  update.module = "other.Module";
  update.description = "new";
  update.options = {{"URL", "http://example.org"}, {"TIMEOUT", "5"}};
  EXPECT_EQ(PutOrDie(update), id);  // updated by name, same id
  GatewayDefinition got = FindOrDie("gw1");
  EXPECT_EQ(got.module, "other.Module");
  EXPECT_EQ(got.description, "new");
  EXPECT_EQ(got.options, update.options);
  EXPECT_TRUE(got.headers.empty());
  EXPECT_EQ(RawValues().size(), 2u);
  // The description is overwritten, also to null.
  update.description.reset();
  PutOrDie(update);
  EXPECT_FALSE(FindOrDie("gw1").description.has_value());
  // A second gateway gets the next id; List orders by id.
  PutOrDie(Http("gw0"));
  auto all = store_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "gw1");
  EXPECT_EQ((*all)[1].name, "gw0");
  EXPECT_EQ((*all)[1].options.at("PASSWORD"), "pw-Secret-1");
}

// privacyIDEA keeps options and headers in row order (HttpSMSProvider sends its parameters in it): a round
// trip keeps the given order; an update keeps the rows, and so the places, of the keys that stay and appends
// new keys in the given order.
TEST_P(GatewayStoreTest, OptionOrderIsTheRowOrderAcrossUpdates) {
  GatewayDefinition gw = Http("gw1");
  gw.options = {{"to", "[\"{phone}\"]"}, {"text", "\"{otp}\""}, {"URL", "http://a"}, {"PASSWORD", "pw"}};
  gw.headers = {{"X-B", "2"}, {"X-A", "1"}};
  PutOrDie(gw);
  GatewayDefinition got = FindOrDie("gw1");
  EXPECT_EQ(got.options, gw.options);
  EXPECT_EQ(got.headers, gw.headers);
  GatewayDefinition update = gw;
  update.options = {{"phone", "{phone}"}, {"PASSWORD", "pw2"}, {"msg", "{otp}"}, {"to", "x"}, {"URL", "u"}};
  update.headers = {{"X-C", "3"}, {"X-B", "20"}};
  PutOrDie(update);
  got = FindOrDie("gw1");
  EXPECT_EQ(got.options,
            (OrderedStringMap{
                {"to", "x"}, {"URL", "u"}, {"PASSWORD", "pw2"}, {"phone", "{phone}"}, {"msg", "{otp}"}}));
  EXPECT_EQ(got.headers, (OrderedStringMap{{"X-B", "20"}, {"X-C", "3"}}));
  auto all = store_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().options, got.options);
  EXPECT_EQ(all->front().headers, got.headers);
}

TEST_P(GatewayStoreTest, RemoveOptionByKindAndKey) {
  PutOrDie(Http("gw1"));
  // Options are inserted before headers, each in the given order: URL 1, HTTP_METHOD 2, PASSWORD 3,
  // access-token 4, X-Plain 5.
  auto wrong_kind = store_->RemoveOption(1, OptionKind::kOption, "X-Plain");
  ASSERT_TRUE(wrong_kind.ok());
  EXPECT_FALSE(wrong_kind->has_value());
  auto header = store_->RemoveOption(1, OptionKind::kHeader, "X-Plain");
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*header, 5);
  auto option = store_->RemoveOption(1, OptionKind::kOption, "URL");
  ASSERT_TRUE(option.ok());
  EXPECT_EQ(*option, 1);
  auto again = store_->RemoveOption(1, OptionKind::kOption, "URL");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  auto other_gateway = store_->RemoveOption(7, OptionKind::kOption, "PASSWORD");
  ASSERT_TRUE(other_gateway.ok());
  EXPECT_FALSE(other_gateway->has_value());
  GatewayDefinition got = FindOrDie("gw1");
  EXPECT_EQ(got.options.count("URL"), 0u);
  EXPECT_EQ(got.headers.count("X-Plain"), 0u);
  EXPECT_EQ(got.options.at("PASSWORD"), "pw-Secret-1");
}

TEST_P(GatewayStoreTest, RemoveDeletesTheGatewayWithItsOptions) {
  PutOrDie(Http("gw1"));
  auto removed = store_->Remove("gw1");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_TRUE(RawValues().empty());
  auto again = store_->Remove("gw1");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_TRUE(store_->List()->empty());
}

TEST_P(GatewayStoreTest, SaveGatewayRefusesUnknownModules) {
  SmsProviders providers;
  RegisterUnsupportedProviders(providers);
  GatewayDefinition gw = Http("gw1");
  auto unknown = SaveGateway(*store_, providers, gw);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find(std::string(kHttpModule)), std::string::npos);
  EXPECT_NE(unknown.error().message().find(std::string(kSmppModule)), std::string::npos);
  EXPECT_TRUE(store_->List()->empty());  // nothing stored
  gw.module = std::string(kSmppModule);
  auto known = SaveGateway(*store_, providers, gw);
  ASSERT_TRUE(known.ok()) << known.error().ToString();
  EXPECT_EQ(*known, 1);
  GatewayDefinition nameless = gw;
  nameless.name.clear();
  EXPECT_EQ(SaveGateway(*store_, providers, nameless).error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace osprey::mfa::sms
