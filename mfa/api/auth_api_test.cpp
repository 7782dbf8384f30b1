// POST /auth and RequireCaller over the real AuthService, AdminStore, Directory, PolicyEngine and AuditLog.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "mfa/api/api_context.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/auth/test_auth.hpp"

namespace osprey::mfa::api {
namespace {

class AuthApiTest : public auth::testing::AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto applied = sql::ApplyMigrations(*db_, audit::AuditMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_, ring_);
    ctx_.clock = &clock_;
    ctx_.auth = auth_.get();
    ctx_.admins = admins_.get();
    ctx_.directory = directory_.get();
    ctx_.policies = policies_.get();
    ctx_.audit = audit_.get();
    AddAuthRoutes(router_, ctx_);
  }

  http::Response PostAuth(http::Pairs form, std::optional<nlohmann::json> json = std::nullopt) {
    http::Request request;
    request.method = "POST";
    request.path = request.target = "/auth";
    request.remote_address = "192.0.2.7";
    request.form = std::move(form);
    request.json = std::move(json);
    auto match = router_.Find(request.method, request.path, request);
    EXPECT_EQ(match.kind, http::Router::MatchKind::kFound);
    return (*match.handler)(request);
  }

  std::string AdminToken() {
    auto r = auth_->Login("super", Secret("Test1234!"), "", true, "");
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->token : std::string();
  }

  static http::Request WithHeaders(std::vector<std::pair<std::string, std::string>> headers) {
    http::Request request;
    for (auto& [k, v] : headers) request.headers.Add(k, v);
    return request;
  }

  static void ExpectError(const PiResult<auth::Caller>& r, int code, const std::string& message) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().http_status, 401);
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(r.error().message, message);
  }

  std::unique_ptr<audit::AuditLog> audit_;
  ApiContext ctx_;
  http::Router router_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(AuthApiTest);

TEST_P(AuthApiTest, AdminLoginReturnsTheIdTwoEnvelope) {
  AddAdmin("super", "Test1234!");
  http::Response r = PostAuth({{"username", "super"}, {"password", "Test1234!"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["id"], 2);
  EXPECT_EQ(body["result"]["status"], true);
  EXPECT_EQ(body["result"]["authentication"], "ACCEPT");
  EXPECT_FALSE(body.contains("detail"));
  const auto& value = body["result"]["value"];
  EXPECT_EQ(value["role"], "admin");
  EXPECT_EQ(value["username"], "super");
  EXPECT_EQ(value["realm"], "");
  EXPECT_EQ(value["log_level"], 30);
  EXPECT_EQ(value["auth"], true);
  EXPECT_TRUE(value["rights"].is_array());
  EXPECT_FALSE(value["rights"].empty());
  EXPECT_EQ(value["menus"], nlohmann::json({"tokens", "users", "config", "audit"}));
  EXPECT_TRUE(auth_->Verify(value["token"].get<std::string>()).ok());
}

TEST_P(AuthApiTest, JsonBodyAndUserLogin) {
  AddRealmWithAlice();
  http::Response r = PostAuth({}, nlohmann::json{{"username", "alice@realm1"}, {"password", "alicepw"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto value = nlohmann::json::parse(r.body)["result"]["value"];
  EXPECT_EQ(value["role"], "user");
  EXPECT_EQ(value["username"], "alice");
  EXPECT_EQ(value["realm"], "realm1");
}

TEST_P(AuthApiTest, FailuresAreTheErrorEnvelope) {
  AddAdmin("super", "Test1234!");
  struct Case {
    http::Pairs form;
    int code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{{"username", "super"}, {"password", "wrong"}}, 4031, "Authentication failure. Wrong credentials"},
      {{{"password", "Test1234!"}}, 4032, "Authentication failure. Missing Username"},
      {{{"username", "super"}, {"password", "Test1234!"}, {"realm", "X"}},
       4031,
       "Authentication failure. Unknown realm: X."},
  };
  for (const auto& c : cases) {
    http::Response r = PostAuth(c.form);
    EXPECT_EQ(r.status, 401) << c.message;
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["id"], 1);
    EXPECT_TRUE(body["detail"].is_null());
    EXPECT_EQ(body["result"]["status"], false);
    EXPECT_FALSE(body["result"].contains("authentication"));
    EXPECT_EQ(body["result"]["error"], (nlohmann::json{{"code", c.code}, {"message", c.message}}));
  }
}

TEST_P(AuthApiTest, EveryAttemptIsAuditedWithoutThePassword) {
  AddAdmin("super", "Test1234!");
  PostAuth({{"username", "super"}, {"password", "Test1234!"}});
  PostAuth({{"username", "super"}, {"password", "SecretGuess99"}});
  audit::AuditFilter filter;
  filter.sortorder = "asc";
  auto page = audit_->Query(filter);
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->entries.size(), 2u);
  const audit::AuditEntry& ok = page->entries[0];
  EXPECT_EQ(ok.action, "POST /auth");
  EXPECT_TRUE(ok.success);
  EXPECT_EQ(ok.administrator, "super");
  EXPECT_EQ(ok.client, "192.0.2.7");
  const audit::AuditEntry& failed = page->entries[1];
  EXPECT_FALSE(failed.success);
  EXPECT_EQ(failed.user, "super");
  EXPECT_EQ(failed.info, "Authentication failure. Wrong credentials");
  for (const auto& e : page->entries) {
    for (const std::string* field : {&e.info, &e.user, &e.administrator, &e.action_detail}) {
      EXPECT_EQ(field->find("Test1234!"), std::string::npos);
      EXPECT_EQ(field->find("SecretGuess99"), std::string::npos);
    }
  }
}

TEST_P(AuthApiTest, RequireCallerReadsPiAuthorizationThenAuthorization) {
  AddAdmin("super", "Test1234!");
  const std::string token = AdminToken();
  ExpectError(RequireCaller(ctx_, WithHeaders({}), true), 4033,
              "Authentication failure. Missing Authorization header.");
  EXPECT_TRUE(RequireCaller(ctx_, WithHeaders({{"PI-Authorization", token}}), true).ok());
  EXPECT_TRUE(RequireCaller(ctx_, WithHeaders({{"Authorization", token}}), true).ok());
  // An empty PI-Authorization falls back; a bad one does not.
  EXPECT_TRUE(
      RequireCaller(ctx_, WithHeaders({{"PI-Authorization", ""}, {"Authorization", token}}), true).ok());
  ExpectError(RequireCaller(ctx_, WithHeaders({{"PI-Authorization", "x"}, {"Authorization", token}}), true),
              4304, "Authentication failure. Error decoding the Authorization token: Not enough segments");
  ExpectError(RequireCaller(ctx_, WithHeaders({{"Authorization", ""}}), true), 4304,
              "Authentication failure. Error decoding the Authorization token: Not enough segments");
  auto bearer = RequireCaller(ctx_, WithHeaders({{"Authorization", "Bearer " + token}}), true);
  ASSERT_FALSE(bearer.ok());
  EXPECT_EQ(bearer.error().code, 4304);
  clock_.Advance(std::chrono::hours(1));
  ExpectError(RequireCaller(ctx_, WithHeaders({{"PI-Authorization", token}}), true), 4305,
              "Authentication failure. Your token has expired: Signature has expired");
}

TEST_P(AuthApiTest, UserTokensAreRefusedOnAdminEndpoints) {
  AddRealmWithAlice();
  auto login = auth_->Login("alice", Secret("alicepw"), "", true, "");
  ASSERT_TRUE(login.ok());
  const http::Request request = WithHeaders({{"PI-Authorization", login->token}});
  ExpectError(
      RequireCaller(ctx_, request, true), 4306,
      "Authentication failure. You do not have the necessary role (['admin']) to access this resource!");
  auto user = RequireCaller(ctx_, request, false);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->username, "alice");
  EXPECT_EQ(user->resolver, "res1");
}

}  // namespace
}  // namespace osprey::mfa::api
