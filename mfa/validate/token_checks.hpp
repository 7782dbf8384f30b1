// Per-token steps of a validation (spec §6, §7, §8 step 1): the settings a validation reads, check_all, the
// PIN check under the otppin policy, the OTP check, and challenge creation (§8.1).
// Thread rule: PinChecker belongs to one request; the rest are pure functions over thread-safe services.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osprey/core/secret.hpp"

#include "mfa/validate/evaluation.hpp"

namespace osprey::mfa::validate::detail {

// The system configuration a validation reads (§4), once per request.
struct Settings {
  bool prepend_pin = true;
  bool inc_fail_on_false_pin = true;
  bool reset_on_pin = false;
  bool count_auth = true;  // !no_auth_counter
  std::int64_t clear_timeout_minutes = 0;
  token::TokenDefaults defaults;
};
Settings ReadSettings(const system::SystemConfig& config);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The subject's tokens: the one serial, or the user's tokens (sorted by type, filtered by request.type).
PiResult<std::vector<token::TokenRecord>> LoadTokens(const Services& services, const CheckRequest& request,
                                                     const Subject& subject);

// check_all (§8 step 1) in privacyIDEA's order; the first failing check's message, or nullopt when the token
// may authenticate. A maxed-out fail counter whose clear timeout has passed is reset here (plan.resets and
// `token.failcount`).
std::optional<std::string> CheckAll(token::TokenRecord& token, const Settings& settings, Clock::TimePoint now,
                                    Plan& plan);
// True when a token with `failcount` (≥ maxfail) may be reset by failcounter_clear_timeout at `now` (§7.3).
bool FailcounterClearDue(const token::TokenRecord& token, int failcount, const Settings& settings,
                         Clock::TimePoint now);

// The OTP part: no match when the length is not otplen (§6.3), else the token type's window check.
PiResult<token::OtpCheck> CheckOtp(const Services& services, const token::TokenRecord& token,
                                   std::string_view otp, Clock::TimePoint now, const Settings& settings);

// The PIN under the otppin policy (tokenpin | userstore | none), for one request.
class PinChecker {
 public:
  PinChecker(const Services& services, const Subject& subject);
  bool Matches(const token::TokenRecord& token, std::string_view pin);

 private:
  const Services& services_;
  const Subject& subject_;
  std::string mode_;                              // "", "tokenpin", "userstore", "none"
  std::vector<std::pair<Secret, bool>> checked_;  // userstore answers by PIN, within this request only
};

// Token types the `challenge_response` policy lets trigger with the PIN alone.
std::vector<std::string> ChallengeResponseTypes(const Services& services, const Subject& subject);
bool IncreaseFailcounterOnChallenge(const Services& services, const Subject& subject);

// Creates one challenge per token with one shared 20-digit transaction id (§8.1) and fills the result.
PiResult<CheckResult> CreateChallenges(const Services& services, const CheckRequest& request,
                                       const Subject& subject,
                                       const std::vector<const token::TokenRecord*>& tokens, Plan& plan);

}  // namespace osprey::mfa::validate::detail
