#include "mfa/sms/smtp/smtp_sms_provider.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::sms {
namespace {

TEST(FormatMailTemplateTest, FollowsPythonsStrFormat) {
  struct Case {
    const char* tmpl;
    const char* expected;  // nullptr: an error
  };
  const Case cases[] = {
      {"{phone}", "+4915112345678"},
      {"{otp}", "Your OTP: 287082"},
      {"{phone}@sms.example.test", "+4915112345678@sms.example.test"},
      {"SMS for {phone}: {otp}", "SMS for +4915112345678: Your OTP: 287082"},
      {"{otp!s}", "Your OTP: 287082"},
      {"{{phone}} {{{phone}}}", "{phone} {+4915112345678}"},
      {"no tags", "no tags"},
      {"", ""},
      {"<phone>", "<phone>"},  // the legacy tags are not templates in gateway mode
      {"{user}", nullptr},
      {"{0}", nullptr},
      {"{}", nullptr},
      {"{otp:>10}", nullptr},
      {"{otp", nullptr},
      {"otp}", nullptr},
  };
  for (const Case& c : cases) {
    auto r = FormatMailTemplate(c.tmpl, "Your OTP: 287082", "+4915112345678");
    if (c.expected == nullptr) {
      EXPECT_FALSE(r.ok()) << c.tmpl;
    } else {
      ASSERT_TRUE(r.ok()) << c.tmpl << ": " << r.error().message();
      EXPECT_EQ(*r, c.expected) << c.tmpl;
    }
  }
}

class FakeSmtpClient final : public http::SmtpClient {
 public:
  Status Send(const http::SmtpMessage& m) override {
    messages.push_back(m.message);
    recipients.push_back(m.recipients);
    return result;
  }
  std::vector<std::string> messages;
  std::vector<std::vector<std::string>> recipients;
  Status result = OkStatus();
};

class SmtpSmsProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = sql::Database::Open(target_.url());
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(sql::ApplyMigrations(*db_, smtp::SmtpServerMigrations()).ok());
    store_ = std::make_unique<smtp::SmtpServerStore>(*db_, sealer_);
    smtp::SmtpServer relay;
    relay.identifier = "relay";
    relay.server = "mail.example.test";
    relay.password = Secret("relay-password");
    relay.sender = "otp@example.test";
    ASSERT_TRUE(store_->Put(relay).ok());
    mailer_ = std::make_unique<smtp::Mailer>(*store_, client_, clock_);
    provider_ = MakeSmtpSmsProvider(*mailer_);
  }

  static GatewayDefinition Gateway(OrderedStringMap options) {
    GatewayDefinition g;
    g.name = "mail-gw";
    g.module = std::string(kSmtpModule);
    g.options = std::move(options);
    return g;
  }

  // The header `name` and the decoded body of the last mail.
  std::string Header(const std::string& name) const {
    const std::string& m = client_.messages.back();
    const std::size_t start = m.find("\r\n" + name + ": ") + name.size() + 4;
    return m.substr(start, m.find("\r\n", start) - start);
  }
  std::string Body() const {
    const std::string& m = client_.messages.back();
    std::string encoded = m.substr(m.find("\r\n\r\n") + 4);
    std::erase(encoded, '\r');
    std::erase(encoded, '\n');
    return Base64Decode(encoded).value();
  }

  sql::testing::TestDatabase target_{sql::Engine::kSqlite};
  std::unique_ptr<sql::Database> db_;
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
  crypto::Sealer sealer_{crypto::testing::RandomRing("k1")};
  std::unique_ptr<smtp::SmtpServerStore> store_;
  FakeSmtpClient client_;
  std::unique_ptr<smtp::Mailer> mailer_;
  std::unique_ptr<SmsProvider> provider_;
};

TEST_F(SmtpSmsProviderTest, DescribesPrivacyIdeasParametersWithTheSmtpServers) {
  const ProviderDescriptor d = provider_->Describe();
  EXPECT_EQ(d.module, kSmtpModule);
  EXPECT_FALSE(d.options_allowed);
  EXPECT_EQ(d.headers_allowed, std::optional<bool>(false));
  ASSERT_EQ(d.parameters.size(), 5u);
  EXPECT_TRUE(d.parameters.at("MAILTO").required);
  EXPECT_TRUE(d.parameters.at("SMTPIDENTIFIER").required);
  EXPECT_EQ(d.parameters.at("SMTPIDENTIFIER").values, std::vector<std::string>{"relay"});
  EXPECT_FALSE(d.parameters.at("SUBJECT").required);
  EXPECT_EQ(d.parameters.at("BODY").description,
            "The optional body of the email. Use tags {phone} and {otp}.");
  EXPECT_FALSE(d.parameters.at("REGEXP").required);
}

TEST_F(SmtpSmsProviderTest, DefaultsAreThePhoneAsSubjectAndTheTextAsBody) {
  const Status sent =
      provider_->Send(Gateway({{"SMTPIDENTIFIER", "relay"}, {"MAILTO", "{phone}@sms.example.test"}}),
                      "+4915112345678", "Your OTP: 287082");
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  ASSERT_EQ(client_.messages.size(), 1u);
  EXPECT_EQ(client_.recipients[0], std::vector<std::string>{"+4915112345678@sms.example.test"});
  EXPECT_EQ(Header("To"), "+4915112345678@sms.example.test");
  EXPECT_EQ(Header("Subject"), "+4915112345678");
  EXPECT_EQ(Header("From"), "otp@example.test");
  EXPECT_EQ(Body(), "Your OTP: 287082");
}

TEST_F(SmtpSmsProviderTest, RendersTheTemplatesAfterRegexp) {
  const Status sent = provider_->Send(Gateway({{"SMTPIDENTIFIER", "relay"},
                                               {"MAILTO", "sms@gw.example.test"},
                                               {"SUBJECT", "SMS to {phone}"},
                                               {"BODY", "{phone}: {otp}"},
                                               {"REGEXP", "/^\\+/00/"}}),
                                      "+4915112345678", "287082");
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(client_.recipients[0], std::vector<std::string>{"sms@gw.example.test"});
  EXPECT_EQ(Header("Subject"), "SMS to 004915112345678");
  EXPECT_EQ(Body(), "004915112345678: 287082");
  // An empty SUBJECT is kept empty (only an absent one defaults).
  ASSERT_TRUE(
      provider_
          ->Send(Gateway({{"SMTPIDENTIFIER", "relay"}, {"MAILTO", "a@b.test"}, {"SUBJECT", ""}}), "1", "t")
          .ok());
  EXPECT_EQ(Header("Subject"), "");
}

TEST_F(SmtpSmsProviderTest, FailuresNameTheCauseButNeverThePassword) {
  struct Case {
    OrderedStringMap options;
    std::string why;
  };
  const Case cases[] = {
      {{{"MAILTO", "a@b.test"}}, "no SMTPIDENTIFIER in the gateway definition"},
      {{{"SMTPIDENTIFIER", "relay"}}, "no MAILTO in the gateway definition"},
      {{{"SMTPIDENTIFIER", "nope"}, {"MAILTO", "a@b.test"}}, "The requested SMTPServer could not be found."},
      {{{"SMTPIDENTIFIER", "relay"}, {"MAILTO", "a@b.test"}, {"BODY", "{user}"}},
       "BODY: unknown field {user}"},
      {{{"SMTPIDENTIFIER", "relay"}, {"MAILTO", "{phone}\r\nBcc: x@y.test"}},
       "a mail recipient holds a line break"},
  };
  for (const Case& c : cases) {
    const Status sent = provider_->Send(Gateway(c.options), "123", "text");
    ASSERT_FALSE(sent.ok()) << c.why;
    EXPECT_EQ(sent.error().message(), "Failed to deliver SMS to SMTP Gateway. (" + c.why + ")");
  }
  EXPECT_TRUE(client_.messages.empty());
  client_.result = Error(ErrorCode::kPermissionDenied, "SMTP delivery failed: Login denied");
  const Status denied =
      provider_->Send(Gateway({{"SMTPIDENTIFIER", "relay"}, {"MAILTO", "a@b.test"}}), "1", "t");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(
      denied.error().message(),
      "Failed to deliver SMS to SMTP Gateway. (SMTP server 'relay': SMTP delivery failed: Login denied)");
  EXPECT_EQ(denied.error().message().find("relay-password"), std::string::npos);
}

}  // namespace
}  // namespace osprey::mfa::sms
