// /resolver/, /realm/, /defaultrealm and /user/ over the real Directory, AuthService, PolicyEngine and
// AuditLog.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "mfa/api/api_context.hpp"
#include "mfa/audit/audit_log.hpp"
#include "mfa/auth/test_auth.hpp"
#include "mfa/users/test_users.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;

class UserApiTest : public auth::testing::AuthTest {
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
    AddUserRoutes(router_, ctx_);
    AddAdmin("super", "Test1234!");
    auto login = auth_->Login("super", Secret("Test1234!"), "", true, "");
    ASSERT_TRUE(login.ok());
    admin_token_ = login->token;
  }

  http::Response Send(const std::string& method, const std::string& path, http::Pairs form = {},
                      std::string token = "") {
    http::Request request;
    request.method = method;
    request.path = request.target = path;
    request.remote_address = "192.0.2.7";
    request.form = std::move(form);
    request.headers.Add("PI-Authorization", token.empty() ? admin_token_ : token);
    auto match = router_.Find(request.method, request.path, request);
    EXPECT_EQ(match.kind, http::Router::MatchKind::kFound) << method << " " << path;
    if (match.kind != http::Router::MatchKind::kFound) return http::Response::Empty(599);
    return (*match.handler)(request);
  }

  // The result.value of a 200 answer.
  json Value(const http::Response& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    const json body = json::parse(r.body);
    return body["result"]["value"];
  }

  void ExpectError(const http::Response& r, int status, int code, const std::string& message) {
    EXPECT_EQ(r.status, status) << r.body;
    const json body = json::parse(r.body);
    EXPECT_EQ(body["result"]["status"], false);
    EXPECT_EQ(body["result"]["error"]["code"], code);
    EXPECT_EQ(body["result"]["error"]["message"], message);
  }

  void MakeRealm() {
    ASSERT_EQ(Send("POST", "/resolver/res1", {{"type", "sql"}}).status, 200);
    ASSERT_EQ(Send("POST", "/realm/realm1", {{"resolvers", "res1"}}).status, 200);
  }

  std::unique_ptr<audit::AuditLog> audit_;
  ApiContext ctx_;
  http::Router router_;
  std::string admin_token_;
  users::testing::TempDir dir_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(UserApiTest);

TEST_P(UserApiTest, ResolversAreCreatedListedAndDeleted) {
  const json id = Value(Send("POST", "/resolver/res1", {{"type", "sql"}}));
  ASSERT_TRUE(id.is_number_integer());
  const std::string file = dir_.Write("passwd", "carol:x:500:500:Carol C:/:/bin/sh\n");
  // privacyIDEA's type name is accepted; parameters the type does not know are ignored.
  Value(Send("POST", "/resolver/files",
             {{"type", "passwdresolver"}, {"fileName", file}, {"type.fileName", "x"}}));

  const json all = Value(Send("GET", "/resolver/"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all["res1"], json({{"resolvername", "res1"},
                               {"type", "sql"},
                               {"censor_keys", json::array()},
                               {"data", json::object()}}));
  EXPECT_EQ(all["files"]["type"], "passwdfile");
  EXPECT_EQ(all["files"]["data"], json({{"fileName", file}}));
  EXPECT_EQ(Value(Send("GET", "/resolver/", {{"type", "sql"}})).size(), 1u);
  EXPECT_EQ(Value(Send("GET", "/resolver/files")).size(), 1u);
  EXPECT_EQ(Value(Send("GET", "/resolver/nosuch")), json::object());

  ExpectError(Send("POST", "/resolver/r2", {}), 400, 905, "ERR905: Missing parameter: 'type'");
  ExpectError(Send("POST", "/resolver/r2", {{"type", "passwdfile"}}), 400, 905,
              "ERR905: Missing parameter: 'fileName'");
  ExpectError(Send("POST", "/resolver/res1", {{"type", "passwdfile"}, {"fileName", file}}), 400, 905,
              "ERR905: resolver with similar name and other type already exists: res1");

  EXPECT_EQ(Value(Send("DELETE", "/resolver/res1")), id);
  EXPECT_EQ(Value(Send("DELETE", "/resolver/res1")), -1);
}

TEST_P(UserApiTest, RealmsAndTheDefaultRealm) {
  Value(Send("POST", "/resolver/res1", {{"type", "sql"}}));
  Value(Send("POST", "/resolver/res2", {{"type", "sql"}}));
  const json set =
      Value(Send("POST", "/realm/Realm1",
                 {{"resolvers", "res1, res2,nosuch"}, {"priority.res1", "3"}, {"priority.res2", "1"}}));
  EXPECT_EQ(set, json({{"added", {"res1", "res2"}}, {"failed", {"nosuch"}}}));
  const json realms = Value(Send("GET", "/realm/"));
  ASSERT_TRUE(realms.contains("realm1"));
  const json& realm1 = realms["realm1"];
  EXPECT_EQ(realm1["default"], true);
  EXPECT_TRUE(realm1["id"].is_number_integer());
  EXPECT_EQ(realm1["option"], "");
  EXPECT_EQ(realm1["resolver"], json::parse(R"([{"name":"res2","node":"","priority":1,"type":"sql"},
                                               {"name":"res1","node":"","priority":3,"type":"sql"}])"));
  ExpectError(Send("POST", "/realm/realm2", {}), 400, 905, "ERR905: Missing parameter: 'resolvers'");
  ExpectError(Send("POST", "/realm/realm2", {{"resolvers", "res1"}, {"priority.res1", "x"}}), 400, 905,
              "ERR905: priority.res1 must be an integer");
  Value(Send("POST", "/realm/realm2", {{"resolvers", "res1"}}));

  EXPECT_EQ(Value(Send("GET", "/defaultrealm")).begin().key(), "realm1");
  EXPECT_EQ(Value(Send("GET", "/realm/default")).size(), 1u);
  EXPECT_EQ(Value(Send("GET", "/realm/superuser")), json::array());
  const json realm2_id = Value(Send("POST", "/defaultrealm/REALM2"));
  EXPECT_EQ(realm2_id, Value(Send("GET", "/realm/"))["realm2"]["id"]);
  ExpectError(Send("POST", "/defaultrealm/nosuch"), 404, 601, "The realm 'nosuch' does not exist.");
  EXPECT_EQ(Value(Send("DELETE", "/defaultrealm")), realm2_id);
  EXPECT_EQ(Value(Send("GET", "/defaultrealm")), json::object());
  EXPECT_EQ(Value(Send("DELETE", "/defaultrealm")), 0);

  ExpectError(Send("DELETE", "/resolver/res1"), 400, 905,
              "ERR905: The resolver 'res1' is still contained in realm 'realm1'.");
  EXPECT_EQ(Value(Send("DELETE", "/realm/realm1")), realm1["id"]);
  ExpectError(Send("DELETE", "/realm/realm1"), 404, 601, "The realm 'realm1' does not exist.");
}

TEST_P(UserApiTest, UsersAreCreatedListedUpdatedAndDeleted) {
  MakeRealm();
  const json uid = Value(Send("POST", "/user/",
                              {{"user", "bob"},
                               {"resolver", "res1"},
                               {"password", "bobpw"},
                               {"givenname", "Bob"},
                               {"email", "bob@example.com"}}));
  ASSERT_TRUE(uid.is_string());
  Value(Send("POST", "/user", {{"user", "alice"}, {"resolver", "res1"}}));
  ExpectError(Send("POST", "/user/", {{"resolver", "res1"}}), 400, 905, "ERR905: Missing parameter: 'user'");
  ExpectError(Send("POST", "/user/", {{"user", "x"}, {"resolver", "nosuch"}}), 400, 904,
              "ERR904: The resolver 'nosuch' does not exist!");
  EXPECT_EQ(Send("POST", "/user/", {{"user", "bob"}, {"resolver", "res1"}}).status, 400);

  const json all = Value(Send("GET", "/user/", {{"realm", "realm1"}}));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1], json({{"username", "bob"},
                          {"userid", uid},
                          {"givenname", "Bob"},
                          {"surname", ""},
                          {"email", "bob@example.com"},
                          {"mobile", ""},
                          {"phone", ""},
                          {"description", ""},
                          {"resolver", "res1"},
                          {"editable", true}}));
  EXPECT_EQ(Value(Send("GET", "/user/", {{"username", "B*"}})).size(),
            1u);  // no realm: every realm's resolvers
  EXPECT_EQ(Value(Send("GET", "/user/", {{"email", "*@example.com"}})).size(), 1u);
  EXPECT_EQ(Value(Send("GET", "/user/", {{"user", "bob"}, {"attributes", "username,mobile"}}))[0],
            json({{"username", "bob"}, {"mobile", ""}}));

  EXPECT_EQ(Value(Send("PUT", "/user/", {{"user", "bob"}, {"resolver", "res1"}, {"mobile", "+4912"}})), true);
  EXPECT_EQ(Value(Send("GET", "/user/", {{"user", "bob"}}))[0]["mobile"], "+4912");
  ExpectError(Send("PUT", "/user/", {{"user", "eve"}, {"resolver", "res1"}}), 400, 904,
              "ERR904: User <eve.res1@> does not exist.");

  EXPECT_EQ(Value(Send("DELETE", "/user/res1/bob")), true);
  ExpectError(Send("DELETE", "/user/res1/bob"), 400, 904, "ERR904: User <bob.res1@> does not exist.");
  EXPECT_EQ(Value(Send("GET", "/user/", {{"realm", "realm1"}})).size(), 1u);

  auto page = audit_->Query({});
  ASSERT_TRUE(page.ok());
  bool seen = false;
  for (const auto& e : page->entries) {
    if (e.action == "DELETE /user/<resolvername>/<username>" && e.success) {
      seen = true;
      EXPECT_EQ(e.administrator, "super");
      EXPECT_EQ(e.resolver, "res1");
      EXPECT_EQ(e.user, "bob");
    }
    EXPECT_EQ(e.info.find("bobpw"), std::string::npos);
  }
  EXPECT_TRUE(seen);
}

TEST_P(UserApiTest, AUserSeesAndEditsOnlyItself) {
  MakeRealm();
  Value(Send("POST", "/user/", {{"user", "alice"}, {"resolver", "res1"}, {"password", "alicepw"}}));
  Value(Send("POST", "/user/", {{"user", "bob"}, {"resolver", "res1"}}));
  auto login = auth_->Login("alice", Secret("alicepw"), "realm1", true, "");
  ASSERT_TRUE(login.ok());
  const std::string token = login->token;
  const json mine = Value(Send("GET", "/user/", {{"username", "*"}, {"realm", "realm1"}}, token));
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["username"], "alice");
  EXPECT_EQ(Value(Send("PUT", "/user/", {{"user", "bob"}, {"resolver", "res1"}, {"surname", "S"}}, token)),
            true);
  EXPECT_EQ(Value(Send("GET", "/user/", {{"user", "alice"}}))[0]["surname"], "S");
  EXPECT_EQ(Value(Send("GET", "/user/", {{"user", "bob"}}))[0]["surname"], "");
  ExpectError(
      Send("POST", "/user/", {{"user", "x"}, {"resolver", "res1"}}, token), 401, 4306,
      "Authentication failure. You do not have the necessary role (['admin']) to access this resource!");
  ExpectError(
      Send("DELETE", "/user/res1/bob", {}, token), 401, 4306,
      "Authentication failure. You do not have the necessary role (['admin']) to access this resource!");
}

TEST_P(UserApiTest, AdminPoliciesLimitTheRights) {
  MakeRealm();
  policy::Policy p;
  p.name = "onlyadd";
  p.scope = "admin";
  p.actions = {{"adduser", "true"}};
  ASSERT_TRUE(policies_->Set(p).ok());
  Value(Send("POST", "/user/", {{"user", "bob"}, {"resolver", "res1"}}));
  ExpectError(Send("GET", "/user/"), 403, 303,
              "Admin actions are defined, but the action userlist is not allowed!");
  ExpectError(Send("POST", "/resolver/res9", {{"type", "sql"}}), 403, 303,
              "Admin actions are defined, but the action resolverwrite is not allowed!");
  ExpectError(Send("DELETE", "/user/res1/bob"), 403, 303,
              "Admin actions are defined, but the action deleteuser is not allowed!");
}

TEST_P(UserApiTest, RequestsWithoutAJwtAreRefused) {
  http::Request request;
  request.method = "GET";
  request.path = request.target = "/user/";
  auto match = router_.Find(request.method, request.path, request);
  ASSERT_EQ(match.kind, http::Router::MatchKind::kFound);
  ExpectError((*match.handler)(request), 401, 4033, "Authentication failure. Missing Authorization header.");
}

}  // namespace
}  // namespace osprey::mfa::api
