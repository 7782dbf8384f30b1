// Challenge-response (spec §8 rows "response", "challenge request", §8.1, §9) and the policies of the
// authentication scope (challenge_response, challenge_text, otppin, passOnNoToken, passOnNoUser, passthru).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "mfa/validate/test_validate.hpp"
#include "mfa/validate/validator.hpp"

namespace osprey::mfa::validate {
namespace {

using testing::ValidateTest;

class ChallengeTest : public ValidateTest {
 protected:
  CheckRequest Response(const std::string& tid, const std::string& pass) {
    CheckRequest r = UserPass("alice", pass);
    r.transaction_id = tid;
    return r;
  }
  std::string TriggerOrDie() {
    CheckResult c = CheckOk(UserPass("alice", "pin"));
    EXPECT_EQ(c.multi_challenge.size(), 1u);
    return c.multi_challenge.empty() ? "" : c.multi_challenge[0].transaction_id;
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(ChallengeTest);

bool AllDigits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

TEST_P(ChallengeTest, HotpChallengeResponseIsSingleUse) {
  SetPolicy("cr", {{"challenge_response", "hotp"}});
  AddPinnedHotp("OATH1", alice_);
  CheckResult c = CheckOk(UserPass("alice", "pin"));
  EXPECT_FALSE(c.value);
  EXPECT_EQ(c.Authentication(), "CHALLENGE");
  ASSERT_TRUE(c.has_challenges);
  ASSERT_EQ(c.multi_challenge.size(), 1u);
  const ChallengeEntry& e = c.multi_challenge[0];
  EXPECT_EQ(e.transaction_id.size(), 20u);
  EXPECT_TRUE(AllDigits(e.transaction_id));
  EXPECT_EQ(e.serial, "OATH1");
  EXPECT_EQ(e.type, "hotp");
  EXPECT_EQ(e.client_mode, "interactive");
  EXPECT_EQ(e.message, "please enter otp: ");
  EXPECT_FALSE(e.attributes.has_value());
  EXPECT_EQ(c.message, "please enter otp: ");
  EXPECT_EQ(c.messages, std::vector<std::string>{"please enter otp: "});
  EXPECT_EQ(c.transaction_ids, std::vector<std::string>{e.transaction_id});
  EXPECT_EQ(GetOrDie("OATH1").failcount, 0);  // triggering costs nothing

  CheckResult ok = CheckOk(Response(e.transaction_id, "755224"));
  EXPECT_TRUE(ok.value);
  EXPECT_EQ(ok.message, "Found matching challenge");
  EXPECT_EQ(ok.serial, "OATH1");
  EXPECT_EQ(GetOrDie("OATH1").count, 1);

  CheckResult reused = CheckOk(Response(e.transaction_id, "287082"));
  EXPECT_FALSE(reused.value);
  EXPECT_EQ(reused.message, "wrong otp pin");
}

TEST_P(ChallengeTest, WrongResponseKeepsTheChallenge) {
  SetPolicy("cr", {{"challenge_response", "hotp totp"}});
  AddPinnedHotp("OATH1", alice_);
  const std::string tid = TriggerOrDie();
  CheckResult wrong = CheckOk(Response(tid, "111111"));
  EXPECT_FALSE(wrong.value);
  EXPECT_EQ(wrong.message, "Response did not match the challenge.");
  EXPECT_EQ(wrong.serial, "OATH1");
  EXPECT_EQ(wrong.type, "hotp");
  EXPECT_EQ(GetOrDie("OATH1").failcount, 1);
  auto rows = store_->FindChallenges("OATH1", tid);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].received_count, 1);

  EXPECT_TRUE(CheckOk(Response(tid, "755224")).value);
  EXPECT_EQ(GetOrDie("OATH1").failcount, 0);
  EXPECT_TRUE(store_->FindChallenges("OATH1", tid)->empty());
}

TEST_P(ChallengeTest, ExpiredChallengeIsRejectedThenPurged) {
  SetPolicy("cr", {{"challenge_response", "hotp"}});
  AddPinnedHotp("OATH1", alice_);
  const std::string tid = TriggerOrDie();
  clock_.Advance(std::chrono::seconds(121));
  EXPECT_EQ(CheckOk(Response(tid, "755224")).message, "Response did not match the challenge.");
  EXPECT_EQ(CheckOk(Response(tid, "755224")).message, "wrong otp pin");
  EXPECT_EQ(GetOrDie("OATH1").count, 0);
}

TEST_P(ChallengeTest, ValidityTimeAndChallengeTextFollowConfigAndPolicy) {
  SetPolicy("cr",
            {{"challenge_response", "hotp"}, {"challenge_text", "Hello {user}\\, enter the {nosuch}OTP"}});
  SetConfig("HotpChallengeValidityTime", "300");
  AddPinnedHotp("OATH1", alice_);
  CheckResult c = CheckOk(UserPass("alice", "pin"));
  ASSERT_EQ(c.multi_challenge.size(), 1u);
  EXPECT_EQ(c.multi_challenge[0].message, "Hello Given alice, enter the OTP");
  clock_.Advance(std::chrono::seconds(250));
  EXPECT_TRUE(CheckOk(Response(c.multi_challenge[0].transaction_id, "755224")).value);
}

TEST_P(ChallengeTest, PinAloneWithoutPolicyIsAWrongPin) {
  AddPinnedHotp("OATH1", alice_);
  CheckResult r = CheckOk(UserPass("alice", "pin"));
  EXPECT_FALSE(r.has_challenges);
  EXPECT_EQ(r.message, "wrong otp pin");
}

TEST_P(ChallengeTest, TriggerChallengeNeedsNoPinNorPolicy) {
  AddPinnedHotp("OATH1", alice_);
  CheckRequest trigger;
  trigger.user = "alice";
  trigger.action = "POST /validate/triggerchallenge";
  auto r = validator_->TriggerChallenge(trigger);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->challenges_created, 1);
  EXPECT_EQ(r->Authentication(), "CHALLENGE");
  ASSERT_EQ(r->multi_challenge.size(), 1u);
  EXPECT_TRUE(CheckOk(Response(r->multi_challenge[0].transaction_id, "755224")).value);

  CheckRequest none;
  none.user = "bob";
  auto empty = validator_->TriggerChallenge(none);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->challenges_created, 0);
  EXPECT_TRUE(empty->has_challenges);
  EXPECT_TRUE(empty->multi_challenge.empty());
  EXPECT_TRUE(empty->messages.empty());
  EXPECT_FALSE(empty->message.has_value());
  EXPECT_EQ(empty->Authentication(), "REJECT");
}

TEST_P(ChallengeTest, PassOnNoTokenAndPassOnNoUser) {
  EXPECT_EQ(CheckOk(UserPass("bob", "x")).message, "The user has no tokens assigned");
  SetPolicy("pnt", {{"passOnNoToken", "true"}});
  CheckResult pass = CheckOk(UserPass("bob", "x"));
  EXPECT_TRUE(pass.value);
  EXPECT_EQ(pass.message, "user has no token, accepted due to 'pnt'");

  EXPECT_EQ(CheckError(UserPass("eve", "x")).code, 904);
  SetPolicy("pnu", {{"passOnNoUser", "true"}});
  CheckResult eve = CheckOk(UserPass("eve", "x"));
  EXPECT_TRUE(eve.value);
  EXPECT_EQ(eve.message, "user does not exist, accepted due to 'pnu'");
}

TEST_P(ChallengeTest, OtpPinPolicies) {
  users::User carol = CreateOrDie("res1", "carol", "secret");
  AddHotp("OATH3", &carol, Secret("pin"));
  SetPolicy("op", {{"otppin", "userstore"}});
  EXPECT_FALSE(CheckOk(UserPass("carol", "pin755224")).value);
  EXPECT_TRUE(CheckOk(UserPass("carol", "secret287082")).value);
  SetPolicy("op", {{"otppin", "none"}});
  EXPECT_EQ(CheckOk(UserPass("carol", "pin359152")).message, "wrong otp pin");
  EXPECT_TRUE(CheckOk(UserPass("carol", "359152")).value);
}

TEST_P(ChallengeTest, PassthruChecksTheUserStoreWhenTheUserHasNoToken) {
  CreateOrDie("res1", "carol", "secret");
  SetPolicy("pt", {{"passthru", "userstore"}});
  EXPECT_EQ(CheckOk(UserPass("carol", "wrong")).message, "The user has no tokens assigned");
  CheckResult ok = CheckOk(UserPass("carol", "secret"));
  EXPECT_TRUE(ok.value);
  EXPECT_EQ(ok.message, "against userstore due to 'pt'");
}

TEST_P(ChallengeTest, SamlAttributesOnSuccessOnly) {
  AddPinnedHotp("OATH1", alice_);
  CheckRequest r = UserPass("alice", "pin755224");
  r.saml = true;
  CheckResult ok = CheckOk(r);
  EXPECT_TRUE(ok.value);
  EXPECT_EQ(ok.saml_attributes["username"], "alice");
  EXPECT_EQ(ok.saml_attributes["realm"], "realm1");
  EXPECT_EQ(ok.saml_attributes["resolver"], "res1");
  EXPECT_EQ(ok.saml_attributes["givenname"], "Given alice");
  EXPECT_EQ(ok.saml_attributes["email"], "alice@example.com");
  CheckRequest fail = UserPass("alice", "pin755224");
  fail.saml = true;
  EXPECT_TRUE(CheckOk(fail).saml_attributes.empty());
  SetConfig("ReturnSamlAttributesOnFail", "True");
  CheckRequest fail2 = UserPass("alice", "pin755224");
  fail2.saml = true;
  EXPECT_FALSE(CheckOk(fail2).saml_attributes.empty());
}

}  // namespace
}  // namespace osprey::mfa::validate
