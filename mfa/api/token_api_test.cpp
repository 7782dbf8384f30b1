// /token/ handlers over the real TokenService, TokenStore, Directory, PolicyEngine, AuthService and AuditLog.
#include <gtest/gtest.h>

#include <memory>

#include "mfa/api/config_api_testing.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/token/token_service.hpp"
#include "mfa/token/token_store.hpp"

namespace osprey::mfa::api {
namespace {

const char* const kRfcKeyHex = "3132333435363738393031323334353637383930";

class TokenApiTest : public testing::ConfigApiTest {
 protected:
  void SetUp() override {
    ConfigApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto applied = sql::ApplyMigrations(*db_, token::TokenMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    AddRealmWithAlice();
    token::RegisterBuiltinTokenTypes(types_);
    store_ = std::make_unique<token::TokenStore>(*db_, sealer_, hasher_, clock_);
    service_ = std::make_unique<token::TokenService>(*store_, types_, *config_, *directory_, clock_);
    ctx_.token_types = &types_;
    ctx_.tokens = store_.get();
    ctx_.token_service = service_.get();
    AddTokenRoutes(router_, ctx_);
    auto login = auth_->Login("alice", Secret("alicepw"), "", true, "10.0.0.2");
    ASSERT_TRUE(login.ok()) << login.error().message;
    alice_token_ = login->token;
  }

  testing::Reply InitFor(const std::string& serial, const std::string& user) {
    http::Pairs form = {{"serial", serial}, {"otpkey", kRfcKeyHex}, {"pin", "secretpin"}};
    if (!user.empty()) form.push_back({"user", user});
    return Call("POST", "/token/init", form);
  }

  crypto::KeyedHasher hasher_{ring_.Clone()};
  token::TokenTypes types_;
  std::unique_ptr<token::TokenStore> store_;
  std::unique_ptr<token::TokenService> service_;
  std::string alice_token_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(TokenApiTest);

TEST_P(TokenApiTest, InitRepliesWithTheSpecDetailAndAuditsWithoutSecrets) {
  testing::Reply r = InitFor("OATH1", "alice");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["id"], 1);
  EXPECT_EQ(r.body["result"]["value"], true);
  const nlohmann::json& d = r.body["detail"];
  EXPECT_EQ(d["serial"], "OATH1");
  EXPECT_EQ(d["rollout_state"], "");
  EXPECT_EQ(d["otpkey"]["description"], "OTP seed");
  EXPECT_EQ(d["otpkey"]["value"], std::string("seed://") + kRfcKeyHex);
  EXPECT_EQ(d["otpkey"]["value_b32"], "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(d["googleurl"]["description"], "URL for google Authenticator");
  EXPECT_EQ(
      d["googleurl"]["value"],
      "otpauth://hotp/OATH1?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1&digits=6&creator=privacyidea&"
      "issuer=privacyIDEA&serial=OATH1");
  EXPECT_EQ(d["oathurl"]["description"], "URL for OATH token");
  EXPECT_TRUE(d["threadid"].is_number_integer());

  auto entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  const audit::AuditEntry& e = entries.front();  // newest first
  EXPECT_EQ(e.action, "POST /token/init");
  EXPECT_TRUE(e.success);
  EXPECT_EQ(e.serial, "OATH1");
  EXPECT_EQ(e.token_type, "hotp");
  EXPECT_EQ(e.user, "alice");
  EXPECT_EQ(e.realm, "realm1");
  EXPECT_EQ(e.administrator, "admin");
  for (const audit::AuditEntry& entry : entries) {
    for (const std::string* field : {&entry.info, &entry.action_detail}) {
      EXPECT_EQ(field->find(kRfcKeyHex), std::string::npos);
      EXPECT_EQ(field->find("secretpin"), std::string::npos);
    }
  }
}

TEST_P(TokenApiTest, ListShowsTheTokenObjectFields) {
  ASSERT_EQ(InitFor("OATH1", "alice").status, 200);
  ASSERT_EQ(InitFor("OATH2", "").status, 200);
  testing::Reply r = Call("GET", "/token/", {{"serial", "OATH1"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const nlohmann::json& v = r.body["result"]["value"];
  EXPECT_EQ(v["count"], 1);
  EXPECT_TRUE(v["prev"].is_null());
  EXPECT_TRUE(v["next"].is_null());
  ASSERT_EQ(v["tokens"].size(), 1u);
  const nlohmann::json& t = v["tokens"][0];
  EXPECT_TRUE(t["id"].is_number_integer());
  EXPECT_EQ(t["serial"], "OATH1");
  EXPECT_EQ(t["tokentype"], "hotp");
  EXPECT_EQ(t["description"], "");
  EXPECT_EQ(t["info"]["hashlib"], "sha1");
  EXPECT_EQ(t["resolver"], "res1");
  EXPECT_TRUE(t["user_id"].is_string());
  EXPECT_EQ(t["otplen"], 6);
  EXPECT_EQ(t["maxfail"], 10);
  EXPECT_EQ(t["active"], true);
  EXPECT_EQ(t["revoked"], false);
  EXPECT_EQ(t["locked"], false);
  EXPECT_EQ(t["failcount"], 0);
  EXPECT_EQ(t["count"], 0);
  EXPECT_EQ(t["count_window"], 10);
  EXPECT_EQ(t["sync_window"], 1000);
  EXPECT_EQ(t["rollout_state"], "");
  EXPECT_EQ(t["realms"], nlohmann::json::array({"realm1"}));
  EXPECT_EQ(t["tokengroup"], nlohmann::json::array());
  EXPECT_EQ(t["username"], "alice");
  EXPECT_EQ(t["user_realm"], "realm1");
  EXPECT_EQ(t["user_editable"], true);
  EXPECT_EQ(t["container_serial"], "");
  EXPECT_FALSE(t.contains("otpkey"));
  EXPECT_EQ(Call("GET", "/token/").body["result"]["value"]["count"], 2);
  // A user sees only their own tokens, whatever the filter says.
  testing::Reply mine = Call("GET", "/token/", {{"user", "nobody"}}, std::nullopt, alice_token_);
  ASSERT_EQ(mine.status, 200) << mine.body.dump();
  EXPECT_EQ(mine.body["result"]["value"]["count"], 1);
}

TEST_P(TokenApiTest, ErrorsHaveThePrivacyIdeaTexts) {
  ExpectError(Call("POST", "/token/enable"), 400, 905, "ERR905: You either need to provide user or serial");
  ExpectError(Call("POST", "/token/enable/NOPE"), 404, 601, "The requested token could not be found.");
  ExpectError(Call("POST", "/token/disable", {{"user", "eve"}}), 400, 904,
              "ERR904: User <eve@realm1> does not exist.");
  ExpectError(Call("POST", "/token/init", {{"type", "nosuch"}}), 400, 1610,
              "ERR1610: init token failed: unknown token type 'nosuch'");
  ExpectError(Call("POST", "/token/resync", {{"serial", "X"}}), 400, 905,
              "ERR905: Missing parameter: 'otp1'");
  ExpectError(Call("POST", "/token/enable/X", {}, std::nullopt, ""), 401, 4033,
              "Authentication failure. Missing Authorization header.");
}

TEST_P(TokenApiTest, LifecycleEndpoints) {
  ASSERT_EQ(InitFor("OATH1", "").status, 200);
  auto value = [&](const std::string& method, const std::string& path, http::Pairs form = {}) {
    testing::Reply r = Call(method, path, std::move(form));
    EXPECT_EQ(r.status, 200) << path << " " << r.body.dump();
    return r.body["result"]["value"];
  };
  EXPECT_EQ(value("POST", "/token/enable/OATH1"), 0);
  EXPECT_EQ(value("POST", "/token/disable", {{"serial", "OATH1"}}), 1);
  EXPECT_EQ(value("POST", "/token/enable/OATH1"), 1);
  EXPECT_EQ(value("POST", "/token/reset/OATH1"), 1);
  EXPECT_EQ(value("POST", "/token/resync/OATH1", {{"otp1", "338314"}, {"otp2", "254676"}}), true);
  EXPECT_EQ(value("POST", "/token/resync/OATH1", {{"otp1", "338314"}, {"otp2", "254676"}}), false);
  EXPECT_EQ(value("POST", "/token/setpin/OATH1", {{"otppin", "1"}, {"userpin", "2"}}), 2);
  EXPECT_EQ(value("POST", "/token/assign", {{"serial", "OATH1"}, {"user", "alice"}}), true);
  ExpectError(Call("POST", "/token/assign", {{"serial", "OATH1"}, {"user", "alice"}}), 400, 1103,
              "ERR1103: Token already assigned to user User(login='alice', realm='realm1', resolver='res1')");
  EXPECT_EQ(value("POST", "/token/description/OATH1", {{"description", "phone"}}), 1);
  EXPECT_EQ(value("POST", "/token/info/OATH1/color", {{"value", "blue"}}), true);
  EXPECT_EQ(value("POST", "/token/realm/OATH1", {{"realms", "realm1, nosuch"}}), true);
  testing::Reply listed = Call("GET", "/token/", {{"serial", "OATH1"}});
  const nlohmann::json& t = listed.body["result"]["value"]["tokens"][0];
  EXPECT_EQ(t["description"], "phone");
  EXPECT_EQ(t["info"]["color"], "blue");
  EXPECT_EQ(t["count"], 6);
  EXPECT_EQ(value("DELETE", "/token/info/OATH1/color"), true);
  EXPECT_EQ(value("POST", "/token/unassign", {{"user", "alice"}}), 1);
  EXPECT_EQ(value("POST", "/token/revoke/OATH1"), 1);
  EXPECT_EQ(value("DELETE", "/token/OATH1"), 1);
  ExpectError(Call("DELETE", "/token/OATH1"), 404, 601, "The requested token could not be found.");
}

TEST_P(TokenApiTest, UsersActOnTheirOwnTokensOnly) {
  ASSERT_EQ(InitFor("MINE", "alice").status, 200);
  ASSERT_EQ(InitFor("OTHER", "").status, 200);
  ExpectError(Call("POST", "/token/disable/OTHER", {}, std::nullopt, alice_token_), 404, 601,
              "The requested token could not be found.");
  testing::Reply own = Call("POST", "/token/disable/MINE", {}, std::nullopt, alice_token_);
  EXPECT_EQ(own.body["result"]["value"], 1) << own.body.dump();
  ExpectError(
      Call("POST", "/token/info/MINE/x", {{"value", "y"}}, std::nullopt, alice_token_), 401, 4306,
      "Authentication failure. You do not have the necessary role (['admin']) to access this resource!");
  // A user's enrollment belongs to the user, whatever `user` says.
  testing::Reply enrolled =
      Call("POST", "/token/init", {{"serial", "SELF"}, {"user", "bob"}}, std::nullopt, alice_token_);
  ASSERT_EQ(enrolled.status, 200) << enrolled.body.dump();
  EXPECT_EQ(Call("GET", "/token/", {{"serial", "SELF"}}).body["result"]["value"]["tokens"][0]["username"],
            "alice");
}

TEST_P(TokenApiTest, AdminRightsComeFromAdminPolicies) {
  ASSERT_EQ(InitFor("OATH1", "").status, 200);
  policy::Policy p;
  p.name = "listonly";
  p.scope = "admin";
  p.actions = {{"tokenlist", "true"}};
  ASSERT_TRUE(policies_->Set(p).ok());
  ExpectError(Call("POST", "/token/disable/OATH1"), 403, 303,
              "Admin actions are defined, but the action disable is not allowed!");
  ExpectError(Call("POST", "/token/init", {{"type", "totp"}}), 403, 303,
              "Admin actions are defined, but the action enrollTOTP is not allowed!");
  EXPECT_EQ(Call("GET", "/token/").status, 200);
  auto entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_FALSE(entries.front().success);
}

}  // namespace
}  // namespace osprey::mfa::api
