// The SMS token type "sms" (spec privacyidea-api.md §11): an HOTP token whose OTP is sent by SMS when the PIN
// alone is given. Enrollment takes `phone` (required unless `dynamic_phone` is true: then the owner's
// `mobile` at trigger time) and an optional `sms.identifier` (the gateway); the rest is HOTP's (§11.1). The
// challenge and the sending are the SMS challenge hook's (mfa/sms/sms_challenge.hpp). Thread rule: immutable,
// any thread.
#pragma once

#include "mfa/token/oath_types.hpp"

namespace osprey::mfa::token {

class SmsType : public HotpType {
 public:
  std::string Name() const override { return "sms"; }
  std::string SerialPrefix() const override { return "PISM"; }
  PiStatus Init(const InitParams& params, const TokenDefaults& defaults, TokenRecord& record) const override;
  std::optional<std::string> KeyUriType() const override { return std::nullopt; }
  bool AlwaysChallenges() const override { return true; }
};

// The destination of an SMS token: tokeninfo `phone`, or with `dynamic_phone` the owner's mobile (`mobile`,
// the first entry when it holds several separated by commas or a JSON list). "" when there is none.
std::string SmsPhoneOf(const TokenRecord& record, std::string_view owner_mobile);

}  // namespace osprey::mfa::token
