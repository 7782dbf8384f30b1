// The SMS token against the real `osprey serve` with the mock gateway of spec §14 (`gw1`: POST to a local
// receiver answering `ID 12345`, RETURN_SUCCESS=ID, text={otp}, phone={phone}): vectors 11–17 and the rules
// of §11 (counter, texts, concurrent challenges, smsautosend, dynamic_phone, both second-leg forms). SQLite
// and PostgreSQL.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "osprey/http/message.hpp"
#include "tests/blackbox/http_receiver.hpp"
#include "tests/blackbox/sms_fixture.hpp"

namespace osprey::blackbox {
namespace {

using json = nlohmann::json;

// The mock gateway of §14: POST to the receiver, RETURN_SUCCESS=ID, text={otp}, phone={phone}.
const Fields kMockOptions = {{"option.HTTP_METHOD", "POST"},
                             {"option.RETURN_SUCCESS", "ID"},
                             {"option.text", "{otp}"},
                             {"option.phone", "{phone}"}};

class SmsTokenTest : public SmsTest {
 protected:
  void SetUp() override {
    SmsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    DefineHttpGateway("gw1", receiver_.url("/sms_send_api.cgi"), kMockOptions);
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_EQ(Post("/system/setConfig", {{"sms.identifier", "gw1"}}).status, 200);
  }

  void EnrollSms(const Fields& extra = {{"phone", "+491234"}}) { SmsTest::EnrollSms("PISM1", "pin", extra); }

  // The form parameter `name` of the n-th SMS the gateway got (0-based).
  std::string SmsParam(std::size_t n, const std::string& name) const {
    auto requests = receiver_.Requests();
    if (n >= requests.size()) return "<no request " + std::to_string(n) + ">";
    for (const auto& [key, value] : http::ParseUrlEncoded(requests[n].body)) {
      if (key == name) return value;
    }
    return "<no " + name + ">";
  }
  std::size_t SmsCount() const { return receiver_.Requests().size(); }

  void SetAuthPolicy(const std::string& name, const std::string& action) {
    Reply r = Post("/policy/" + name, {{"scope", "authentication"}, {"action", action}, {"realm", "realm1"}});
    ASSERT_EQ(r.status, 200) << r.raw;
  }

  HttpReceiver receiver_{{{200, "ID 12345"}}};
};

// Vectors 11–14.
TEST_P(SmsTokenTest, ChallengeThenOtpWithTheTransactionId) {
  EnrollSms();
  Reply challenge = Check({{"pass", "pin"}});
  ASSERT_EQ(challenge.status, 200) << challenge.raw;
  EXPECT_EQ(challenge.authentication(), "CHALLENGE");
  EXPECT_EQ(challenge.value(), false);
  EXPECT_EQ(challenge.message(), "Enter the OTP from the SMS:");
  const std::string tid = challenge.detail()["transaction_id"];
  EXPECT_EQ(tid.size(), 20u);
  EXPECT_EQ(challenge.detail()["multi_challenge"][0]["transaction_id"], tid);
  EXPECT_EQ(challenge.detail()["transaction_ids"][0], tid);
  EXPECT_EQ(challenge.detail()["type"], "sms");
  EXPECT_EQ(challenge.detail()["multi_challenge"][0]["client_mode"], "interactive");
  EXPECT_EQ(SmsParam(0, "text"), "287082");
  EXPECT_EQ(SmsParam(0, "phone"), "+491234");

  Reply accepted = Check({{"transaction_id", tid}, {"pass", "287082"}});
  EXPECT_EQ(accepted.authentication(), "ACCEPT") << accepted.raw;
  EXPECT_EQ(accepted.message(), "Found matching challenge");
  EXPECT_EQ(accepted.detail()["serial"], "PISM1");
  Reply again = Check({{"transaction_id", tid}, {"pass", "287082"}});
  EXPECT_EQ(again.authentication(), "REJECT");
  EXPECT_EQ(again.message(), "wrong otp pin");

  Reply second = Check({{"pass", "pin"}});
  const std::string tid2 = second.detail()["transaction_id"];
  EXPECT_EQ(SmsParam(1, "text"), "969429");
  Reply wrong = Check({{"transaction_id", tid2}, {"pass", "111111"}});
  EXPECT_EQ(wrong.message(), "Response did not match the challenge.");
  EXPECT_EQ(wrong.detail()["serial"], "PISM1");
  EXPECT_EQ(wrong.detail()["type"], "sms");
  EXPECT_EQ(Check({{"transaction_id", tid2}, {"pass", "969429"}}).authentication(), "ACCEPT");
}

// §11.6.2: PIN+OTP without a transaction id is a plain HOTP check.
TEST_P(SmsTokenTest, PinPlusOtpWithoutTransactionIdIsAPlainHotpCheck) {
  EnrollSms();
  Reply r = Check({{"pass", "pin755224"}});
  EXPECT_EQ(r.authentication(), "ACCEPT") << r.raw;
  EXPECT_EQ(r.message(), "matching 1 tokens");
  EXPECT_EQ(SmsCount(), 0u);
}

// Vector 15.
TEST_P(SmsTokenTest, TriggerChallengeSendsTheSms) {
  EnrollSms();
  Reply r = Post("/validate/triggerchallenge", {{"user", "alice"}, {"realm", "realm1"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.value(), 1);
  EXPECT_EQ(r.authentication(), "CHALLENGE");
  EXPECT_EQ(r.detail()["messages"][0], "Enter the OTP from the SMS:");
  EXPECT_EQ(Check({{"transaction_id", r.detail()["transaction_id"]}, {"pass", SmsParam(0, "text")}})
                .authentication(),
            "ACCEPT");
}

// Vector 16, and §11.2: the counter advance is kept when sending fails.
TEST_P(SmsTokenTest, AFailedSendGivesTheExactReplyAndStillAdvancesTheCounter) {
  HttpReceiver failing({{500, "boom"}, {200, "Sent SMS Failed"}, {200, "ID 1"}});
  DefineHttpGateway("gw1", failing.url("/sms_send_api.cgi"), kMockOptions);
  EnrollSms();
  for (int i = 0; i < 2; ++i) {
    Reply r = Check({{"pass", "pin"}});
    EXPECT_EQ(r.authentication(), "REJECT") << r.raw;
    EXPECT_EQ(r.message(), kSmsNotSent);
    EXPECT_EQ(r.detail()["multi_challenge"], json::array());
    EXPECT_EQ(r.detail()["transaction_ids"], json::array());
  }
  Reply sent = Check({{"pass", "pin"}});
  EXPECT_EQ(sent.authentication(), "CHALLENGE") << sent.raw;
  auto bodies = failing.Bodies();
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_NE(bodies[0].find("text=287082"), std::string::npos) << bodies[0];
  EXPECT_NE(bodies[2].find("text=969429"), std::string::npos) << bodies[2];  // HOTP(3): 1 and 2 were used up
  ASSERT_EQ(Post("/token/disable", {{"serial", "PISM1"}}).status, 200);
  Reply disabled = Check({{"pass", "pin"}});
  EXPECT_EQ(disabled.authentication(), "REJECT");
  EXPECT_EQ(disabled.message(), "Token is disabled") << disabled.raw;
}

// A gateway whose error reply echoes the SMS text: the reason reaches the audit entry with the OTP masked
// (with the PIN, that OTP would still log in as PIN+OTP).
TEST_P(SmsTokenTest, TheAuditNoteOfAFailedSendDoesNotShowTheOtp) {
  HttpReceiver echoing({{200, "Sent SMS Failed: 287082"}});
  DefineHttpGateway("gw1", echoing.url("/sms_send_api.cgi"), kMockOptions);
  EnrollSms();
  Reply r = Check({{"pass", "pin"}});
  EXPECT_EQ(r.message(), kSmsNotSent) << r.raw;
  Reply audit = Get("/audit/", {{"action", "*validate/check*"}, {"page_size", "1"}});
  ASSERT_EQ(audit.status, 200) << audit.raw;
  const std::string info = audit.value()["auditdata"][0].value("info", "");
  EXPECT_NE(info.find("Sent SMS Failed: ******"), std::string::npos) << info;
  EXPECT_EQ(info.find("287082"), std::string::npos) << info;
}

// Vector 17.
TEST_P(SmsTokenTest, SmsTextAndChallengeTextPolicies) {
  EnrollSms();
  SetAuthPolicy("texts",
                "smstext='{user} has the OTP: {otp}', sms_challenge_text='This {tag} should disappear'");
  Reply r = Check({{"pass", "pin"}});
  EXPECT_EQ(r.authentication(), "CHALLENGE") << r.raw;
  EXPECT_EQ(r.message(), "This  should disappear");
  EXPECT_EQ(SmsParam(0, "text"), "Cornelius has the OTP: 287082");
  SetAuthPolicy("texts", "smstext={nosuch}");
  Reply failed = Check({{"pass", "pin"}});
  EXPECT_EQ(failed.message(), kSmsNotSent) << failed.raw;
  EXPECT_EQ(SmsCount(), 1u);
}

// §11.6.3: with sms.concurrent_challenges an older challenge's own OTP answers it.
TEST_P(SmsTokenTest, ConcurrentChallengesKeepTheirOwnOtp) {
  EnrollSms();
  ASSERT_EQ(Post("/system/setConfig", {{"sms.concurrent_challenges", "True"}}).status, 200);
  const std::string tid1 = Check({{"pass", "pin"}}).detail()["transaction_id"];
  const std::string tid2 = Check({{"pass", "pin"}}).detail()["transaction_id"];
  EXPECT_EQ(SmsParam(0, "text"), "287082");
  EXPECT_EQ(SmsParam(1, "text"), "359152");
  EXPECT_EQ(Check({{"transaction_id", tid1}, {"pass", "287082"}}).authentication(), "ACCEPT");
  // Without the setting the first OTP is outside the window once the second SMS went out.
  ASSERT_EQ(Post("/system/setConfig", {{"sms.concurrent_challenges", "False"}}).status, 200);
  const std::string tid3 = Check({{"pass", "pin"}}).detail()["transaction_id"];
  const std::string tid4 = Check({{"pass", "pin"}}).detail()["transaction_id"];
  EXPECT_EQ(Check({{"transaction_id", tid3}, {"pass", SmsParam(2, "text")}}).authentication(), "REJECT");
  EXPECT_EQ(Check({{"transaction_id", tid4}, {"pass", SmsParam(3, "text")}}).authentication(), "ACCEPT");
  (void)tid2;
}

// smsautosend: after a successful login the next OTP goes out, and it logs in (PIN+OTP).
TEST_P(SmsTokenTest, SmsAutoSendSendsTheNextOtp) {
  EnrollSms();
  SetAuthPolicy("autosend", "smsautosend");
  const std::string tid = Check({{"pass", "pin"}}).detail()["transaction_id"];
  EXPECT_EQ(Check({{"transaction_id", tid}, {"pass", "287082"}}).authentication(), "ACCEPT");
  ASSERT_EQ(SmsCount(), 2u);
  EXPECT_EQ(SmsParam(1, "text"), "359152");  // HOTP(2): the counter after the accepted HOTP(1)
  EXPECT_EQ(Check({{"pass", "pin359152"}}).authentication(), "ACCEPT");
}

// dynamic_phone: the SMS goes to the owner's mobile; enrollment needs phone otherwise.
TEST_P(SmsTokenTest, DynamicPhoneUsesTheUsersMobile) {
  Reply missing = Post("/token/init", {{"type", "sms"}, {"serial", "PISM9"}, {"genkey", "1"}});
  EXPECT_EQ(missing.status, 400) << missing.raw;
  EXPECT_EQ(missing.error_message(), "ERR905: Missing parameter: 'phone'");
  EnrollSms({{"dynamic_phone", "1"}});
  EXPECT_EQ(Check({{"pass", "pin"}}).authentication(), "CHALLENGE");
  EXPECT_EQ(SmsParam(0, "phone"), "+4915112345678");
}

INSTANTIATE_TEST_SUITE_P(Engines, SmsTokenTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace osprey::blackbox
