// What the SMS black-box tests share: the §14 setup (realm1 with alice), gateway definitions through
// POST /smsgateway, an SMS token for alice, and /validate/check as alice.
#pragma once

#include <string>

#include "tests/blackbox/mfa_fixture.hpp"

namespace osprey::blackbox {

inline constexpr const char* kSmsNotSent = "The PIN was correct, but the SMS could not be sent!";
inline constexpr const char* kHttpSmsModule = "privacyidea.lib.smsprovider.HttpSMSProvider.HttpSMSProvider";

class SmsTest : public MfaTest {
 protected:
  // MfaTest's, then realm1 with alice.
  void SetUp() override;
  // POST /smsgateway name=<name> module=HttpSMSProvider option.URL=<url> plus `options` ("option.X",
  // "header.X").
  void DefineHttpGateway(const std::string& name, const std::string& url, const Fields& options);
  // POST /token/init type=sms serial=<serial> otpkey=<RFC key> pin=<pin> user=alice realm=realm1 + `extra`.
  void EnrollSms(const std::string& serial, const std::string& pin, const Fields& extra);
  // POST /validate/check user=alice realm=realm1 + `fields`, without a JWT.
  Reply Check(const Fields& fields);
};

}  // namespace osprey::blackbox
