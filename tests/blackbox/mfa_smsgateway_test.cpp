// Issue 6: /smsgateway through the real server (spec privacyidea-api.md §12, vector 22 of §14), secret option
// values sealed in the database, and `osprey mfa smsgateway`, on SQLite and PostgreSQL.
#include <set>
#include <string>
#include <vector>

#include "osprey/sql/database.hpp"
#include "osprey/sql/rows.hpp"
#include "tests/blackbox/mfa_fixture.hpp"

namespace osprey::blackbox {
namespace {

using nlohmann::json;

constexpr const char* kHttp = "privacyidea.lib.smsprovider.HttpSMSProvider.HttpSMSProvider";

class MfaSmsGatewayTest : public MfaTest {
 protected:
  std::string DatabaseUrl() const {
    auto it = env_.find("OSPREY_DATABASE_URL");
    return it != env_.end() ? it->second : "sqlite://" + dir_ + "/data/osprey.db";
  }

  // Every option and header value as the database holds it.
  std::vector<std::string> StoredValues() {
    std::vector<std::string> out;
    auto db = sql::Database::Open(DatabaseUrl(), {.pool_size = 1});
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    if (!db.ok()) return out;
    auto s = (*db)->Acquire();
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return out;
    soci::rowset<soci::row> rows = (s->get().prepare << "SELECT option_value FROM mfa_smsgateway_option");
    for (const soci::row& row : rows) out.push_back(sql::Text(row, 0));
    return out;
  }

  // SQLite: the database file and its WAL, byte for byte.
  std::string DatabaseFiles() const {
    const std::string db = dir_ + "/data/osprey.db";
    return ReadFile(db) + ReadFile(db + "-wal");
  }

  // The §2 success envelope around `value`, without detail.
  static void ExpectSuccess(const Reply& r, const json& value) {
    EXPECT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.content_type, "application/json") << r.raw;
    EXPECT_EQ(r.body["jsonrpc"], "2.0") << r.raw;
    EXPECT_EQ(r.body["id"], 1) << r.raw;
    EXPECT_EQ(r.body["result"], (json{{"status", true}, {"value", value}})) << r.raw;
    EXPECT_EQ(r.body["versionnumber"], "3.13.3") << r.raw;
    EXPECT_FALSE(r.body.contains("detail")) << r.raw;
  }

  // The §3 error envelope.
  static void ExpectError(const Reply& r, int status, int code, const std::string& message) {
    EXPECT_EQ(r.status, status) << r.raw;
    EXPECT_EQ(r.body["jsonrpc"], "2.0") << r.raw;
    EXPECT_EQ(r.body["id"], 1) << r.raw;
    EXPECT_TRUE(r.body["detail"].is_null()) << r.raw;
    EXPECT_FALSE(r.body.contains("versionnumber")) << r.raw;
    EXPECT_EQ(r.body["result"], (json{{"status", false}, {"error", {{"code", code}, {"message", message}}}}))
        << r.raw;
  }
};

// Vector 22, step by step.
TEST_P(MfaSmsGatewayTest, Vector22) {
  ExpectSuccess(Post("/smsgateway", {{"name", "myGW"},
                                     {"module", kHttp},
                                     {"option.URL", "http://example.com"},
                                     {"header.header1", "headervalue1"}}),
                1);
  ExpectError(Delete("/smsgateway/option/1/option.header1"), 404, 601,
              "The requested SMSGatewayOption could not be found.");
  // The header's row id: options are stored before headers.
  ExpectSuccess(Delete("/smsgateway/option/1/header.header1"), 2);
  ExpectSuccess(Delete("/smsgateway/myGW"), 1);
  ExpectError(Delete("/smsgateway/myGW"), 404, 601, "The requested SMSGateway could not be found.");
  ExpectSuccess(Get("/smsgateway/"), json::array());
}

TEST_P(MfaSmsGatewayTest, ProvidersListsTheSixModules) {
  Reply r = Get("/smsgateway/providers");
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& value = r.value();
  std::set<std::string> keys;
  for (const auto& [key, provider] : value.items()) keys.insert(key);
  const std::string p = "privacyidea.lib.smsprovider.";
  EXPECT_EQ(keys, (std::set<std::string>{
                      p + "HttpSMSProvider.HttpSMSProvider", p + "SipgateSMSProvider.SipgateSMSProvider",
                      p + "SmtpSMSProvider.SmtpSMSProvider", p + "SmppSMSProvider.SmppSMSProvider",
                      p + "FirebaseProvider.FirebaseProvider", p + "ScriptSMSProvider.ScriptSMSProvider"}));
  for (const auto& [key, provider] : value.items()) {
    EXPECT_EQ(provider["options_allowed"], key == kHttp) << key;
    EXPECT_EQ(provider.contains("headers_allowed"), key != p + "ScriptSMSProvider.ScriptSMSProvider") << key;
    for (const auto& [name, parameter] : provider["parameters"].items()) {
      EXPECT_TRUE(parameter["required"].is_boolean()) << key << " " << name;
      EXPECT_TRUE(parameter["description"].is_string()) << key << " " << name;
    }
  }
}

TEST_P(MfaSmsGatewayTest, GetShapes) {
  ASSERT_EQ(Post("/smsgateway", {{"name", "gw1"},
                                 {"module", kHttp},
                                 {"description", "first"},
                                 {"option.URL", "http://example.com"},
                                 {"option.HTTP_METHOD", "POST"},
                                 {"header.Content-Type", "application/json"}})
                .status,
            200);
  ASSERT_EQ(PostJson("/smsgateway/", {{"name", "gw2"}, {"module", kHttp}, {"option.TIMEOUT", 5}}).status,
            200);
  const json gw1 = {{"id", 1},
                    {"name", "gw1"},
                    {"providermodule", kHttp},
                    {"description", "first"},
                    {"options", {{"URL", "http://example.com"}, {"HTTP_METHOD", "POST"}}},
                    {"headers", {{"Content-Type", "application/json"}}}};
  const json gw2 = {{"id", 2},
                    {"name", "gw2"},
                    {"providermodule", kHttp},
                    {"description", nullptr},
                    {"options", {{"TIMEOUT", "5"}}},  // stored as a string
                    {"headers", json::object()}};
  ExpectSuccess(Get("/smsgateway/"), json::array({gw1, gw2}));
  ExpectSuccess(Get("/smsgateway"), json::array({gw1, gw2}));
  ExpectSuccess(Get("/smsgateway/2"), json::array({gw2}));
  ExpectSuccess(Get("/smsgateway/9"), json::array());
  ExpectSuccess(Get("/smsgateway/gw1"), json::array({gw1, gw2}));  // not a number: the whole list
  Reply anonymous = Get("/smsgateway/", {}, "");
  ExpectError(anonymous, 401, 4033, "Authentication failure. Missing Authorization header.");
}

TEST_P(MfaSmsGatewayTest, UpdateReplacesTheOptionSet) {
  ASSERT_EQ(Post("/smsgateway", {{"name", "gw1"},
                                 {"module", kHttp},
                                 {"description", "old"},
                                 {"option.URL", "http://a.example"},
                                 {"option.RETURN_SUCCESS", "ID"},
                                 {"header.X-Old", "1"}})
                .status,
            200);
  ExpectSuccess(Post("/smsgateway", {{"name", "gw1"},
                                     {"module", kHttp},
                                     {"option.URL", "http://b.example"},
                                     {"option.RETURN_FAIL", "Failed"}}),
                1);
  const json got = Get("/smsgateway/1").value().at(0);
  EXPECT_EQ(got["options"], (json{{"URL", "http://b.example"}, {"RETURN_FAIL", "Failed"}}));
  EXPECT_EQ(got["headers"], json::object());
  EXPECT_TRUE(got["description"].is_null());  // not given: overwritten, as privacyIDEA does
  // An unknown module is privacyIDEA's unhandled ImportError (500), and nothing changes.
  Reply unknown = Post("/smsgateway", {{"name", "gw1"}, {"module", "privacyidea.lib.SMS"}});
  EXPECT_EQ(unknown.status, 500) << unknown.raw;
  EXPECT_EQ(unknown.error_code(), -500);
  EXPECT_EQ(Get("/smsgateway/1").value().at(0)["providermodule"], kHttp);
}

TEST_P(MfaSmsGatewayTest, SecretValuesAreSealedInTheDatabase) {
  const std::string password = "pw-Secret-4711", token = "tok-Secret-0815";
  ASSERT_EQ(Post("/smsgateway", {{"name", "eagle"},
                                 {"module", kHttp},
                                 {"option.URL", "http://127.0.0.1:9/api/v2/messages/sms"},
                                 {"option.PASSWORD", password},
                                 {"header.access-token", token}})
                .status,
            200);
  // Admins read the values over the API, as from privacyIDEA.
  const json got = Get("/smsgateway/").value().at(0);
  EXPECT_EQ(got["options"]["PASSWORD"], password);
  EXPECT_EQ(got["headers"]["access-token"], token);
  const std::vector<std::string> stored = StoredValues();
  ASSERT_EQ(stored.size(), 3u);
  for (const std::string& value : stored) {
    EXPECT_EQ(value.find("Secret"), std::string::npos) << value;
  }
  if (GetParam() == "sqlite") {
    const std::string files = DatabaseFiles();
    ASSERT_NE(files.find("api/v2/messages/sms"), std::string::npos);  // the plain option is in the file
    EXPECT_EQ(files.find(password), std::string::npos);
    EXPECT_EQ(files.find(token), std::string::npos);
  }
  // Nor are they in the audit log.
  EXPECT_EQ(Get("/audit/").raw.find("Secret-"), std::string::npos);
}

TEST_P(MfaSmsGatewayTest, CliSetListShowDelete) {
  // Secret values come from standard input, one line per bare KEY, options first.
  RunResult set = Mfa({"smsgateway", "set", "cligw", "--module", kHttp, "--description", "from the CLI",
                       "--option", "URL=http://example.com/send", "--option", "PASSWORD", "--header",
                       "access-token", "--option", "HTTP_METHOD=POST"},
                      "pw-Secret-1\ntok-Secret-2\n");
  ASSERT_EQ(set.exit_code, 0) << set.output;
  EXPECT_NE(set.output.find("smsgateway cligw saved (id 1)"), std::string::npos) << set.output;
  // The running server sees it, with the values.
  const json api = Get("/smsgateway/").value().at(0);
  EXPECT_EQ(api["options"],
            (json{{"URL", "http://example.com/send"}, {"PASSWORD", "pw-Secret-1"}, {"HTTP_METHOD", "POST"}}));
  EXPECT_EQ(api["headers"], (json{{"access-token", "tok-Secret-2"}}));

  RunResult list = Mfa({"smsgateway", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(std::string("1  cligw  ") + kHttp + "  from the CLI"), std::string::npos)
      << list.output;
  RunResult show = Mfa({"smsgateway", "show", "cligw", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_EQ(show.output.find("Secret"), std::string::npos) << show.output;
  const json shown = json::parse(show.output.substr(show.output.find('{')));
  EXPECT_EQ(shown["options"]["PASSWORD"], "__sealed__");
  EXPECT_EQ(shown["headers"]["access-token"], "__sealed__");
  EXPECT_EQ(shown["options"]["URL"], "http://example.com/send");
  RunResult listed = Mfa({"smsgateway", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output.find("Secret"), std::string::npos) << listed.output;

  // A secret value as an argument is refused (usage error); an unknown module fails.
  RunResult leaked = Mfa({"smsgateway", "set", "cligw", "--module", kHttp, "--option", "PASSWORD=oops"});
  EXPECT_EQ(leaked.exit_code, 2) << leaked.output;
  RunResult unknown = Mfa({"smsgateway", "set", "cligw", "--module", "no.such.Module"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_EQ(Get("/smsgateway/").value().at(0)["options"].size(), 3u);  // unchanged

  RunResult del = Mfa({"smsgateway", "delete", "cligw"});
  ASSERT_EQ(del.exit_code, 0) << del.output;
  EXPECT_EQ(Mfa({"smsgateway", "delete", "cligw"}).exit_code, 1);
  EXPECT_EQ(Get("/smsgateway/").value(), json::array());
}

INSTANTIATE_TEST_SUITE_P(Engines, MfaSmsGatewayTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace osprey::blackbox
