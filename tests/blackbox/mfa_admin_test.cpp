// Issue 5 acceptance: /auth and JWT errors, the role rules, /system/ defaults and errors, and the audit chain
// (`osprey audit verify` before and after a row is edited in the database), on SQLite and PostgreSQL.
#include <thread>

#include "osprey/core/encoding.hpp"
#include "osprey/sql/database.hpp"
#include "tests/blackbox/mfa_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;

class MfaAdminTest : public MfaTest {
 protected:
  std::string DatabaseUrl() const {
    auto it = env_.find("OSPREY_DATABASE_URL");
    return it != env_.end() ? it->second : "sqlite://" + dir_ + "/data/osprey.db";
  }
};

TEST_P(MfaAdminTest, AuthSuccessForAdmin) {
  Reply r = Post("/auth", {{"username", kAdmin}, {"password", kAdminPassword}}, "");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["id"], 2);
  EXPECT_EQ(r.authentication(), "ACCEPT");
  EXPECT_EQ(r.value()["role"], "admin");
  EXPECT_EQ(r.value()["username"], kAdmin);
  EXPECT_EQ(r.value()["realm"], "");
  EXPECT_EQ(r.value()["log_level"], 30);
  EXPECT_EQ(r.value()["auth"], true);
  EXPECT_TRUE(r.value()["rights"].is_array());
  EXPECT_TRUE(r.value()["menus"].is_array());
  // The JWT's claims (HS256).
  std::string token = r.value()["token"];
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  ASSERT_NE(second, std::string::npos);
  auto header = Base64UrlDecode(token.substr(0, first));
  auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  ASSERT_TRUE(header.ok() && payload.ok());
  EXPECT_EQ(nlohmann::json::parse(*header)["alg"], "HS256");
  auto claims = nlohmann::json::parse(*payload);
  for (const char* c : {"username", "realm", "nonce", "role", "authtype", "exp", "rights"}) {
    EXPECT_TRUE(claims.contains(c)) << c;
  }
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  EXPECT_NEAR(claims["exp"].get<double>(), static_cast<double>(now + 3600), 30);
}

// The MFA server maps the shared libraries it uses and no more: libgammu is the modem worker's
// (smsgw/gammu/gammu_library.hpp), libcurl is loaded on the first outgoing HTTP request (libs/http
// client.cpp), and libpq with SOCI's PostgreSQL backend when a postgresql:// database is opened (libs/sql
// engine.cpp). Before, the server mapped all three with their dependencies (libldap, GnuTLS, Kerberos, glib):
// 53 libraries, about 6 MB of resident pages.
TEST_P(MfaAdminTest, TheServerMapsOnlyTheLibrariesItUses) {
  ASSERT_EQ(Post("/token/init", {{"genkey", "1"}, {"serial", "MAPS1"}}).status, 200);  // a write, a read
  const std::string maps = ReadFile("/proc/" + std::to_string(proc_->pid()) + "/maps");
  ASSERT_NE(maps.find("libsqlite3"), std::string::npos);  // the file is readable and lists libraries
  EXPECT_EQ(maps.find("libGammu"), std::string::npos);
  EXPECT_EQ(maps.find("libcurl"), std::string::npos);
  if (GetParam() == "postgresql") {
    EXPECT_NE(maps.find("libpq.so"), std::string::npos);  // with libldap and the rest behind it
  } else {
    EXPECT_EQ(maps.find("libpq.so"), std::string::npos);
    EXPECT_EQ(maps.find("libldap"), std::string::npos);
  }
}

TEST_P(MfaAdminTest, AuthFailures) {
  Reply wrong = Post("/auth", {{"username", kAdmin}, {"password", "nope"}}, "");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.error_code(), 4031);
  EXPECT_EQ(wrong.error_message(), "Authentication failure. Wrong credentials");
  Reply missing = Post("/auth", {{"password", "x"}}, "");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.error_code(), 4032);
  EXPECT_EQ(missing.error_message(), "Authentication failure. Missing Username");
  Reply realm = Post("/auth", {{"username", "alice"}, {"password", "x"}, {"realm", "X"}}, "");
  EXPECT_EQ(realm.status, 401);
  EXPECT_EQ(realm.error_code(), 4031);
  EXPECT_EQ(realm.error_message(), "Authentication failure. Unknown realm: X.");
}

TEST_P(MfaAdminTest, JwtErrorsAndRoles) {
  Reply none = Get("/token/", {}, "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.error_code(), 4033);
  EXPECT_EQ(none.error_message(), "Authentication failure. Missing Authorization header.");
  Reply garbage = Get("/token/", {}, "not.a.jwt");
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(garbage.error_code(), 4304);
  EXPECT_EQ(
      garbage.error_message().rfind("Authentication failure. Error decoding the Authorization token: ", 0),
      0u)
      << garbage.error_message();
  // A signature made with another key.
  std::string forged = admin_token_.substr(0, admin_token_.rfind('.') + 1) + "AAAA";
  EXPECT_EQ(Get("/token/", {}, forged).error_code(), 4304);
  // The Authorization header works too.
  auto req = MakeRequest("GET", "/token/");
  req.headers.Add("Authorization", admin_token_);
  EXPECT_EQ(Send(req).status, 200);
  // A user JWT on an admin-only endpoint.
  CreateRealmWithAlice();
  std::string user_token = Login("alice@realm1", "alice-pw");
  ASSERT_FALSE(user_token.empty());
  Reply denied = Post("/system/setConfig", {{"a", "b"}}, user_token);
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.error_code(), 4306);
  EXPECT_EQ(
      denied.error_message(),
      "Authentication failure. You do not have the necessary role (['admin']) to access this resource!");
  // A user sees only its own tokens.
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  ASSERT_EQ(InitHotp("OATH2", "", "pin").status, 200);
  Reply mine = Get("/token/", {}, user_token);
  ASSERT_EQ(mine.status, 200) << mine.raw;
  ASSERT_EQ(mine.value()["count"], 1);
  EXPECT_EQ(mine.value()["tokens"][0]["serial"], "OATH1");
}

TEST_P(MfaAdminTest, ExpiredJwt) {
  // privacyIDEA's webui policy jwt_validity shortens the lifetime of the JWTs /auth issues.
  Reply p = Post("/policy/short", {{"scope", "webui"}, {"action", "jwt_validity=1"}});
  ASSERT_EQ(p.status, 200) << p.raw;
  std::string token = Login(kAdmin, kAdminPassword);
  std::this_thread::sleep_for(2100ms);
  Reply r = Get("/token/", {}, token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), 4305);
  EXPECT_EQ(r.error_message().rfind("Authentication failure. Your token has expired: ", 0), 0u)
      << r.error_message();
}

TEST_P(MfaAdminTest, SystemDefaultsAndErrors) {
  Reply all = Get("/system/");
  ASSERT_EQ(all.status, 200) << all.raw;
  for (const char* k : {"PrependPin", "splitAtSign", "IncFailCountOnFalsePin", "ReturnSamlAttributes"}) {
    EXPECT_EQ(all.value()[k], "True") << k;
  }
  EXPECT_TRUE(all.value().contains("__timestamp__"));
  Reply none = PostJson("/system/setDefault", nlohmann::json::object());
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.error_code(), 77);
  EXPECT_EQ(none.error_message(),
            "ERR77: Usage: parameters are: DefaultMaxFailCount, DefaultSyncWindow, DefaultCountWindow, "
            "DefaultOtpLen, DefaultResetFailCount");
  Reply d = Post("/system/setDefault", {{"defaultotplen", "8"}});
  ASSERT_EQ(d.status, 200) << d.raw;
  EXPECT_EQ(d.value(), (nlohmann::json{{"DefaultOtpLen", "insert"}}));
  EXPECT_EQ(Post("/system/setDefault", {{"DefaultOtpLen", "6"}}).value(),
            (nlohmann::json{{"DefaultOtpLen", "update"}}));
  Reply set = PostJson("/system/setConfig", {{"someKey", true}});
  EXPECT_EQ(set.value(), (nlohmann::json{{"someKey", "insert"}}));
  EXPECT_EQ(Get("/system/someKey").value(), "True");
  EXPECT_EQ(Delete("/system/someKey").value(), true);
  EXPECT_EQ(Delete("/system/someKey").value(), false);
  EXPECT_EQ(Get("/system/someKey").value(), nullptr);
}

TEST_P(MfaAdminTest, TokenInitDetailAndUnknownSerial) {
  Reply r = InitHotp("OATH1", "", "pin");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.value(), true);
  EXPECT_EQ(r.detail()["serial"], "OATH1");
  EXPECT_EQ(r.detail()["otpkey"]["value"], std::string("seed://") + kRfcKey);
  EXPECT_EQ(
      r.detail()["googleurl"]["value"],
      "otpauth://hotp/OATH1?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1&digits=6&creator=privacyidea&"
      "issuer=privacyIDEA&serial=OATH1");
  Reply gen = Post("/token/init", {{"type", "totp"}, {"genkey", "1"}});
  ASSERT_EQ(gen.status, 200) << gen.raw;
  std::string serial = gen.detail()["serial"];
  EXPECT_EQ(serial.rfind("TOTP0000", 0), 0u) << serial;
  EXPECT_EQ(serial.size(), 12u);
  Reply missing = Post("/token/enable", {{"serial", "NOPE"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code(), 601);
  EXPECT_EQ(missing.error_message(), "The requested token could not be found.");
  Reply neither = Post("/token/enable", {});
  EXPECT_EQ(neither.status, 400);
  EXPECT_EQ(neither.error_message(), "ERR905: You either need to provide user or serial");
}

// The SMS token through the CLI, with --config after the subcommand as in every other group (regression: the
// token group did not accept it there, which broke scripts/run.sh).
TEST_P(MfaAdminTest, SmsTokenInitFromTheCliTakesConfigAfterTheSubcommand) {
  CreateRealmWithAlice();
  ASSERT_FALSE(HasFatalFailure());
  auto init = Mfa({"token", "init", "--type", "sms", "--serial", "CLISMS", "--user", "alice", "--realm",
                   "realm1", "--phone", "+491234", "--sms-identifier", "gw1", "--pin"},
                  "1234\n");
  ASSERT_EQ(init.exit_code, 0) << init.output;
  Reply listed = Get("/token/", {{"serial", "CLISMS"}});
  ASSERT_EQ(listed.status, 200) << listed.raw;
  const auto& token = listed.value()["tokens"][0];
  EXPECT_EQ(token["tokentype"], "sms");
  EXPECT_EQ(token["info"]["phone"], "+491234");
  EXPECT_EQ(token["info"]["sms.identifier"], "gw1");
  EXPECT_EQ(token["username"], "alice");
  auto missing_phone = Mfa({"token", "init", "--type", "sms", "--serial", "CLISMS2"});
  EXPECT_NE(missing_phone.exit_code, 0);
  EXPECT_NE(missing_phone.output.find("Missing parameter: 'phone'"), std::string::npos)
      << missing_phone.output;
}

TEST_P(MfaAdminTest, AuditVerifyDetectsAnEditedRow) {
  ASSERT_EQ(InitHotp("OATH1", "", "pin").status, 200);
  Post("/validate/check", {{"serial", "OATH1"}, {"pass", "pin755224"}}, "");
  Post("/validate/check", {{"serial", "OATH1"}, {"pass", "pin000000"}}, "");
  Reply list = Get("/audit/");
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_GE(list.value()["count"].get<int>(), 3);
  auto ok = Osprey({"audit", "verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  {
    auto db = sql::Database::Open(DatabaseUrl(), {.pool_size = 1});
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto s = (*db)->Acquire();
    ASSERT_TRUE(s.ok());
    s->get() << "UPDATE mfa_audit SET action = 'tampered' WHERE id = (SELECT MIN(id) + 1 FROM mfa_audit)";
  }
  auto bad = Osprey({"audit", "verify"});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
}

INSTANTIATE_TEST_SUITE_P(Engines, MfaAdminTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace osprey::blackbox
