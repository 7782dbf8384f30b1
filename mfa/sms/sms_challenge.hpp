// SmsChallengeHook: what the SMS token does when it is triggered and answered (spec privacyidea-api.md §11.2–
// §11.6): advance the counter, render the `smstext` text with HOTP(key, counter), send it through the token's
// gateway (SmsSender: tokeninfo `sms.identifier`, else system config `sms.identifier`; failover; limits), and
// describe the challenge (`sms_challenge_text`, lifetime `sms.providerTimeout`, reply attributes state and
// valid_until). With `sms.concurrent_challenges` each challenge keeps a keyed hash of its own OTP, which
// answers it when the window check fails. With the `smsautosend` policy an accepted token sends its next OTP.
// Any failure gives privacyIDEA's wire text `The PIN was correct, but the SMS could not be sent!`; the reason
// goes to the audit entry and the log (never the OTP or the text).
// Ownership: refers to everything passed in. Thread rule: any thread (Validator calls it concurrently).
#pragma once

#include "mfa/policy/policy.hpp"
#include "mfa/sms/sms_sender.hpp"
#include "mfa/sms/sms_text.hpp"
#include "mfa/system/system_config.hpp"
#include "mfa/token/token_store.hpp"
#include "mfa/validate/validator.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/keyed_hash.hpp"

namespace osprey::mfa::sms {

inline constexpr std::string_view kSmsNotSent = "The PIN was correct, but the SMS could not be sent!";
inline constexpr std::string_view kDefaultSmsText = "<otp>";
inline constexpr std::string_view kDefaultSmsChallengeText = "Enter the OTP from the SMS:";

class SmsChallengeHook : public validate::ChallengeHook {
 public:
  SmsChallengeHook(const token::TokenStore& tokens, SmsSender& sender, const system::SystemConfig& config,
                   const policy::PolicyEngine& policies, const crypto::KeyedHasher& hasher,
                   const Clock& clock);

  validate::ChallengeOutcome Create(const validate::ChallengeContext& context) const override;
  bool MatchesChallenge(const token::TokenRecord& token, const token::Challenge& row,
                        std::string_view otp) const override;
  void AfterAccept(const token::TokenRecord& token, const users::User* user, std::int64_t new_count,
                   const policy::Subject& policy) const override;

 private:
  struct Sent {
    Status status;
    std::string phone, otp;
  };
  // Renders the SMS text with HOTP(key, count) and sends it.
  Sent SendOtp(const token::TokenRecord& token, const users::User* user, std::int64_t count,
               const policy::Subject& policy, Clock::TimePoint now) const;

  const token::TokenStore& tokens_;
  SmsSender& sender_;
  const system::SystemConfig& config_;
  const policy::PolicyEngine& policies_;
  const crypto::KeyedHasher& hasher_;
  const Clock& clock_;
};

// The tags of §11.3 for `token` and its owner at local time `now` (otp and phone are added by the caller).
TextTags SmsTags(const token::TokenRecord& token, const users::User* user, Clock::TimePoint now);

// privacyIDEA's valid_until: local time "YYYY-MM-DD HH:MM:SS.ffffff", the fraction omitted when it is 0.
std::string LocalTimestamp(Clock::TimePoint t);

}  // namespace osprey::mfa::sms
