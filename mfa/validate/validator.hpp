// Validator: privacyIDEA's /validate/check, /validate/radiuscheck, /validate/samlcheck and
// /validate/triggerchallenge as domain calls (spec privacyidea-api.md §6–§9): user resolution, candidate
// tokens, check_all, the PIN/OTP split (PrependPin, otppin policy), the decision table of §8, the fail
// counter rules of §7, challenge-response for hotp/totp under the `challenge_response` policy, passOnNoUser,
// passOnNoToken and passthru. No JSON, no HTTP: the api layer turns a CheckRequest from the merged parameters
// and renders the CheckResult (or the PiError) in privacyIDEA's envelope.
//
// Every call writes one audit entry. The state a validation changes (counter, fail counter, tokeninfo,
// challenges) and its audit entry are committed in ONE transaction before the call returns; with
// ValidatorOptions::group_commit, concurrent calls share transactions (WriteBatcher).
//
// Exactly-once acceptance: requests for the same user (or serial) are serialized in-process by a striped
// mutex held from reading the tokens until their writes are committed; across processes (the CLI, a second
// server), TokenStore::ApplyIn's compare-and-set on the counter rejects a stale acceptance, which is then
// re-evaluated.
//
// Errors (PiError, exact wire texts): ERR905 (parameters, "Given serial does not belong to given user!"),
// ERR904 (unknown user), 404/601 (unknown serial), ERR1007 (all tokens revoked), 500/-500 (database).
// Nothing secret (pass, PIN, OTP, seed) appears in errors, logs or audit entries.
//
// Ownership: refers to every service passed in (they must outlive it); owns the write batcher's thread.
// Thread rule: Check and TriggerChallenge may be called from any number of threads. SetChallengeHook only
// before the first call.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/audit/audit_log.hpp"
#include "mfa/common/pi_error.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/system/system_config.hpp"
#include "mfa/token/token.hpp"
#include "mfa/token/token_store.hpp"
#include "mfa/users/users.hpp"
#include "mfa/validate/write_batcher.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/secret.hpp"

namespace osprey::mfa::validate {

struct ValidatorOptions {
  bool group_commit = true;
  std::chrono::microseconds group_commit_delay{200};
};

// The parameters of one /validate/* request (spec §8), already merged by the api layer.
struct CheckRequest {
  std::string user, realm, resolver, serial;
  std::optional<Secret> pass;  // nullopt: the parameter was absent
  std::string transaction_id;  // `transaction_id`, else `state`; "" = none
  bool otponly = false;
  std::string type;  // filter the user's tokens by type ("" = all)
  bool exception = false;
  std::string client, user_agent;               // client IP, User-Agent (audit, policy matching)
  std::string administrator;                    // triggerchallenge: the admin who asked (audit)
  std::string action = "POST /validate/check";  // audit `action`
  bool saml = false;                            // samlcheck: fill CheckResult::saml_attributes
};

// Reply attributes of a challenge (sms: state, valid_until); a nullopt value renders as JSON null.
using ReplyAttributes = std::map<std::string, std::optional<std::string>>;

// One entry of detail.multi_challenge (§8.1).
struct ChallengeEntry {
  std::string transaction_id, serial, type, client_mode, message;
  // Reply attributes of the token type; nullopt renders as JSON null (hotp/totp).
  std::optional<ReplyAttributes> attributes;
};

// The outcome of a validation: result.value plus the fields of `detail` (the api adds threadid).
struct CheckResult {
  bool value = false;
  int challenges_created = 0;  // triggerchallenge: result.value

  std::optional<std::string> message;
  std::optional<std::string> serial, type;
  std::optional<int> otplen;
  // Present (possibly empty) only when challenges were requested: multi_challenge, messages, transaction_ids,
  // and preferred_client_mode ("interactive" when multi_challenge is non-empty). The last entry's keys are
  // also rendered at the top level of detail (§8.1.2).
  bool has_challenges = false;
  std::vector<ChallengeEntry> multi_challenge;
  std::vector<std::string> messages;
  std::vector<std::string> transaction_ids;

  // samlcheck: the user attributes (§8.2), empty unless ReturnSamlAttributes applies.
  std::map<std::string, std::string> saml_attributes;

  // §2.3's decision, also written to the audit entry: ACCEPT, CHALLENGE or REJECT.
  std::string Authentication() const;
};

// A challenge created for one token (the SMS type: sends the SMS first).
struct ChallengeOutcome {
  // Set when the challenge could not be created (§11.5.4): no challenge row and no multi_challenge entry; its
  // message goes to detail.message or, with request `exception=1`, becomes the error.
  std::optional<PiError> failure;
  std::string audit_note;  // why it failed (or what was done), for the audit entry's info and the log
  // The token counter to store whether or not the challenge was created (sms: incremented before sending).
  std::optional<std::int64_t> count;
  std::string message;                        // shown to the user
  std::optional<ReplyAttributes> attributes;  // reply attributes
  std::string data;                           // stored with the challenge row
  std::chrono::seconds validity{120};
};
struct ChallengeContext {
  const token::TokenRecord& token;
  const users::User* user;     // the owner, when known
  std::string transaction_id;  // the tid the challenge will carry
  std::string incoming_tid;    // the request's transaction_id ("" = none)
  Clock::TimePoint now;
  const policy::Subject& policy;  // who asks, for the type's policies (smstext, ...)
};
// Per token type: how a challenge is created and answered (hotp/totp use the built-in text and lifetime).
// Thread rule: called from many threads at once, with the token's stripe held (see Validator).
class ChallengeHook {
 public:
  virtual ~ChallengeHook() = default;
  virtual ChallengeOutcome Create(const ChallengeContext& context) const = 0;
  // A response that failed the token's OTP window check: true when it matches what challenge row `row` stored
  // (sms.concurrent_challenges, §11.6.3). Default: no fallback.
  virtual bool MatchesChallenge(const token::TokenRecord& /*token*/, const token::Challenge& /*row*/,
                                std::string_view /*otp*/) const {
    return false;
  }
  // After `token` was accepted and its counter `new_count` committed (smsautosend: send the next OTP, §11).
  // Failures are the hook's to log; the accepted validation stands.
  virtual void AfterAccept(const token::TokenRecord& /*token*/, const users::User* /*user*/,
                           std::int64_t /*new_count*/, const policy::Subject& /*policy*/) const {}
};

namespace detail {
struct Plan;
struct Services;
struct Subject;
}  // namespace detail

class Validator {
 public:
  Validator(token::TokenStore& tokens, const token::TokenTypes& types, system::SystemConfig& config,
            policy::PolicyEngine& policies, users::Directory& directory, audit::AuditLog& audit,
            const Clock& clock, ValidatorOptions options = {});
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;
  ~Validator();

  // /validate/check, /validate/radiuscheck, /validate/samlcheck.
  PiResult<CheckResult> Check(const CheckRequest& request);
  // /validate/triggerchallenge (the api has checked the admin JWT): challenges for every active, non-revoked,
  // non-locked token of the user or serial, without PIN check. `pass` is ignored.
  PiResult<CheckResult> TriggerChallenge(const CheckRequest& request);

  // Registers the challenge creation of a token type (issue 6: "sms"). `hook` must outlive the validator.
  void SetChallengeHook(const std::string& type, const ChallengeHook* hook);

  WriteBatcher::Stats write_stats() const { return batcher_.stats(); }

 private:
  PiResult<CheckResult> Run(const CheckRequest& request, bool trigger);
  std::mutex& StripeOf(const std::string& key);
  // Commits `plan` (state + audit entry) in one transaction; `conflict` tells a lost compare-and-set.
  Status Commit(const detail::Plan& plan, bool& conflict);
  // Runs the hooks' AfterAccept for the tokens `plan` accepted (after the commit, without the stripe).
  void AfterAccept(const detail::Plan& plan, const detail::Subject& subject) const;
  detail::Services services() const;

  token::TokenStore& tokens_;
  const token::TokenTypes& types_;
  system::SystemConfig& config_;
  policy::PolicyEngine& policies_;
  users::Directory& directory_;
  audit::AuditLog& audit_;
  const Clock& clock_;
  std::map<std::string, const ChallengeHook*, std::less<>> hooks_;
  std::array<std::mutex, 1024> stripes_;
  WriteBatcher batcher_;
};

}  // namespace osprey::mfa::validate
