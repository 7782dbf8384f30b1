// /validate/* handlers over the real Validator (and everything under it): envelopes (§2, §3), radiuscheck,
// samlcheck, triggerchallenge and the challenge detail of §8.1.
#include <gtest/gtest.h>

#include <memory>

#include "mfa/api/config_api_testing.hpp"
#include "mfa/api/envelope.hpp"
#include "mfa/token/token_store.hpp"
#include "mfa/validate/validator.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::api {
namespace {

class ValidateApiTest : public testing::ConfigApiTest {
 protected:
  void SetUp() override {
    ConfigApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto applied = sql::ApplyMigrations(*db_, token::TokenMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    AddRealmWithAlice();
    token::RegisterBuiltinTokenTypes(types_);
    store_ = std::make_unique<token::TokenStore>(*db_, sealer_, hasher_, clock_);
    validator_ = std::make_unique<validate::Validator>(*store_, types_, *config_, *policies_, *directory_,
                                                       *audit_, clock_);
    ctx_.token_types = &types_;
    ctx_.tokens = store_.get();
    ctx_.validator = validator_.get();
    AddValidateRoutes(router_, ctx_);
    auto alice = directory_->Find("alice", "realm1");
    ASSERT_TRUE(alice.ok() && alice->has_value());
    token::TokenRecord r;
    r.serial = "OATH1";
    r.tokentype = "hotp";
    r.info = {{"hashlib", "sha1"}};
    r.user_id = (*alice)->info.uid;
    r.resolver = "res1";
    r.user_realm = "realm1";
    r.realms = {"realm1"};
    ASSERT_TRUE(
        store_->Create(r, Secret(*HexDecode("3132333435363738393031323334353637383930")), Secret("pin"))
            .ok());
  }

  // For answers that may have an empty body (radiuscheck).
  http::Response Raw(const std::string& method, const std::string& path, http::Pairs params) {
    http::Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.remote_address = "10.0.0.1";
    (method == "GET" ? request.query : request.form) = std::move(params);
    auto match = router_.Find(method, path, request);
    EXPECT_EQ(match.kind, http::Router::MatchKind::kFound);
    return (*match.handler)(request);
  }

  crypto::KeyedHasher hasher_{ring_.Clone()};
  token::TokenTypes types_;
  std::unique_ptr<token::TokenStore> store_;
  std::unique_ptr<validate::Validator> validator_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(ValidateApiTest);

TEST_P(ValidateApiTest, AcceptEnvelopeGetAndPost) {
  testing::Reply ok = Call("POST", "/validate/check", {{"user", "alice"}, {"pass", "pin755224"}}, {}, "");
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.body["id"], 2);
  EXPECT_EQ(ok.body["result"]["status"], true);
  EXPECT_EQ(ok.body["result"]["value"], true);
  EXPECT_EQ(ok.body["result"]["authentication"], "ACCEPT");
  const nlohmann::json& d = ok.body["detail"];
  EXPECT_EQ(d["message"], "matching 1 tokens");
  EXPECT_EQ(d["serial"], "OATH1");
  EXPECT_EQ(d["type"], "hotp");
  EXPECT_EQ(d["otplen"], 6);
  EXPECT_TRUE(d["threadid"].is_number_integer());

  http::Response get = Raw("GET", "/validate/check", {{"user", "alice"}, {"pass", "pin287082"}});
  auto body = nlohmann::json::parse(get.body);
  EXPECT_EQ(body["result"]["authentication"], "ACCEPT") << get.body;

  testing::Reply replay = Call("POST", "/validate/check", {{"user", "alice"}, {"pass", "pin287082"}}, {}, "");
  EXPECT_EQ(replay.body["result"]["value"], false);
  EXPECT_EQ(replay.body["result"]["authentication"], "REJECT");
  EXPECT_EQ(replay.body["detail"]["message"], "wrong otp value. previous otp used again");
}

TEST_P(ValidateApiTest, ErrorsUseTheErrorEnvelope) {
  ExpectError(Call("POST", "/validate/check", {}, nlohmann::json::object(), ""), 400, 905,
              "ERR905: You need to specify a serial, user or credential_id.");
  ExpectError(Call("POST", "/validate/check", {{"user", "eve"}, {"pass", "x"}}, {}, ""), 400, 904,
              "ERR904: User <eve@realm1> does not exist.");
  testing::Reply missing = Call("POST", "/validate/check", {{"serial", "NOPE"}, {"pass", "x"}}, {}, "");
  ExpectError(missing, 404, 601, "The requested token could not be found.");
  EXPECT_EQ(missing.body["id"], 1);
}

TEST_P(ValidateApiTest, RadiusCheckAnswersWithStatusOnly) {
  http::Response ok = Raw("POST", "/validate/radiuscheck", {{"user", "alice"}, {"pass", "pin755224"}});
  EXPECT_EQ(ok.status, 204);
  EXPECT_TRUE(ok.body.empty());
  http::Response wrong = Raw("POST", "/validate/radiuscheck", {{"user", "alice"}, {"pass", "pin755224"}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_TRUE(wrong.body.empty());
  EXPECT_EQ(wrong.headers.Get("Content-Type").value_or("").substr(0, 10), "text/plain");
  http::Response error = Raw("POST", "/validate/radiuscheck", {{"user", "h%h"}, {"pass", "x"}});
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(nlohmann::json::parse(error.body)["result"]["error"]["code"], 905);
}

TEST_P(ValidateApiTest, SamlCheckReturnsAuthAndAttributes) {
  testing::Reply ok = Call("POST", "/validate/samlcheck", {{"user", "alice"}, {"pass", "pin755224"}}, {}, "");
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.body["result"]["value"]["auth"], true);
  EXPECT_EQ(ok.body["result"]["value"]["attributes"]["givenname"], "Cornelius");
  EXPECT_EQ(ok.body["result"]["value"]["attributes"]["realm"], "realm1");
  EXPECT_EQ(ok.body["result"]["authentication"], "ACCEPT");
  testing::Reply no = Call("POST", "/validate/samlcheck", {{"user", "alice"}, {"pass", "pin755224"}}, {}, "");
  EXPECT_EQ(no.body["result"]["value"]["auth"], false);
  EXPECT_EQ(no.body["result"]["value"]["attributes"], nlohmann::json::object());
  EXPECT_EQ(no.body["result"]["authentication"], "REJECT");
}

TEST_P(ValidateApiTest, TriggerChallengeNeedsAnAdminAndItsTidWorks) {
  ExpectError(Call("POST", "/validate/triggerchallenge", {{"user", "alice"}}, {}, ""), 401, 4033,
              "Authentication failure. Missing Authorization header.");
  testing::Reply t = Call("POST", "/validate/triggerchallenge", {{"user", "alice"}});
  ASSERT_EQ(t.status, 200) << t.body.dump();
  EXPECT_EQ(t.body["id"], 2);
  EXPECT_EQ(t.body["result"]["value"], 1);
  EXPECT_EQ(t.body["result"]["authentication"], "CHALLENGE");
  const nlohmann::json& d = t.body["detail"];
  ASSERT_EQ(d["multi_challenge"].size(), 1u);
  const nlohmann::json& e = d["multi_challenge"][0];
  EXPECT_EQ(e["serial"], "OATH1");
  EXPECT_EQ(e["type"], "hotp");
  EXPECT_EQ(e["client_mode"], "interactive");
  EXPECT_TRUE(e["attributes"].is_null());
  EXPECT_EQ(d["transaction_id"], e["transaction_id"]);
  EXPECT_EQ(d["transaction_ids"][0], e["transaction_id"]);
  EXPECT_EQ(d["messages"][0], "please enter otp: ");
  EXPECT_EQ(d["preferred_client_mode"], "interactive");
  testing::Reply r = Call(
      "POST", "/validate/check",
      {{"user", "alice"}, {"state", e["transaction_id"].get<std::string>()}, {"pass", "755224"}}, {}, "");
  EXPECT_EQ(r.body["result"]["authentication"], "ACCEPT") << r.body.dump();
  EXPECT_EQ(r.body["detail"]["message"], "Found matching challenge");
}

}  // namespace
}  // namespace osprey::mfa::api
