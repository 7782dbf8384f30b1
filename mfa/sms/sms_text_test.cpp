#include "mfa/sms/sms_text.hpp"

#include <gtest/gtest.h>

namespace osprey::mfa::sms {
namespace {

TextTags Cornelius() {
  return {{"otp", "287082"},          {"serial", "PISM1"},  {"user", "Cornelius"},
          {"givenname", "Cornelius"}, {"tokentype", "sms"}, {"tokendescription", std::nullopt},
          {"phone", "123456"}};
}

// §11.3: the SMS text, with privacyIDEA's order of substitutions.
TEST(SmsTextTest, SmsTextFollowsTheSpecTable) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"<otp>", "287082"},
      {"{user} has the OTP: {otp}", "Cornelius has the OTP: 287082"},
      {"Your OTP code is: {otp}", "Your OTP code is: 287082"},
      {"<serial>: <otp> and <otp>", "PISM1: 287082 and 287082"},
      {"a\\, b {{literal}} {otp}", "a, b {literal} 287082"},
      {"desc={tokendescription}", "desc=None"},
      {"{tokentype}", "sms"},
  };
  for (const Case& c : cases) {
    auto rendered = RenderSmsText(c.text, Cornelius());
    ASSERT_TRUE(rendered.ok()) << c.text;
    EXPECT_EQ(*rendered, c.want) << c.text;
  }
}

TEST(SmsTextTest, AnUnknownTagInTheSmsTextFailsTheSend) {
  auto rendered = RenderSmsText("{nosuch}", Cornelius());
  ASSERT_FALSE(rendered.ok());
  EXPECT_EQ(rendered.error().message(), "unknown tag {nosuch} in the SMS text");
  // The OTP itself never appears in the error.
  EXPECT_EQ(rendered.error().message().find("287082"), std::string::npos);
}

// §11.4: the challenge text renders unknown tags as nothing.
TEST(SmsTextTest, ChallengeTextDropsUnknownTags) {
  EXPECT_EQ(RenderChallengeText("Hello {user}, please enter the otp sent to {phone}", Cornelius()),
            "Hello Cornelius, please enter the otp sent to 123456");
  EXPECT_EQ(RenderChallengeText("This {tag} should disappear", Cornelius()), "This  should disappear");
  EXPECT_EQ(RenderChallengeText("Enter the OTP from the SMS:", Cornelius()), "Enter the OTP from the SMS:");
  EXPECT_EQ(RenderChallengeText("a\\, b", Cornelius()), "a, b");
  EXPECT_EQ(RenderChallengeText("{tokendescription}", Cornelius()), "None");
}

TEST(SmsTextTest, RedactedPhoneKeepsTheLastTwoDigits) {
  EXPECT_EQ(RedactPhone("+4915112345678"), "****-******78");
  EXPECT_EQ(RedactPhone("7"), "****-******7");
}

}  // namespace
}  // namespace osprey::mfa::sms
