#include "mfa/smtp/mailer.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::smtp {
namespace {

// 2023-11-14 22:13:20 UTC, a Tuesday.
const Clock::TimePoint kDate{std::chrono::seconds(1'700'000'000)};

TEST(ComposeMessageTest, IsPrivacyIdeasMimeText) {
  const Email email{{"+4915112345678@sms.example.test"}, "+4915112345678", "Your OTP: 287082"};
  auto m = ComposeMessage("otp@example.test", email, kDate);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m,
            "Content-Type: text/plain; charset=\"utf-8\"\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "Subject: +4915112345678\r\n"
            "From: otp@example.test\r\n"
            "To: +4915112345678@sms.example.test\r\n"
            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            "Reply-To: otp@example.test\r\n"
            "\r\n"
            "WW91ciBPVFA6IDI4NzA4Mg==\r\n");
}

TEST(ComposeMessageTest, FoldsLongBodiesAndEncodesNonAsciiSubjects) {
  const std::string body(100, 'x');
  const std::string subject = "Ihr Einmalpasswort für die Anmeldung bei Osprey, gültig fünf Minuten";
  auto m = ComposeMessage("a@b.test", Email{{"x@y.test", "z@y.test"}, subject, body}, kDate);
  ASSERT_TRUE(m.ok());
  EXPECT_NE(m->find("To: x@y.test,z@y.test\r\n"), std::string::npos);
  const std::string encoded = Base64Encode(body);
  EXPECT_NE(m->find("\r\n\r\n" + encoded.substr(0, 76) + "\r\n" + encoded.substr(76) + "\r\n"),
            std::string::npos);
  // Encoded words of whole UTF-8 characters, folded: decoding and joining them gives the subject back.
  const std::size_t start = m->find("Subject: ") + 9, end = m->find("\r\nFrom:");
  std::string header = m->substr(start, end - start), decoded;
  for (std::size_t pos = 0; (pos = header.find("=?utf-8?b?", pos)) != std::string::npos;) {
    const std::size_t close = header.find("?=", pos);
    ASSERT_LE(close - pos + 2, 75u);
    auto word = Base64Decode(header.substr(pos + 10, close - pos - 10));
    ASSERT_TRUE(word.ok());
    decoded += *word;
    pos = close;
  }
  EXPECT_EQ(decoded, subject);
  EXPECT_NE(header.find("?=\r\n =?utf-8?b?"), std::string::npos);
}

TEST(ComposeMessageTest, RefusesLineBreaksInHeaderValues) {
  const Email cases[] = {{{"a@b.test\r\nBcc: evil@x.test"}, "s", "b"},
                         {{"a@b.test"}, "s\nBcc: evil@x.test", "b"}};
  for (const Email& e : cases) {
    auto m = ComposeMessage("otp@example.test", e, kDate);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(ComposeMessage("otp@x.test\r\nBcc: e@x.test", Email{{"a@b.test"}, "s", "b"}, kDate).ok());
  // A line break in the body is just text.
  EXPECT_TRUE(ComposeMessage("otp@example.test", Email{{"a@b.test"}, "s", "line1\nline2"}, kDate).ok());
}

// Records what it was asked to send (the password as text, to check it arrives) and answers `result`.
class FakeSmtpClient final : public http::SmtpClient {
 public:
  struct Sent {
    std::string url, username, password, from, message;
    http::SmtpTls tls;
    std::vector<std::string> recipients;
    std::chrono::milliseconds timeout;
  };
  Status Send(const http::SmtpMessage& m) override {
    sent.push_back({m.server_url, m.username, std::string(m.password.view()), m.from, m.message, m.tls,
                    m.recipients, m.timeout});
    return result;
  }
  std::vector<Sent> sent;
  Status result = OkStatus();
};

class MailerTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(sql::ApplyMigrations(*db_, SmtpServerMigrations()).ok());
    store_ = std::make_unique<SmtpServerStore>(*db_, sealer_);
    mailer_ = std::make_unique<Mailer>(*store_, client_, clock_);
    SmtpServer s;
    s.identifier = "relay";
    s.server = "mail.example.test";
    s.port = 2525;
    s.username = "otp";
    s.password = Secret("pw");
    s.sender = "otp@example.test";
    s.tls = true;
    s.timeout = 4;
    ASSERT_TRUE(store_->Put(s).ok());
  }

  FakeClock clock_{kDate};
  crypto::Sealer sealer_{crypto::testing::RandomRing("k1")};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<SmtpServerStore> store_;
  FakeSmtpClient client_;
  std::unique_ptr<Mailer> mailer_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(MailerTest);

TEST_P(MailerTest, SendsThroughTheNamedDefinition) {
  const Email email{{"x@y.test"}, "subject", "body"};
  ASSERT_TRUE(mailer_->Send("relay", email).ok());
  ASSERT_EQ(client_.sent.size(), 1u);
  const FakeSmtpClient::Sent& s = client_.sent[0];
  EXPECT_EQ(s.url, "smtp://mail.example.test:2525");
  EXPECT_EQ(s.tls, http::SmtpTls::kStartTlsRequired);
  EXPECT_EQ(s.username, "otp");
  EXPECT_EQ(s.password, "pw");
  EXPECT_EQ(s.from, "otp@example.test");
  EXPECT_EQ(s.recipients, std::vector<std::string>{"x@y.test"});
  EXPECT_EQ(s.timeout, std::chrono::seconds(4));
  EXPECT_EQ(s.message, *ComposeMessage("otp@example.test", email, kDate));
  EXPECT_EQ(*mailer_->Identifiers(), std::vector<std::string>{"relay"});
}

TEST_P(MailerTest, ReportsUnknownDefinitionsAndClientFailures) {
  const Email email{{"x@y.test"}, "subject", "body"};
  Status unknown = mailer_->Send("nope", email);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "The requested SMTPServer could not be found.");
  client_.result = Error(ErrorCode::kUnavailable, "SMTP delivery failed: Couldn't connect to server");
  Status failed = mailer_->Send("relay", email);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(failed.error().message(),
            "SMTP server 'relay': SMTP delivery failed: Couldn't connect to server");
}

TEST_P(MailerTest, BracketsIpv6AddressesAndRefusesOtherServerNames) {
  SmtpServer s;
  s.identifier = "v6";
  s.server = "::1";
  ASSERT_TRUE(store_->Put(s).ok());
  s.identifier = "bad";
  s.server = "evil.test/path";
  ASSERT_TRUE(store_->Put(s).ok());
  const Email email{{"x@y.test"}, "s", "b"};
  ASSERT_TRUE(mailer_->Send("v6", email).ok());
  EXPECT_EQ(client_.sent.back().url, "smtp://[::1]:25");
  EXPECT_EQ(client_.sent.back().tls, http::SmtpTls::kNone);
  EXPECT_EQ(mailer_->Send("bad", email).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(client_.sent.size(), 1u);
}

}  // namespace
}  // namespace osprey::mfa::smtp
