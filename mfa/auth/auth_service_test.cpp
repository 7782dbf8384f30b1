#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mfa/auth/auth.hpp"
#include "mfa/auth/rights.hpp"
#include "mfa/auth/test_auth.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::auth {
namespace {

class AuthServiceTest : public testing::AuthTest {
 protected:
  PiResult<LoginResult> Login(const std::string& user, const std::string& password,
                              const std::string& realm = "") {
    return auth_->Login(user, Secret(password), realm, true, "10.0.0.1");
  }
  static nlohmann::ordered_json Claims(const std::string& token) {
    const std::size_t first = token.find('.'), last = token.rfind('.');
    return nlohmann::ordered_json::parse(*Base64UrlDecode(token.substr(first + 1, last - first - 1)));
  }
  static void ExpectAuthError(const PiResult<LoginResult>& r, int code, const std::string& message) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().http_status, 401);
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(r.error().message, message);
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(AuthServiceTest);

TEST_P(AuthServiceTest, AdminLoginIssuesTheSpecClaims) {
  AddAdmin("super", "Test1234!");
  auto r = Login("super", "Test1234!");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->caller.role, "admin");
  EXPECT_EQ(r->caller.realm, "");
  EXPECT_EQ(r->caller.username, "super");
  EXPECT_EQ(r->caller.rights, KnownRightNames("admin"));  // no admin policy: every right
  EXPECT_EQ(r->menus, (std::vector<std::string>{"tokens", "users", "config", "audit"}));
  EXPECT_EQ(r->expires, 1'700'000'000 + 3600);

  const auto claims = Claims(r->token);
  std::vector<std::string> keys;
  for (const auto& [k, v] : claims.items()) keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"username", "realm", "nonce", "role", "authtype", "exp", "rights"}));
  EXPECT_EQ(claims["username"], "super");
  EXPECT_EQ(claims["realm"], "");
  EXPECT_EQ(claims["role"], "admin");
  EXPECT_EQ(claims["authtype"], "password");
  EXPECT_EQ(claims["exp"], 1'700'000'000 + 3600);
  EXPECT_EQ(claims["nonce"].get<std::string>().size(), 40u);
  EXPECT_NE(Claims(Login("super", "Test1234!")->token)["nonce"], claims["nonce"]);

  auto caller = auth_->Verify(r->token);
  ASSERT_TRUE(caller.ok()) << caller.error().message;
  EXPECT_TRUE(caller->is_admin());
  EXPECT_EQ(caller->username, "super");
  EXPECT_EQ(caller->rights, r->caller.rights);
}

TEST_P(AuthServiceTest, UserLoginWithTheUserStorePassword) {
  AddRealmWithAlice();
  for (const auto& [name, realm] :
       std::vector<std::pair<std::string, std::string>>{{"alice", ""},
                                                        {"alice@realm1", ""},
                                                        {"alice", "realm1"},
                                                        {"alice", "REALM1"},
                                                        {"alice@realm1", "realm1"}}) {
    auto r = Login(name, "alicepw", realm);
    ASSERT_TRUE(r.ok()) << name << "/" << realm << ": " << r.error().message;
    EXPECT_EQ(r->caller.role, "user");
    EXPECT_EQ(r->caller.username, "alice");
    EXPECT_EQ(r->caller.realm, "realm1");
    EXPECT_EQ(r->caller.resolver, "res1");
    EXPECT_EQ(r->caller.rights, KnownRightNames("user"));
    EXPECT_EQ(r->menus, (std::vector<std::string>{"tokens", "users", "audit"}));
    auto caller = auth_->Verify(r->token);
    ASSERT_TRUE(caller.ok()) << caller.error().message;
    EXPECT_FALSE(caller->is_admin());
    EXPECT_EQ(caller->resolver, "res1");
    EXPECT_EQ(caller->realm, "realm1");
  }
}

TEST_P(AuthServiceTest, FailuresUsePrivacyIdeaTexts) {
  AddRealmWithAlice();
  AddAdmin("super", "Test1234!");
  const std::string wrong = "Authentication failure. Wrong credentials";
  ExpectAuthError(Login("super", "nope"), 4031, wrong);
  ExpectAuthError(Login("alice", "nope"), 4031, wrong);
  ExpectAuthError(Login("alice", ""), 4031, wrong);
  ExpectAuthError(Login("eve", "alicepw"), 4031, wrong);
  ExpectAuthError(Login("alice@nosuchrealm", "alicepw"), 4031, wrong);  // not split: no such realm
  ExpectAuthError(Login("", "Test1234!"), 4032, "Authentication failure. Missing Username");
  // The realm parameter is checked before anything else, even for local admins.
  ExpectAuthError(Login("super", "Test1234!", "Nowhere"), 4031,
                  "Authentication failure. Unknown realm: Nowhere.");
  ExpectAuthError(Login("", "x", "Nowhere"), 4031, "Authentication failure. Unknown realm: Nowhere.");
}

TEST_P(AuthServiceTest, AdminsComeBeforeUsersOfTheSameName) {
  AddRealmWithAlice();
  AddAdmin("alice", "adminpw");
  auto as_admin = Login("alice", "adminpw");
  ASSERT_TRUE(as_admin.ok());
  EXPECT_EQ(as_admin->caller.role, "admin");
  auto as_user = Login("alice", "alicepw");
  ASSERT_TRUE(as_user.ok());
  EXPECT_EQ(as_user->caller.role, "user");
}

TEST_P(AuthServiceTest, WithoutADefaultRealmOnlyAdminsLogIn) {
  AddAdmin("super", "Test1234!");
  EXPECT_TRUE(Login("super", "Test1234!").ok());
  ExpectAuthError(Login("alice", "alicepw"), 4031, "Authentication failure. Wrong credentials");
}

TEST_P(AuthServiceTest, ExpiredAndForgedTokensAreRefused) {
  AddAdmin("super", "Test1234!");
  auto r = Login("super", "Test1234!");
  ASSERT_TRUE(r.ok());
  clock_.Advance(std::chrono::seconds(3599));
  EXPECT_TRUE(auth_->Verify(r->token).ok());
  clock_.Advance(std::chrono::seconds(1));
  auto expired = auth_->Verify(r->token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().http_status, 401);
  EXPECT_EQ(expired.error().code, 4305);
  EXPECT_EQ(expired.error().message, "Authentication failure. Your token has expired: Signature has expired");

  // Same claims, signed under another server's key.
  const crypto::KeyRing other_ring = testing::RingOf("k1", crypto::RandomSecret(crypto::KeyRing::kKeySize));
  AuthService other(*admins_, *directory_, *policies_, clock_, other_ring);
  auto foreign = other.Login("super", Secret("Test1234!"), "", true, "");
  ASSERT_TRUE(foreign.ok());
  auto forged = auth_->Verify(foreign->token);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, 4304);
  EXPECT_EQ(forged.error().message,
            "Authentication failure. Error decoding the Authorization token: Signature verification failed");
  auto garbage = auth_->Verify("Bearer xyz");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().message,
            "Authentication failure. Error decoding the Authorization token: Not enough segments");
}

TEST_P(AuthServiceTest, TokensSurviveAKeyRotation) {
  AddAdmin("super", "Test1234!");
  auto old_token = Login("super", "Test1234!");
  ASSERT_TRUE(old_token.ok());
  crypto::KeyRing rotated = testing::RingOf("k1", key1_);
  ASSERT_TRUE(rotated.Add("k2", crypto::RandomSecret(crypto::KeyRing::kKeySize)).ok());
  AuthService after(*admins_, *directory_, *policies_, clock_, rotated);
  EXPECT_TRUE(after.Verify(old_token->token).ok());
  auto fresh = after.Login("super", Secret("Test1234!"), "", true, "");
  ASSERT_TRUE(fresh.ok());
  const std::string header = *Base64UrlDecode(fresh->token.substr(0, fresh->token.find('.')));
  EXPECT_EQ(header, R"({"alg":"HS256","kid":"k2","typ":"JWT"})");
  EXPECT_FALSE(auth_->Verify(fresh->token).ok());  // the old server does not know k2
}

TEST_P(AuthServiceTest, AdminPoliciesLimitTheRightsAndMenus) {
  AddAdmin("super", "Test1234!");
  policy::Policy p;
  p.name = "helpdesk";
  p.scope = "admin";
  p.actions = {{"tokenlist", "true"}, {"enable", "true"}};
  ASSERT_TRUE(policies_->Set(p).ok());
  auto r = Login("super", "Test1234!");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> rights = r->caller.rights;
  std::sort(rights.begin(), rights.end());
  EXPECT_EQ(rights, (std::vector<std::string>{"enable", "tokenlist"}));
  EXPECT_EQ(r->menus, (std::vector<std::string>{"tokens"}));
  EXPECT_EQ(Claims(r->token)["rights"].size(), 2u);
}

}  // namespace
}  // namespace osprey::mfa::auth
