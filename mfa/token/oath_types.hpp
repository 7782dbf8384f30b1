// The OATH token types hotp (RFC 4226) and totp (RFC 6238) with privacyIDEA's window, replay and resync rules
// (spec privacyidea-api.md §6). The maths is libs/core otp.hpp; these classes add the token state rules.
// Thread rule: immutable, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mfa/token/token.hpp"

namespace osprey::mfa::token {

// Shared enrollment of both types: otplen (1..9), hashlib (sha1/sha256/sha512, stored as tokeninfo
// `hashlib`), windows and maxfail from the defaults, tokeninfo `tokenkind` = "software".
PiStatus InitOath(const InitParams& params, const TokenDefaults& defaults, std::string_view default_hashlib,
                  TokenRecord& record);

class HotpType : public TokenType {
 public:
  std::string Name() const override { return "hotp"; }
  std::string SerialPrefix() const override { return "OATH"; }
  PiStatus Init(const InitParams& params, const TokenDefaults& defaults, TokenRecord& record) const override;
  // Window count … count+count_window−1; match at c → count c+1; "previous" = HOTP(count−1).
  OtpCheck Check(const TokenRecord& record, const Secret& key, std::string_view otp, Clock::TimePoint now,
                 const TokenDefaults& defaults) const override;
  // otp1 in count … count+sync_window−1 and otp2 = the next value → count c1+2.
  std::optional<OtpCheck> Resync(const TokenRecord& record, const Secret& key, std::string_view otp1,
                                 std::string_view otp2, Clock::TimePoint now,
                                 const TokenDefaults& defaults) const override;
  std::optional<std::string> KeyUriType() const override { return "hotp"; }
};

// TOTP: tokeninfo timeStep / timeWindow / timeShift (defaults from TokenDefaults; timeShift 0). The stored
// count is the last accepted time counter.
class TotpType : public TokenType {
 public:
  std::string Name() const override { return "totp"; }
  std::string SerialPrefix() const override { return "TOTP"; }
  PiStatus Init(const InitParams& params, const TokenDefaults& defaults, TokenRecord& record) const override;
  // T = floor((now+timeShift)/timeStep), w = timeWindow/timeStep, tries max(0,T−w) … T+w−1. A match at c ≤
  // count (count ≠ 0) is a replay; success stores count = c and timeShift = c*timeStep − now.
  OtpCheck Check(const TokenRecord& record, const Secret& key, std::string_view otp, Clock::TimePoint now,
                 const TokenDefaults& defaults) const override;
  // [choice] otp1 at c1 in max(0,T−sync_window) … T+sync_window−1, otp2 at c1+1, and c1+1 > count (count ≠
  // 0): count = c1+1, timeShift = (c1+1)*timeStep − now.
  std::optional<OtpCheck> Resync(const TokenRecord& record, const Secret& key, std::string_view otp1,
                                 std::string_view otp2, Clock::TimePoint now,
                                 const TokenDefaults& defaults) const override;
  std::optional<std::string> KeyUriType() const override { return "totp"; }

  // The token's parameters (tokeninfo, else defaults).
  static int TimeStep(const TokenRecord& record, const TokenDefaults& defaults);
  static int TimeWindow(const TokenRecord& record, const TokenDefaults& defaults);
  static std::int64_t TimeShift(const TokenRecord& record);
};

}  // namespace osprey::mfa::token
