// Internals of the Validator (validator.hpp): who a request is about (Subject), what it will write (Plan),
// and the decision table of spec §8 / §9 (Evaluate, Trigger), which only reads and fills a Plan; the
// Validator commits the Plan with the audit entry in one transaction. Thread rule: plain values and pure
// functions over the services (which are thread-safe).
#pragma once

#include <cstdint>
#include <map>
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
#include "mfa/validate/validator.hpp"
#include "osprey/core/clock.hpp"

namespace osprey::mfa::validate::detail {

struct Services {
  token::TokenStore& tokens;
  const token::TokenTypes& types;
  system::SystemConfig& config;
  policy::PolicyEngine& policies;
  users::Directory& directory;
  const Clock& clock;
  const std::map<std::string, const ChallengeHook*, std::less<>>& hooks;
};

// The resolved request: a user (by login), or a serial (with the token's owner, when it has one).
struct Subject {
  bool by_serial = false;
  std::optional<users::User> user;     // the given user, or the serial's owner
  std::string login, realm, resolver;  // as resolved (audit, messages), also when the user is unknown
  std::string serial;
  std::optional<std::string> pass_on_no_user;  // the passOnNoUser policy that accepts an unknown user
  policy::Subject policy;                      // for policy matching
  std::string lock_key;                        // the stripe: "u:<resolver>/<uid>" or "s:<serial>"
};

// Everything a validation writes, applied in this order inside one transaction.
struct Plan {
  std::vector<std::int64_t> resets;  // fail counter cleared (failcounter_clear_timeout) before the check
  std::vector<token::TokenUpdate> updates;  // accepted tokens: compare-and-set on the counter
  struct Fail {
    token::TokenRecord token;
    bool count_auth = false;
  };
  std::vector<Fail> fails;                    // failcount + 1
  std::vector<std::int64_t> post_resets;      // ResetFailcounterOnPIN after the increment
  std::vector<token::Challenge> challenges;   // new challenge rows
  std::string delete_transaction;             // a consumed transaction id ("" = none)
  std::vector<std::int64_t> bump_challenges;  // received_count + 1
  std::vector<std::string> purge_serials;     // expired challenges removed
  // Counters advanced by challenge hooks (sms: before sending); kept, unlike the rest, when the result is an
  // error (exception=1), because the SMS may have gone out.
  std::vector<token::TokenUpdate> trigger_counts;
  std::vector<std::string> audit_notes;  // appended to the audit entry's info
  struct Accepted {
    token::TokenRecord token;
    std::int64_t new_count = 0;
  };
  std::vector<Accepted> accepted;  // for ChallengeHook::AfterAccept, once committed
  audit::AuditEntry audit;
};

// Resolves user/realm/resolver/serial (ERR905, ERR904, 404 as the spec says). `trigger`: triggerchallenge
// (no `pass` needed, no passOnNoUser).
PiResult<Subject> Resolve(const Services& services, const CheckRequest& request, bool trigger);

// /validate/check: the §8 decision for the subject's tokens at the time of the call; fills `plan` (but not
// plan.audit).
PiResult<CheckResult> Evaluate(const Services& services, const CheckRequest& request, const Subject& subject,
                               Plan& plan);

// /validate/triggerchallenge (§9).
PiResult<CheckResult> Trigger(const Services& services, const CheckRequest& request, const Subject& subject,
                              Plan& plan);

// The challenge hook of `token`'s type (case-insensitive), or nullptr (hotp/totp).
const ChallengeHook* HookOf(const Services& services, const token::TokenRecord& token);

// The name of a matching policy that sets `action` in the authentication scope (for privacyIDEA's "accepted
// due to '<name>'" messages), or nullopt.
std::optional<std::string> MatchingPolicyName(const Services& services, std::string_view action,
                                              const policy::Subject& subject);

// privacyIDEA's timestamps as stored in tokeninfo ("2025-01-02T03:04:05.123456+0100", "2025-01-02 03:04",
// "...Z"); no offset = UTC. nullopt when unparseable.
std::optional<Clock::TimePoint> ParseTimestamp(std::string_view text);

}  // namespace osprey::mfa::validate::detail
