// TokenService: privacyIDEA's token management (spec privacyidea-api.md §5, §10): enrollment (/token/init)
// and the lifecycle operations behind /token/* and `osprey mfa token ...`, with privacyIDEA's exact errors as
// PiErrors:
//   neither serial nor user         → ERR905 "You either need to provide user or serial"
//   unknown serial                  → 404/601 "The requested token could not be found."
//   user given but unknown          → ERR904 "User <alice@realm1> does not exist." (<alice.res1@realm1> with
//   a
//                                     resolver)
//   unknown token type on init      → ERR1610 "init token failed: unknown token type 'x'"
// A user selector acts on that user's tokens only; with a serial too, the serial must be one of them (else
// 404). Results carry what the api needs for the audit entry (serials, types, owner) — never a seed or a PIN.
// Ownership: refers to the store, types, config, directory and clock, which outlive it.
// Thread rule: any thread, any member.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/common/pi_error.hpp"
#include "mfa/system/system_config.hpp"
#include "mfa/token/token.hpp"
#include "mfa/token/token_store.hpp"
#include "mfa/users/users.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::mfa::token {

// The §4 creation defaults as currently configured (DefaultOtpLen, DefaultCountWindow, DefaultMaxFailCount,
// DefaultSyncWindow, hotp.hashlib, totp.hashlib, totp.timeStep, totp.timeWindow).
TokenDefaults LoadDefaults(const system::SystemConfig& config);

// Which tokens a request names. `user` is the login as given (may carry "@realm" when splitAtSign); `realm`
// and `resolver` narrow the lookup.
struct TokenSelector {
  std::string serial;
  std::string user, realm, resolver;
  bool has_user() const { return !user.empty(); }
};

// What an operation did, for the reply and the audit entry.
struct TokenOutcome {
  long long value = 0;  // count of tokens (or 1/0 for the boolean endpoints)
  std::string serial;   // comma-separated serials touched
  std::string token_type;
  std::string user, realm, resolver;  // the resolved user of the request, else the single token's owner
};

// The enrollment result. otpkey_hex, value_b32, googleurl and oathurl contain the seed: they go to the
// enrolling client once and must never be logged or audited.
struct InitResult {
  TokenOutcome outcome;
  std::string serial, rollout_state;
  std::string otpkey_hex, value_b32;
  std::optional<std::string> googleurl;  // nullopt for types without a key URI
  std::string oathurl;
};

// A token as GET /token/ shows it: the record plus the owner's login from the Directory.
struct TokenView {
  TokenRecord record;
  std::string username;  // "" when unassigned or the owner cannot be resolved
  bool user_editable = false;
};
struct TokenListQuery {
  TokenFilter filter;
  std::string user, realm;  // owner by login (resolved; unknown → ERR904); realm alone = tokenrealm filter
};
struct TokenListResult {
  std::vector<TokenView> tokens;
  std::optional<int> prev, next;
  std::int64_t count = 0;
  int current = 1;
  TokenOutcome outcome;
};

class TokenService {
 public:
  TokenService(TokenStore& store, const TokenTypes& types, system::SystemConfig& config,
               users::Directory& directory, const Clock& clock);
  TokenService(const TokenService&) = delete;
  TokenService& operator=(const TokenService&) = delete;

  // POST /token/init. `params` are the merged request parameters (type, serial, otpkey, otpkeyformat, genkey,
  // keysize, otplen, hashlib, timeStep, description, user, realm, resolver, ...); `pin` the PIN if given.
  PiResult<InitResult> Init(const InitParams& params, const std::optional<Secret>& pin);

  PiResult<TokenListResult> List(const TokenListQuery& query);

  // Number of tokens whose state changed (already active → not counted).
  PiResult<TokenOutcome> Enable(const TokenSelector& selector, bool enable);
  // revoked + locked + inactive; number of tokens.
  PiResult<TokenOutcome> Revoke(const TokenSelector& selector);
  // failcount 0; number of tokens matched.
  PiResult<TokenOutcome> Reset(const TokenSelector& selector);
  // value 1 when otp1/otp2 resynchronised the token (§6.6), else 0 with no change.
  PiResult<TokenOutcome> Resync(const TokenSelector& selector, std::string_view otp1, std::string_view otp2);
  // Sets the given PINs on every selected token; value = number of PINs set (per kind, privacyIDEA's sum).
  PiResult<TokenOutcome> SetPin(const TokenSelector& selector, const std::optional<Secret>& otppin,
                                const std::optional<Secret>& userpin, const std::optional<Secret>& sopin);
  // Assigns the token `selector.serial` to `selector.user`; ERR1103 when it already has an owner
  // (`for_user_role`: the neutral text "Token already assigned to another user."). value 1.
  PiResult<TokenOutcome> Assign(const TokenSelector& selector, const std::optional<Secret>& pin,
                                bool for_user_role = false);
  // Removes the owner, the PIN and the fail counter; number of tokens.
  PiResult<TokenOutcome> Unassign(const TokenSelector& selector);
  // Number of deleted tokens; their challenges go too.
  PiResult<TokenOutcome> Delete(const TokenSelector& selector);
  PiResult<TokenOutcome> SetDescription(const TokenSelector& selector, const std::string& description);
  // Tokeninfo key set / deleted on every selected token; value = number of tokens.
  PiResult<TokenOutcome> SetInfo(const TokenSelector& selector, const std::string& key,
                                 const std::string& value);
  PiResult<TokenOutcome> DeleteInfo(const TokenSelector& selector, const std::string& key);
  // Replaces the token realms (names lower-cased; realms that do not exist are ignored). value 1.
  PiResult<TokenOutcome> SetRealms(const TokenSelector& selector, const std::vector<std::string>& realms);
  // The tokeninfo of one token.
  PiResult<std::map<std::string, std::string>> GetInfo(const TokenSelector& selector);

  // The user a selector names (nullopt when it names none); ERR904 when unknown.
  PiResult<std::optional<users::User>> ResolveUser(std::string_view login, std::string_view realm,
                                                   std::string_view resolver);

 private:
  struct Selection {
    std::vector<TokenRecord> tokens;
    std::optional<users::User> user;
  };
  PiResult<Selection> Select(const TokenSelector& selector);
  PiResult<std::string> NewSerial(const TokenType& type);
  TokenOutcome Describe(const Selection& selection, long long value);
  // Save every token after `change`; value = number of tokens `change` returned true for.
  template <class Change>
  PiResult<TokenOutcome> ForEach(const TokenSelector& selector, Change change);

  TokenStore& store_;
  const TokenTypes& types_;
  system::SystemConfig& config_;
  users::Directory& directory_;
  const Clock& clock_;
};

}  // namespace osprey::mfa::token
