#include "tests/blackbox/sms_fixture.hpp"

namespace osprey::blackbox {

void SmsTest::SetUp() {
  MfaTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  CreateRealmWithAlice();
}

void SmsTest::DefineHttpGateway(const std::string& name, const std::string& url, const Fields& options) {
  Fields f = {{"name", name}, {"module", kHttpSmsModule}, {"option.URL", url}};
  f.insert(f.end(), options.begin(), options.end());
  Reply r = Post("/smsgateway", f);
  ASSERT_EQ(r.status, 200) << r.raw;
}

void SmsTest::EnrollSms(const std::string& serial, const std::string& pin, const Fields& extra) {
  Fields f = {{"type", "sms"}, {"serial", serial}, {"otpkey", kRfcKey},
              {"pin", pin},    {"user", "alice"},  {"realm", "realm1"}};
  f.insert(f.end(), extra.begin(), extra.end());
  Reply r = Post("/token/init", f);
  ASSERT_EQ(r.status, 200) << r.raw;
}

Reply SmsTest::Check(const Fields& fields) {
  Fields f = {{"user", "alice"}, {"realm", "realm1"}};
  f.insert(f.end(), fields.begin(), fields.end());
  return Post("/validate/check", f, "");
}

}  // namespace osprey::blackbox
