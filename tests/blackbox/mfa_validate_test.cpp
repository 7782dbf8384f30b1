// Issue 5 acceptance: the spec's acceptance vectors (privacyidea-api.md §14 1–10, 23–25) and the wire rules
// of /validate/* against the real binary, on SQLite and PostgreSQL.
#include <atomic>
#include <thread>

#include "osprey/core/encoding.hpp"
#include "osprey/core/otp.hpp"
#include "tests/blackbox/mfa_fixture.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;

// HOTP(K, 0..10) for the RFC 4226 key.
const char* const kHotp[] = {"755224", "287082", "359152", "969429", "338314", "254676",
                             "287922", "162583", "399871", "520489", "403154"};

class MfaValidateTest : public MfaTest {
 protected:
  void SetUp() override {
    MfaTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    CreateRealmWithAlice();
  }

  Reply Check(const Fields& f) { return Post("/validate/check", f, ""); }

  nlohmann::json TokenRow(const std::string& serial) {
    Reply r = Get("/token/", {{"serial", serial}});
    EXPECT_EQ(r.status, 200) << r.raw;
    if (r.status != 200 || r.value()["tokens"].empty()) return nullptr;
    return r.value()["tokens"][0];
  }
};

TEST_P(MfaValidateTest, MissingUserAndSerial) {
  Reply r = PostJson("/validate/check", nlohmann::json::object(), "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), 905);
  EXPECT_EQ(r.error_message(), "ERR905: You need to specify a serial, user or credential_id.");
  EXPECT_EQ(r.body["id"], 1);
  EXPECT_EQ(r.body["detail"], nullptr);
  EXPECT_FALSE(r.body.contains("versionnumber"));
}

TEST_P(MfaValidateTest, InvalidUserSerialAndUnknownSerial) {
  Reply u = Check({{"user", "h%h"}, {"pass", "x"}});
  EXPECT_EQ(u.status, 400);
  EXPECT_EQ(u.error_message(), "ERR905: Invalid user.");
  Reply s = Check({{"serial", "*"}, {"pass", "x"}});
  EXPECT_EQ(s.status, 400);
  EXPECT_EQ(s.error_message(), "ERR905: Invalid serial number.");
  Reply n = Check({{"serial", "NOPE"}, {"pass", "x"}});
  EXPECT_EQ(n.status, 404);
  EXPECT_EQ(n.error_code(), 601);
}

TEST_P(MfaValidateTest, UnknownUser) {
  Reply r = Check({{"user", "eve"}, {"pass", "x"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), 904);
  EXPECT_EQ(r.error_message(), "ERR904: User <eve@realm1> does not exist.");
}

TEST_P(MfaValidateTest, HotpAcceptReplayAndWindow) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  // Vector 4.
  Reply a = Check({{"user", "alice"}, {"pass", std::string("pin") + kHotp[0]}});
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body["id"], 2);
  EXPECT_EQ(a.authentication(), "ACCEPT");
  EXPECT_EQ(a.value(), true);
  EXPECT_EQ(a.message(), "matching 1 tokens");
  EXPECT_EQ(a.detail()["serial"], "OATH1");
  EXPECT_EQ(a.detail()["type"], "hotp");
  EXPECT_EQ(a.detail()["otplen"], 6);
  EXPECT_TRUE(a.detail()["threadid"].is_number_integer());
  EXPECT_EQ(a.body["versionnumber"], "3.13.3");
  EXPECT_EQ(TokenRow("OATH1")["count"], 1);
  // Vector 5.
  Reply again = Check({{"user", "alice"}, {"pass", std::string("pin") + kHotp[0]}});
  EXPECT_EQ(again.authentication(), "REJECT");
  EXPECT_EQ(again.value(), false);
  EXPECT_EQ(again.message(), "wrong otp value. previous otp used again");
  EXPECT_EQ(TokenRow("OATH1")["failcount"], 1);
  // Vector 6.
  Reply jump = Check({{"user", "alice"}, {"pass", std::string("pin") + kHotp[7]}});
  EXPECT_EQ(jump.authentication(), "ACCEPT");
  EXPECT_EQ(TokenRow("OATH1")["count"], 8);
  EXPECT_EQ(TokenRow("OATH1")["failcount"], 0);
  Reply old = Check({{"user", "alice"}, {"pass", std::string("pin") + kHotp[2]}});
  EXPECT_EQ(old.message(), "wrong otp value");
}

TEST_P(MfaValidateTest, HotpWindowEdge) {
  // Vector 7: HOTP(9) is the last value of a fresh token's window, HOTP(10) is outside it.
  ASSERT_EQ(InitHotp("OATH9", "", "pin").status, 200);
  ASSERT_EQ(InitHotp("OATH10", "", "pin").status, 200);
  EXPECT_EQ(Check({{"serial", "OATH9"}, {"pass", std::string("pin") + kHotp[9]}}).authentication(), "ACCEPT");
  Reply r = Check({{"serial", "OATH10"}, {"pass", std::string("pin") + kHotp[10]}});
  EXPECT_EQ(r.authentication(), "REJECT");
  EXPECT_EQ(r.message(), "wrong otp value");
}

TEST_P(MfaValidateTest, WrongPinCountsFailuresUnlessDisabled) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  Reply r = Check({{"user", "alice"}, {"pass", std::string("xxx") + kHotp[1]}});
  EXPECT_EQ(r.message(), "wrong otp pin");
  EXPECT_EQ(r.authentication(), "REJECT");
  EXPECT_EQ(TokenRow("OATH1")["failcount"], 1);
  ASSERT_EQ(Post("/system/setConfig", {{"IncFailCountOnFalsePin", "False"}}).status, 200);
  Check({{"user", "alice"}, {"pass", std::string("xxx") + kHotp[1]}});
  EXPECT_EQ(TokenRow("OATH1")["failcount"], 1);
}

TEST_P(MfaValidateTest, FailcounterExceeded) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  for (int i = 0; i < 10; ++i) Check({{"user", "alice"}, {"pass", "pin000000"}});
  EXPECT_EQ(TokenRow("OATH1")["failcount"], 10);
  Reply r = Check({{"user", "alice"}, {"pass", std::string("pin") + kHotp[0]}});
  EXPECT_EQ(r.value(), false);
  EXPECT_EQ(r.message(), "Failcounter exceeded");
  // /token/reset clears it.
  Reply reset = Post("/token/reset", {{"serial", "OATH1"}});
  EXPECT_EQ(reset.value(), 1);
  EXPECT_EQ(Check({{"user", "alice"}, {"pass", std::string("pin") + kHotp[0]}}).authentication(), "ACCEPT");
}

TEST_P(MfaValidateTest, GetBehavesLikePost) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  Reply r = Get("/validate/check", {{"user", "alice"}, {"pass", std::string("pin") + kHotp[1]}}, "");
  EXPECT_EQ(r.authentication(), "ACCEPT") << r.raw;
  EXPECT_EQ(r.body["id"], 2);
}

TEST_P(MfaValidateTest, UserWithoutTokens) {
  Reply r = Check({{"user", "alice"}, {"pass", "pin"}});
  EXPECT_EQ(r.value(), false);
  EXPECT_EQ(r.message(), "The user has no tokens assigned");
}

TEST_P(MfaValidateTest, SerialOfAnotherUser) {
  ASSERT_EQ(InitHotp("OATH1", "", "pin").status, 200);
  Reply r = Check({{"user", "alice"}, {"serial", "OATH1"}, {"pass", "pin"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_message(), "ERR905: Given serial does not belong to given user!");
}

TEST_P(MfaValidateTest, RevokedTokensGiveErr1007) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  ASSERT_EQ(Post("/token/revoke", {{"serial", "OATH1"}}).status, 200);
  Reply r = Check({{"user", "alice"}, {"pass", std::string("pin") + kHotp[0]}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), 1007);
  EXPECT_EQ(r.error_message(), "ERR1007: This action is not possible, since the token is locked");
}

TEST_P(MfaValidateTest, TotpAcceptedOnceThenPreviousThenOldCode) {
  ASSERT_EQ(
      Post("/token/init",
           {{"type", "totp"}, {"serial", "TOTP1"}, {"otpkey", kRfcKey}, {"pin", "pin"}, {"user", "alice"}})
          .status,
      200);
  auto key = HexDecode(kRfcKey);
  ASSERT_TRUE(key.ok());
  // Stay clear of a 30 s boundary so that the three requests see one time step.
  auto now = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  while (now() % 30 > 25) std::this_thread::sleep_for(200ms);
  const std::int64_t t = now();
  const std::string code = otp::Totp(*key, t, 30, 6, crypto::HashAlgorithm::kSha1);
  EXPECT_EQ(Check({{"user", "alice"}, {"pass", "pin" + code}}).authentication(), "ACCEPT");
  Reply again = Check({{"user", "alice"}, {"pass", "pin" + code}});
  EXPECT_EQ(again.message(), "wrong otp value. previous otp used again");
  const std::string old = otp::Totp(*key, t - 7 * 30, 30, 6, crypto::HashAlgorithm::kSha1);
  EXPECT_EQ(Check({{"user", "alice"}, {"pass", "pin" + old}}).message(), "wrong otp value");
}

TEST_P(MfaValidateTest, RadiuscheckAndSamlcheck) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  Reply ok = Post("/validate/radiuscheck", {{"user", "alice"}, {"pass", std::string("pin") + kHotp[0]}}, "");
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(ok.raw, "");
  Reply bad = Post("/validate/radiuscheck", {{"user", "alice"}, {"pass", "pin000000"}}, "");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.raw, "");
  Reply saml = Post("/validate/samlcheck", {{"user", "alice"}, {"pass", std::string("pin") + kHotp[1]}}, "");
  ASSERT_EQ(saml.status, 200) << saml.raw;
  EXPECT_EQ(saml.value()["auth"], true);
  EXPECT_EQ(saml.authentication(), "ACCEPT");
  EXPECT_EQ(saml.value()["attributes"]["givenname"], "Cornelius");
  EXPECT_EQ(saml.value()["attributes"]["mobile"], "+4915112345678");
}

TEST_P(MfaValidateTest, HotpChallengeResponse) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  ASSERT_EQ(Post("/policy/cr", {{"scope", "authentication"}, {"action", "challenge_response=hotp"}}).status,
            200);
  Reply c = Check({{"user", "alice"}, {"pass", "pin"}});
  ASSERT_EQ(c.status, 200) << c.raw;
  EXPECT_EQ(c.authentication(), "CHALLENGE");
  EXPECT_EQ(c.value(), false);
  const std::string tid = c.detail()["transaction_id"].get<std::string>();
  EXPECT_EQ(tid.size(), 20u);
  EXPECT_EQ(tid.find_first_not_of("0123456789"), std::string::npos);
  ASSERT_EQ(c.detail()["multi_challenge"].size(), 1u);
  EXPECT_EQ(c.detail()["multi_challenge"][0]["transaction_id"], tid);
  EXPECT_EQ(c.detail()["multi_challenge"][0]["serial"], "OATH1");
  EXPECT_EQ(c.detail()["multi_challenge"][0]["client_mode"], "interactive");
  EXPECT_EQ(c.detail()["transaction_ids"][0], tid);
  EXPECT_EQ(c.detail()["preferred_client_mode"], "interactive");
  EXPECT_EQ(c.message(), "please enter otp: ");
  // A wrong answer keeps the challenge.
  Reply wrong = Check({{"user", "alice"}, {"transaction_id", tid}, {"pass", "111111"}});
  EXPECT_EQ(wrong.message(), "Response did not match the challenge.");
  Reply ok = Check({{"user", "alice"}, {"transaction_id", tid}, {"pass", kHotp[0]}});
  EXPECT_EQ(ok.authentication(), "ACCEPT") << ok.raw;
  EXPECT_EQ(ok.message(), "Found matching challenge");
  // Single use.
  Reply reused = Check({{"user", "alice"}, {"transaction_id", tid}, {"pass", kHotp[1]}});
  EXPECT_EQ(reused.authentication(), "REJECT");
  EXPECT_EQ(reused.message(), "wrong otp pin");
  // `state` is an alias of transaction_id; an expired challenge no longer matches.
  ASSERT_EQ(Post("/system/setConfig", {{"HotpChallengeValidityTime", "1"}}).status, 200);
  Reply c2 = Check({{"user", "alice"}, {"pass", "pin"}});
  const std::string tid2 = c2.detail()["transaction_id"].get<std::string>();
  std::this_thread::sleep_for(2100ms);
  Reply expired = Check({{"user", "alice"}, {"state", tid2}, {"pass", kHotp[1]}});
  EXPECT_EQ(expired.authentication(), "REJECT");
  EXPECT_EQ(expired.message(), "Response did not match the challenge.");
}

TEST_P(MfaValidateTest, ParameterMergeAndDoubleDecoding) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pinA").status, 200);
  // The raw form value pin%2541 is "pin%41" after one decoding and "pinA" after privacyIDEA's second one.
  auto req = MakeRequest("POST", "/validate/check");
  req.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  req.body = std::string("user=alice&pass=pin%2541") + kHotp[0];
  EXPECT_EQ(Send(req).authentication(), "ACCEPT");
  // privacyidea-cp sends values encoded once: no second decoding, so the PIN is wrong.
  auto cp = MakeRequest("POST", "/validate/check");
  cp.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  cp.headers.Add("User-Agent", "privacyidea-cp/3.9 Windows/Laptop-1");
  cp.body = std::string("user=alice&pass=pin%2541") + kHotp[1];
  EXPECT_EQ(Send(cp).message(), "wrong otp pin");
  // The query wins over the form; a JSON body wins over the query.
  auto q = MakeRequest("POST", "/validate/check?user=alice");
  q.headers.Add("Content-Type", "application/x-www-form-urlencoded");
  q.body = std::string("user=nobody&pass=pinA") + kHotp[2];
  EXPECT_EQ(Send(q).authentication(), "ACCEPT");
  auto j = MakeRequest("POST", "/validate/check?user=nobody");
  j.headers.Add("Content-Type", "application/json");
  j.body = nlohmann::json{{"user", "alice"}, {"pass", std::string("pinA") + kHotp[3]}}.dump();
  EXPECT_EQ(Send(j).authentication(), "ACCEPT");
}

TEST_P(MfaValidateTest, SameOtpFromTwoHundredClientsIsAcceptedOnce) {
  ASSERT_EQ(InitHotp("OATH1", "alice", "pin").status, 200);
  std::atomic<int> accepted{0}, rejected{0}, failed{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 200; ++i) {
    threads.emplace_back([&] {
      auto client = http::MakeCurlHttpClient();
      auto req = MakeRequest("POST", "/validate/check");
      req.headers.Add("Content-Type", "application/x-www-form-urlencoded");
      req.body = std::string("user=alice&pass=pin") + kHotp[0];
      req.timeout = 60s;
      while (!go.load()) std::this_thread::yield();
      auto r = client->Send(req);
      if (!r.ok() || r->status != 200) {
        ++failed;
        return;
      }
      auto body = nlohmann::json::parse(r->body, nullptr, false);
      if (body["result"]["authentication"] == "ACCEPT") {
        ++accepted;
      } else {
        ++rejected;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(rejected.load(), 199);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(TokenRow("OATH1")["count"], 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, MfaValidateTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace osprey::blackbox
