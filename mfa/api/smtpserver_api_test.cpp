#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mfa/api/config_api_testing.hpp"
#include "mfa/smtp/mailer.hpp"
#include "mfa/smtp/smtp_server_store.hpp"

namespace osprey::mfa::api {
namespace {

using nlohmann::json;

class RecordingSmtpClient final : public http::SmtpClient {
 public:
  Status Send(const http::SmtpMessage& m) override {
    urls.push_back(m.server_url);
    passwords.emplace_back(m.password.view());
    recipients.push_back(m.recipients);
    messages.push_back(m.message);
    return OkStatus();
  }
  std::vector<std::string> urls, passwords, messages;
  std::vector<std::vector<std::string>> recipients;
};

class SmtpServerApiTest : public testing::ConfigApiTest {
 protected:
  void SetUp() override {
    ConfigApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(sql::ApplyMigrations(*db_, smtp::SmtpServerMigrations()).ok());
    store_ = std::make_unique<smtp::SmtpServerStore>(*db_, sealer_);
    mailer_ = std::make_unique<smtp::Mailer>(*store_, client_, clock_);
    ctx_.smtp_servers = store_.get();
    ctx_.mailer = mailer_.get();
    AddSmtpServerRoutes(router_, ctx_);
  }

  std::string StoredPassword(const std::string& identifier) {
    auto found = store_->Find(identifier);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? std::string((*found)->password.view()) : "";
  }

  RecordingSmtpClient client_;
  std::unique_ptr<smtp::SmtpServerStore> store_;
  std::unique_ptr<smtp::Mailer> mailer_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(SmtpServerApiTest);

TEST_P(SmtpServerApiTest, CreateListAndCensorThePassword) {
  auto r = Call("POST", "/smtpserver/relay",
                {{"server", "mail.example.test"},
                 {"port", "587"},
                 {"username", "otp"},
                 {"password", "mail-pw"},
                 {"sender", "otp@example.test"},
                 {"tls", "1"},
                 {"description", "the relay"},
                 {"timeout", "5"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], true);
  r = Call("GET", "/smtpserver/");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], (json{{"relay",
                                              {{"id", 1},
                                               {"server", "mail.example.test"},
                                               {"port", 587},
                                               {"username", "otp"},
                                               {"password", "__CENSORED__"},
                                               {"sender", "otp@example.test"},
                                               {"tls", true},
                                               {"description", "the relay"},
                                               {"timeout", 5},
                                               {"enqueue_job", false}}}}));
  EXPECT_EQ(StoredPassword("relay"), "mail-pw");
  for (const audit::AuditEntry& e : AuditEntries()) {
    EXPECT_EQ(e.info.find("mail-pw"), std::string::npos);
    EXPECT_EQ(e.action_detail.find("mail-pw"), std::string::npos);
  }
  // Sending the censored value back keeps the stored password; the other fields take the request's values.
  r = Call("POST", "/smtpserver/relay", {}, json{{"server", "10.1.1.1"}, {"password", "__CENSORED__"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(StoredPassword("relay"), "mail-pw");
  const json relay = Call("GET", "/smtpserver").body["result"]["value"]["relay"];
  EXPECT_EQ(relay["server"], "10.1.1.1");
  EXPECT_EQ(relay["port"], 25);
  EXPECT_EQ(relay["timeout"], 10);
  EXPECT_EQ(relay["tls"], false);
}

TEST_P(SmtpServerApiTest, RejectsMissingAndMalformedParameters) {
  ExpectError(Call("POST", "/smtpserver/relay", {{"port", "25"}}), 400, 905,
              "ERR905: Missing parameter: 'server'");
  ExpectError(Call("POST", "/smtpserver/relay", {{"server", "m"}, {"port", "x"}}), 400, 905,
              "ERR905: 'port' must be an integer");
  ExpectError(Call("POST", "/smtpserver/relay", {{"server", "m"}, {"port", "70000"}}), 400, 905,
              "ERR905: the port must be 1-65535");
  EXPECT_EQ(Call("GET", "/smtpserver/").body["result"]["value"], json::object());
}

TEST_P(SmtpServerApiTest, DeleteAnswersTrueOr404) {
  ExpectError(Call("DELETE", "/smtpserver/relay"), 404, 601, "The requested SMTPServer could not be found.");
  ASSERT_EQ(Call("POST", "/smtpserver/relay", {{"server", "m"}}).status, 200);
  auto r = Call("DELETE", "/smtpserver/relay");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], true);
  EXPECT_EQ(Call("GET", "/smtpserver/").body["result"]["value"], json::object());
}

TEST_P(SmtpServerApiTest, SendTestEmailUsesTheRequestsDefinition) {
  ASSERT_EQ(Call("POST", "/smtpserver/relay", {{"server", "m.test"}, {"password", "stored-pw"}}).status, 200);
  auto r = Call("POST", "/smtpserver/send_test_email",
                {{"identifier", "relay"},
                 {"server", "other.test"},
                 {"port", "2525"},
                 {"password", "__CENSORED__"},
                 {"sender", "pi@example.test"},
                 {"recipient", "admin@example.test"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["result"]["value"], true);
  ASSERT_EQ(client_.urls.size(), 1u);
  EXPECT_EQ(client_.urls[0], "smtp://other.test:2525");
  EXPECT_EQ(client_.passwords[0], "stored-pw");
  EXPECT_EQ(client_.recipients[0], std::vector<std::string>{"admin@example.test"});
  EXPECT_NE(client_.messages[0].find("Subject: Test Email from privacyIDEA\r\n"), std::string::npos);
  ExpectError(Call("POST", "/smtpserver/send_test_email", {{"identifier", "relay"}, {"server", "m"}}), 400,
              905, "ERR905: Missing parameter: 'recipient'");
  EXPECT_EQ(client_.urls.size(), 1u);
}

TEST_P(SmtpServerApiTest, NeedsAnAdminAndTheWriteRight) {
  ExpectError(Call("GET", "/smtpserver/", {}, std::nullopt, ""), 401, 4033,
              "Authentication failure. Missing Authorization header.");
  ASSERT_EQ(Call("POST", "/policy/readonly", {{"scope", "admin"}, {"action", "smtpserver_read"}}).status,
            200);
  EXPECT_EQ(Call("GET", "/smtpserver/").status, 200);
  ExpectError(Call("POST", "/smtpserver/relay", {{"server", "m"}}), 403, 303,
              "Admin actions are defined, but the action smtpserver_write is not allowed!");
  EXPECT_EQ(Call("GET", "/smtpserver/").body["result"]["value"], json::object());
}

}  // namespace
}  // namespace osprey::mfa::api
