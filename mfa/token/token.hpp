// Tokens (spec privacyidea-api.md §5–§7): the stored record (state), and TokenType (algorithm + descriptor),
// registered by name from main (STYLE: privacyIDEA's split of token class vs token row).
// Thread rule: TokenRecord is a plain value; TokenType implementations are immutable and called concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/common/pi_error.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::mfa::token {

// One token row, as GET /token/ shows it (§5) plus the sealed seed and PIN hash, which never leave the
// server.
struct TokenRecord {
  std::int64_t id = 0;
  std::string serial;
  std::string tokentype;  // "hotp", "totp", "sms"
  std::string description;
  int otplen = 6;
  int maxfail = 10;
  bool active = true;
  bool revoked = false;
  bool locked = false;
  int failcount = 0;
  std::int64_t count = 0;
  int count_window = 10;
  int sync_window = 1000;
  std::string rollout_state;  // "" after a normal enrollment
  // Owner; all empty when unassigned.
  std::string user_id, resolver, user_realm;
  std::vector<std::string> realms;          // token realms
  std::map<std::string, std::string> info;  // tokeninfo (hashlib, timeStep, timeShift, phone, ...)
  std::string sealed_key;                   // Sealer output, associated data = serial
  std::string pin_hash;                     // KeyedHasher output, context = serial; "" = no PIN set
  std::int64_t count_auth = 0, count_auth_success = 0;

  std::string Info(std::string_view key, std::string_view fallback = {}) const;
};

// Parameters of an enrollment, already merged (strings as privacyIDEA sees them).
using InitParams = std::map<std::string, std::string>;

// System-config defaults applied at creation (§4), read by the caller from SystemConfig.
struct TokenDefaults {
  int otplen = 6, count_window = 10, maxfail = 10, sync_window = 1000;
  std::string hotp_hashlib = "sha1", totp_hashlib = "sha1";
  int totp_time_step = 30, totp_time_window = 180;
};

// The result of checking one OTP value against a token (no state changed; the caller persists).
struct OtpCheck {
  bool matched = false;
  std::int64_t new_count = 0;                      // when matched: the counter to store
  std::map<std::string, std::string> info_update;  // when matched: tokeninfo to store (TOTP timeShift)
  bool previous = false;  // not matched, and the value is "the previous otp" (§6.5, §6.7)
};

// What a token type contributes. Under ~10 virtuals (STYLE habit 4).
class TokenType {
 public:
  TokenType() = default;
  TokenType(const TokenType&) = delete;
  TokenType& operator=(const TokenType&) = delete;
  virtual ~TokenType() = default;

  virtual std::string Name() const = 0;          // "hotp"
  virtual std::string SerialPrefix() const = 0;  // "OATH", "TOTP", "PISM"
  // Fills `record` (otplen, windows, info such as hashlib/timeStep/phone) from `params` and `defaults` at
  // enrollment; a PiError (ERR905 ...) for invalid parameters. The key is handled by the caller.
  virtual PiStatus Init(const InitParams& params, const TokenDefaults& defaults,
                        TokenRecord& record) const = 0;
  // Checks `otp` (already of length otplen) with the token's window at `now`.
  virtual OtpCheck Check(const TokenRecord& record, const Secret& key, std::string_view otp,
                         Clock::TimePoint now, const TokenDefaults& defaults) const = 0;
  // /token/resync: the counter to store when otp1, otp2 are consecutive values within sync_window, else
  // nullopt.
  virtual std::optional<OtpCheck> Resync(const TokenRecord& record, const Secret& key, std::string_view otp1,
                                         std::string_view otp2, Clock::TimePoint now,
                                         const TokenDefaults& defaults) const = 0;
  // `otpauth://` key-URI parts for the enrollment detail (googleurl): type label ("hotp"/"totp") and the
  // extra query parameters in privacyIDEA's order (counter=1 for hotp; period=30 for totp). nullopt: no
  // googleurl.
  virtual std::optional<std::string> KeyUriType() const = 0;
  // True when a PIN-only request may trigger a challenge without the challenge_response policy (sms: true).
  virtual bool AlwaysChallenges() const { return false; }
  // client_mode for multi_challenge entries ("interactive").
  virtual std::string ClientMode() const { return "interactive"; }
};

class TokenTypes {
 public:
  // Throws std::logic_error on a duplicate name.
  void Register(std::unique_ptr<TokenType> type);
  // Case-insensitive lookup.
  const TokenType* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::unique_ptr<TokenType>, std::less<>> types_;
};
// "hotp" and "totp".
void RegisterBuiltinTokenTypes(TokenTypes& types);

// The hash algorithm of a token: tokeninfo hashlib, else `fallback_name`, else sha1.
crypto::HashAlgorithm TokenHash(const TokenRecord& record, std::string_view fallback_name);

}  // namespace osprey::mfa::token
