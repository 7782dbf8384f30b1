#include <gtest/gtest.h>

#include "mfa/api/config_api_testing.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/sms/gateway_store.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;

class SmsGatewayApiTest : public testing::ConfigApiTest {
 protected:
  void SetUp() override {
    ConfigApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto applied = sql::ApplyMigrations(*db_, sms::GatewayMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    sms::RegisterUnsupportedProviders(providers_);
    gateways_ = std::make_unique<sms::GatewayStore>(*db_, sealer_, clock_);
    ctx_.gateways = gateways_.get();
    ctx_.sms_providers = &providers_;
    AddSmsGatewayRoutes(router_, ctx_);
  }

  // A gateway of a module the registry knows (the refusing SMPP provider: the API does not care).
  testing::Reply PostGateway(const std::string& name, http::Pairs extra = {}) {
    http::Pairs form = {{"name", name}, {"module", std::string(sms::kSmppModule)}};
    form.insert(form.end(), extra.begin(), extra.end());
    return Call("POST", "/smsgateway", std::move(form));
  }

  sms::SmsProviders providers_;
  std::unique_ptr<sms::GatewayStore> gateways_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(SmsGatewayApiTest);

TEST_P(SmsGatewayApiTest, Vector22OnTheHandlers) {
  auto r = PostGateway("myGW", {{"option.URL", "http://example.com"}, {"header.header1", "headervalue1"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], 1);
  ExpectError(Call("DELETE", "/smsgateway/option/1/option.header1"), 404, 601,
              "The requested SMSGatewayOption could not be found.");
  r = Call("DELETE", "/smsgateway/option/1/header.header1");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], 2);  // the header's row: options are stored first
  r = Call("DELETE", "/smsgateway/myGW");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], 1);
  ExpectError(Call("DELETE", "/smsgateway/myGW"), 404, 601, "The requested SMSGateway could not be found.");
}

TEST_P(SmsGatewayApiTest, GetShapesAndIds) {
  PostGateway("gw1", {{"option.PASSWORD", "hunter2"}, {"description", "first"}});
  PostGateway("gw2", {{"header.X", "y"}});
  const json gw1 = {{"id", 1},
                    {"name", "gw1"},
                    {"providermodule", std::string(sms::kSmppModule)},
                    {"description", "first"},
                    {"options", {{"PASSWORD", "hunter2"}}},  // admins read values, as in privacyIDEA
                    {"headers", json::object()}};
  const json gw2 = {{"id", 2},
                    {"name", "gw2"},
                    {"providermodule", std::string(sms::kSmppModule)},
                    {"description", nullptr},
                    {"options", json::object()},
                    {"headers", {{"X", "y"}}}};
  EXPECT_EQ(Call("GET", "/smsgateway/").body["result"]["value"], json::array({gw1, gw2}));
  EXPECT_EQ(Call("GET", "/smsgateway").body["result"]["value"], json::array({gw1, gw2}));
  EXPECT_EQ(Call("GET", "/smsgateway/2").body["result"]["value"], json::array({gw2}));
  EXPECT_EQ(Call("GET", "/smsgateway/7").body["result"]["value"], json::array());
  EXPECT_EQ(Call("GET", "/smsgateway/gw1").body["result"]["value"], json::array({gw1, gw2}));  // not an id
}

TEST_P(SmsGatewayApiTest, ProvidersAreKeyedByModule) {
  auto r = Call("GET", "/smsgateway/providers");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const json value = r.body["result"]["value"];
  ASSERT_EQ(value.size(), 3u);
  const json& smpp = value.at(std::string(sms::kSmppModule));
  EXPECT_EQ(smpp["options_allowed"], false);
  EXPECT_EQ(smpp["headers_allowed"], false);
  EXPECT_EQ(smpp["parameters"]["SMSC_HOST"], (json{{"required", true}, {"description", "SMSC Host IP"}}));
  // A descriptor without headers_allowed (ScriptSMSProvider) omits it; listed values are rendered.
  sms::ProviderDescriptor d;
  d.module = "x.Script";
  d.parameters["background"] = {true, "wait or not", {"wait", "background"}};
  providers_.Register(sms::MakeRefusingProvider(d));
  const json script = Call("GET", "/smsgateway/providers").body["result"]["value"]["x.Script"];
  EXPECT_FALSE(script.contains("headers_allowed"));
  EXPECT_EQ(script["parameters"]["background"]["values"], (json{"wait", "background"}));
}

TEST_P(SmsGatewayApiTest, PostReplacesOptionsAndRefusesUnknownModules) {
  PostGateway("gw1", {{"option.A", "1"}, {"option.B", "2"}, {"header.H", "h"}});
  auto r = Call("POST", "/smsgateway/", {},
                json{{"name", "gw1"}, {"module", std::string(sms::kSmppModule)}, {"option.B", 3}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], 1);
  const json got = Call("GET", "/smsgateway/1").body["result"]["value"][0];
  EXPECT_EQ(got["options"], (json{{"B", "3"}}));  // replaced; values stored as strings
  EXPECT_EQ(got["headers"], json::object());
  r = Call("POST", "/smsgateway", {{"name", "gw9"}, {"module", "privacyidea.lib.SMS"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body["result"]["error"]["code"], -500);
  EXPECT_EQ(Call("GET", "/smsgateway/").body["result"]["value"].size(), 1u);
  ExpectError(Call("POST", "/smsgateway", {{"module", "m"}}), 400, 905, "ERR905: Missing parameter: 'name'");
  ExpectError(Call("POST", "/smsgateway", {{"name", "n"}}), 400, 905, "ERR905: Missing parameter: 'module'");
}

// Options and headers are stored in the order of privacyIDEA's request.all_data (query, then form, then JSON
// body keys), which is the order HttpSMSProvider sends the parameters in (vector 20). GET renders them as
// objects, whose keys the envelope sorts as Flask's jsonify does.
TEST_P(SmsGatewayApiTest, OptionsAreStoredInTheOrderTheyWerePosted) {
  const auto stored = [&](const std::string& name) {
    auto gw = gateways_->Find(name);
    EXPECT_TRUE(gw.ok() && gw->has_value()) << name;
    return gw.ok() && gw->has_value() ? **gw : sms::GatewayDefinition{};
  };
  PostGateway("form", {{"option.to", "[\"{phone}\"]"},
                       {"header.X-B", "2"},
                       {"option.text", "\"{otp}\""},
                       {"header.X-A", "1"},
                       {"option.URL", "http://gw"}});
  sms::GatewayDefinition gw = stored("form");
  EXPECT_EQ(gw.options,
            (sms::OrderedStringMap{{"to", "[\"{phone}\"]"}, {"text", "\"{otp}\""}, {"URL", "http://gw"}}));
  EXPECT_EQ(gw.headers, (sms::OrderedStringMap{{"X-B", "2"}, {"X-A", "1"}}));
  const json got = Call("GET", "/smsgateway/1").body["result"]["value"][0];
  EXPECT_EQ(got["options"], (json{{"to", "[\"{phone}\"]"}, {"text", "\"{otp}\""}, {"URL", "http://gw"}}));
  EXPECT_EQ(got["headers"], (json{{"X-B", "2"}, {"X-A", "1"}}));

  http::Request request;
  request.method = "POST";
  request.path = request.target = "/smsgateway";
  request.remote_address = "10.0.0.1";
  request.query = {{"option.z", "q"}, {"name", "json"}};
  request.form = {{"option.y", "f"}, {"option.z", "ignored: the query wins"}};
  request.body = R"({"module": ")" + std::string(sms::kSmppModule) +
                 R"(", "option.to": "a", "option.y": 2, "option.text": "b", "option.n": null})";
  request.json = json::parse(request.body);
  ASSERT_EQ(Send(std::move(request)).status, 200);
  gw = stored("json");
  EXPECT_EQ(gw.options, (sms::OrderedStringMap{{"z", "q"}, {"y", "2"}, {"to", "a"}, {"text", "b"}}));
}

TEST_P(SmsGatewayApiTest, ChangesAreAuditedWithoutValues) {
  PostGateway("gw1", {{"option.PASSWORD", "hunter2"}});
  Call("DELETE", "/smsgateway/option/1/PASSWORD");
  Call("DELETE", "/smsgateway/nope");
  Call("GET", "/smsgateway/");  // reads are not audited
  const auto entries = AuditEntries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action, "DELETE /smsgateway/<identifier>");
  EXPECT_FALSE(entries[0].success);
  EXPECT_EQ(entries[0].action_detail, "nope");
  EXPECT_EQ(entries[1].action, "DELETE /smsgateway/option/<gwid>/<key>");
  EXPECT_TRUE(entries[1].success);
  EXPECT_EQ(entries[1].action_detail, "1/PASSWORD");
  EXPECT_EQ(entries[2].action, "POST /smsgateway");
  EXPECT_EQ(entries[2].action_detail, "gw1");
  EXPECT_EQ(entries[2].info, "1");
  EXPECT_EQ(entries[2].administrator, "admin");
  for (const auto& e : entries) {
    EXPECT_EQ(e.info.find("hunter2"), std::string::npos);
    EXPECT_EQ(e.action_detail.find("hunter2"), std::string::npos);
  }
}

TEST_P(SmsGatewayApiTest, RightsAndRoles) {
  ExpectError(Call("GET", "/smsgateway/", {}, std::nullopt, std::string()), 401, 4033,
              "Authentication failure. Missing Authorization header.");
  policy::Policy p;
  p.name = "readonly";
  p.scope = std::string(policy::kScopeAdmin);
  p.actions = {{"smsgateway_read", "true"}};
  ASSERT_TRUE(policies_->Set(p).ok());
  EXPECT_EQ(Call("GET", "/smsgateway/").status, 200);
  ExpectError(PostGateway("gw1"), 403, 303,
              "Admin actions are defined, but the action smsgateway_write is not allowed!");
  ExpectError(Call("DELETE", "/smsgateway/gw1"), 403, 303,
              "Admin actions are defined, but the action smsgateway_write is not allowed!");
  EXPECT_TRUE(gateways_->List()->empty());
}

}  // namespace
}  // namespace osprey::mfa::api
