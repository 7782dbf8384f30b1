// Issue 6 acceptance through real processes: the MFA server (`osprey serve`, MFA only) sends the SMS of an
// SMS token through an HttpSMSProvider gateway definition configured exactly as SMSEagle's privacyIDEA
// integration manual says, over HTTP to Osprey's SMS gateway (a second `osprey serve`, gateway only, on the
// same data directory), whose libgammu modem worker hands it to the AT modem emulator (libgammu's proxyat
// connection), which records what the phone shows. Also: the gateway stopped or hanging, failover to a second
// definition, the anti-pumping limit, and the form-mode vectors of spec §14 against a local receiver. SQLite
// and PostgreSQL.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/blackbox/http_receiver.hpp"
#include "tests/blackbox/sms_fixture.hpp"

namespace osprey::blackbox {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPhone = "+4915112345678";

class SmsChainTest : public SmsTest {
 protected:
  void SetUp() override {
    SmsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    phone_log_ = dir_ + "/phone.jsonl";
    std::ofstream(dir_ + "/data/osprey.toml", std::ios::app)
        << "\n[[gateway.modem]]\nnumber = 1\nconnection = \"proxyat\"\ndevice = \"" << OSPREY_BINARY
        << " modem-emulator --stdio --record " << phone_log_ << "\"\n";
    // SMSEagle setup of the manual: a user with access level "user" and an APIv2 token that may only send
    // SMS.
    ASSERT_EQ(
        Osprey({"gateway", "user", "add", "privacyidea", "--level", "user", "--apiv2", "true"}).exit_code, 0);
    auto generated = Osprey({"gateway", "token", "generate", "privacyidea", "--json"});
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
    gateway_token_ = json::parse(generated.output)["token"].get<std::string>();
    auto permitted = Osprey({"gateway", "token", "permit", "privacyidea", "--grant", "messages.send_sms"});
    ASSERT_EQ(permitted.exit_code, 0) << permitted.output;
    gateway_port_ = FreePort();
    StartGateway();
    ASSERT_FALSE(HasFatalFailure());
    // privacyIDEA setup of the manual, through the MFA server's /smsgateway API.
    DefineGateway("smseagle", "http://127.0.0.1:" + std::to_string(gateway_port_) + "/api/v2/messages/sms");
    ASSERT_EQ(Post("/system/setConfig", {{"sms.identifier", "smseagle"}}).status, 200);
    EnrollSms("PISM1", "pin", {{"phone", kPhone}});
  }

  void TearDown() override {
    gateway_.reset();
    SmsTest::TearDown();
  }

  void StartGateway() {
    auto env = env_;
    env["OSPREY_MFA_ENABLED"] = "false";
    env["OSPREY_GATEWAY_ENABLED"] = "true";
    env["OSPREY_GATEWAY_LISTEN"] = "127.0.0.1:" + std::to_string(gateway_port_);
    gateway_ = std::make_unique<OspreyProcess>(
        std::vector<std::string>{"serve", "--config", dir_ + "/data/osprey.toml"}, env,
        dir_ + "/gateway.log");
    ASSERT_TRUE(WaitHealthy(gateway_port_, 30s)) << ReadFile(dir_ + "/gateway.log");
  }

  // The manual's HttpSMSProvider definition (§13.4), with `extra` options added.
  void DefineGateway(const std::string& name, const std::string& url, const Fields& extra = {}) {
    Fields f = {{"option.HTTP_METHOD", "POST"},         {"option.SEND_DATA_AS_JSON", "yes"},
                {"option.to", "[\"{phone}\"]"},         {"option.text", "\"Your OTP code is: {otp}\""},
                {"option.RETURN_SUCCESS", "queued"},    {"option.RETURN_FAIL", "REJECTED"},
                {"header.access-token", gateway_token_}};
    f.insert(f.end(), extra.begin(), extra.end());
    DefineHttpGateway(name, url, f);
  }

  // The texts the emulated phone showed for kPhone, oldest first.
  std::vector<std::string> PhoneTexts() const {
    std::vector<std::string> texts;
    std::ifstream in(phone_log_);
    std::string line;
    while (std::getline(in, line)) {
      json record = json::parse(line, nullptr, false);
      if (record.is_object() && record.value("number", "") == kPhone)
        texts.push_back(record.value("text", ""));
    }
    return texts;
  }

  // Waits (bounded) until the phone showed `n` texts; returns the last one, "" when it did not.
  std::string WaitForSms(std::size_t n) const {
    const auto deadline = std::chrono::steady_clock::now() + 90s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto texts = PhoneTexts();
      if (texts.size() >= n) return texts[n - 1];
      std::this_thread::sleep_for(200ms);
    }
    return "";
  }

  static std::string OtpOf(const std::string& sms) {
    std::smatch m;
    return std::regex_match(sms, m, std::regex("Your OTP code is: ([0-9]{6})")) ? m[1].str() : "";
  }

  std::string phone_log_, gateway_token_;
  std::uint16_t gateway_port_ = 0;
  std::unique_ptr<OspreyProcess> gateway_;
};

// Acceptance 1: PIN → CHALLENGE; the phone shows "Your OTP code is: NNNNNN"; tid + OTP → ACCEPT; the tid is
// single use; a wrong OTP gets the exact REJECT message; the counter rule gives HOTP(1), then HOTP(3).
TEST_P(SmsChainTest, PinThenTheOtpFromTheEmulatedPhoneLogsIn) {
  Reply challenge = Check({{"pass", "pin"}});
  ASSERT_EQ(challenge.status, 200) << challenge.raw;
  EXPECT_EQ(challenge.authentication(), "CHALLENGE") << challenge.raw;
  EXPECT_EQ(challenge.value(), false);
  EXPECT_EQ(challenge.message(), "Enter the OTP from the SMS:");
  const std::string tid = challenge.detail().value("transaction_id", "");
  ASSERT_EQ(tid.size(), 20u) << challenge.raw;
  const json& entry = challenge.detail()["multi_challenge"][0];
  EXPECT_EQ(entry["type"], "sms");
  EXPECT_EQ(entry["client_mode"], "interactive");
  EXPECT_EQ(entry["attributes"]["state"], nullptr);
  EXPECT_TRUE(entry["attributes"]["valid_until"].is_string());

  const std::string sms = WaitForSms(1);
  ASSERT_EQ(sms, "Your OTP code is: 287082") << ReadFile(dir_ + "/gateway.log");

  Reply accepted = Check({{"transaction_id", tid}, {"pass", OtpOf(sms)}});
  EXPECT_EQ(accepted.authentication(), "ACCEPT") << accepted.raw;
  EXPECT_EQ(accepted.message(), "Found matching challenge");
  Reply reused = Check({{"transaction_id", tid}, {"pass", OtpOf(sms)}});
  EXPECT_EQ(reused.authentication(), "REJECT") << reused.raw;
  EXPECT_EQ(reused.message(), "wrong otp pin");

  Reply second = Check({{"pass", "pin"}});
  const std::string tid2 = second.detail().value("transaction_id", "");
  ASSERT_EQ(WaitForSms(2), "Your OTP code is: 969429");
  Reply wrong = Check({{"transaction_id", tid2}, {"pass", "111111"}});
  EXPECT_EQ(wrong.authentication(), "REJECT");
  EXPECT_EQ(wrong.message(), "Response did not match the challenge.");
  EXPECT_EQ(Check({{"transaction_id", tid2}, {"pass", "969429"}}).authentication(), "ACCEPT");
}

// Acceptance 1, last part: with the gateway stopped the exact failure reply comes at once (connection
// refused); with a gateway that accepts and never answers it comes within TIMEOUT.
TEST_P(SmsChainTest, AStoppedOrHangingGatewayGivesTheSendFailureWithinTheTimeout) {
  gateway_.reset();
  auto started = std::chrono::steady_clock::now();
  Reply stopped = Check({{"pass", "pin"}});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(stopped.authentication(), "REJECT") << stopped.raw;
  EXPECT_EQ(stopped.message(), kSmsNotSent);
  EXPECT_EQ(stopped.detail()["multi_challenge"], json::array());
  EXPECT_EQ(stopped.detail()["transaction_ids"], json::array());

  HttpReceiver hanging({{200, "", true}});
  DefineGateway("smseagle", hanging.url("/api/v2/messages/sms"), {{"option.TIMEOUT", "1"}});
  started = std::chrono::steady_clock::now();
  Reply timed_out = Check({{"pass", "pin"}});
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 2500ms);
  EXPECT_EQ(timed_out.message(), kSmsNotSent) << timed_out.raw;

  Reply exception = Check({{"pass", "pin"}, {"exception", "1"}});
  EXPECT_EQ(exception.status, 500) << exception.raw;
  EXPECT_EQ(exception.error_code(), -500);
  EXPECT_EQ(exception.error_message(), kSmsNotSent);
  // The audit entry says why.
  Reply audit = Get("/audit/", {{"action", "*validate/check*"}, {"page_size", "1"}});
  ASSERT_EQ(audit.status, 200) << audit.raw;
  EXPECT_NE(audit.value()["auditdata"][0].value("info", "").find("not sent"), std::string::npos) << audit.raw;
}

// Acceptance 3: the failover key sends through the second gateway when the first is down.
TEST_P(SmsChainTest, FailoverSendsThroughTheSecondGatewayWhenTheFirstIsDown) {
  DefineGateway("down", "http://127.0.0.1:" + std::to_string(FreePort()) + "/api/v2/messages/sms");
  ASSERT_EQ(
      Post("/system/setConfig", {{"sms.identifier", "down"}, {"osprey.sms.failover", "smseagle"}}).status,
      200);
  Reply challenge = Check({{"pass", "pin"}});
  EXPECT_EQ(challenge.authentication(), "CHALLENGE") << challenge.raw;
  EXPECT_EQ(WaitForSms(1), "Your OTP code is: 287082");
}

// Acceptance 3: the per-user limit refuses the (N+1)th SMS with the normal failure reply.
TEST_P(SmsChainTest, TheLimitRefusesTheNextSms) {
  Reply policy =
      Post("/policy/smslimit", {{"scope", "authentication"}, {"action", "osprey_sms_limit_user=2/3600"}});
  ASSERT_EQ(policy.status, 200) << policy.raw;
  EXPECT_EQ(Check({{"pass", "pin"}}).authentication(), "CHALLENGE");
  EXPECT_EQ(Check({{"pass", "pin"}}).authentication(), "CHALLENGE");
  Reply third = Check({{"pass", "pin"}});
  EXPECT_EQ(third.authentication(), "REJECT") << third.raw;
  EXPECT_EQ(third.message(), kSmsNotSent);
  Reply audit = Get("/audit/", {{"action", "*validate/check*"}, {"page_size", "1"}});
  EXPECT_NE(audit.value()["auditdata"][0].value("info", "").find("SMS limit reached"), std::string::npos)
      << audit.raw;
  EXPECT_EQ(WaitForSms(2),
            "Your OTP code is: 359152");  // HOTP(2) went out second; the third trigger sent none
}

// Regression: both services in one process (as scripts/run.sh runs them) with a pool of 2 sessions and 4
// triggers at once. A trigger held a pooled session through its HTTP call to the gateway (the hook's read of
// the gateway definition re-leased one in the request's read scope), so the gateway could not store the SMS
// and every send timed out once as many triggers were in flight as the pool had sessions.
TEST_P(SmsChainTest, OneProcessWithASmallPoolServesConcurrentTriggers) {
  gateway_.reset();
  Stop();
  const std::uint16_t combined = FreePort();
  env_["OSPREY_GATEWAY_ENABLED"] = "true";
  env_["OSPREY_GATEWAY_LISTEN"] = "127.0.0.1:" + std::to_string(combined);
  env_["OSPREY_GATEWAY_MODEM_COUNT"] = "0";
  env_["OSPREY_DATABASE_POOL_SIZE"] = "2";
  // Without the emulated modem: the SMS only has to be queued.
  const std::string toml = ReadFile(dir_ + "/data/osprey.toml");
  std::ofstream(dir_ + "/data/osprey.toml", std::ios::trunc)
      << toml.substr(0, toml.find("\n[[gateway.modem]]"));
  Start();
  ASSERT_FALSE(HasFatalFailure());
  DefineGateway("smseagle", "http://127.0.0.1:" + std::to_string(combined) + "/api/v2/messages/sms");
  const std::vector<std::string> users = {"bob", "carol", "dave", "erin"};
  for (const std::string& user : users) {
    ASSERT_EQ(Post("/user/", {{"user", user}, {"resolver", "res1"}}).status, 200);
    Reply token = Post("/token/init", {{"type", "sms"},
                                       {"genkey", "1"},
                                       {"pin", "pin-" + user},
                                       {"phone", "+4917" + std::to_string(user.size())},
                                       {"user", user},
                                       {"realm", "realm1"}});
    ASSERT_EQ(token.status, 200) << token.raw;
  }
  std::vector<Reply> replies(users.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < users.size(); ++i) {
    threads.emplace_back([&, i] {
      replies[i] =
          Post("/validate/check", {{"user", users[i]}, {"realm", "realm1"}, {"pass", "pin-" + users[i]}}, "");
    });
  }
  for (std::thread& t : threads) t.join();
  for (std::size_t i = 0; i < users.size(); ++i) {
    EXPECT_EQ(replies[i].authentication(), "CHALLENGE") << users[i] << ": " << replies[i].raw;
  }
}

// Spec §14 vectors 11 and 16 against a local receiver in form mode.
TEST_P(SmsChainTest, FormModeVectorsAgainstALocalReceiver) {
  HttpReceiver receiver({{200, "ID 12345"}, {500, "boom"}, {200, "Sent SMS Failed"}});
  DefineHttpGateway("gw1", receiver.url("/sms_send_api.cgi"),
                    {{"option.HTTP_METHOD", "POST"},
                     {"option.RETURN_SUCCESS", "ID"},
                     {"option.text", "{otp}"},
                     {"option.phone", "{phone}"}});
  ASSERT_EQ(Post("/system/setConfig", {{"sms.identifier", "gw1"}}).status, 200);
  EnrollSms("PISM2", "pin2", {{"phone", "+491234"}});
  Reply challenge = Check({{"pass", "pin2"}});
  EXPECT_EQ(challenge.authentication(), "CHALLENGE") << challenge.raw;
  auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].request_line, "POST /sms_send_api.cgi HTTP/1.1");
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/x-www-form-urlencoded");
  const std::string& body = requests[0].body;
  // The parameters in the order the options were posted, as privacyIDEA sends them.
  EXPECT_EQ(body, "text=287082&phone=%2B491234");
  for (int i = 0; i < 2; ++i) {  // 500, then a 200 without RETURN_SUCCESS in the body
    Reply failed = Check({{"pass", "pin2"}});
    EXPECT_EQ(failed.authentication(), "REJECT") << failed.raw;
    EXPECT_EQ(failed.message(), kSmsNotSent);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, SmsChainTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace osprey::blackbox
