// Policies with privacyIDEA's model (spec privacyidea-api.md §6 of issue 5; privacyIDEA 3.13 lib/policy.py):
// a named policy has a scope (admin, user, authentication, authorization, enrollment, webui), a set of
// actions (each with a value; boolean actions hold true), conditions on realm, resolver, user, client
// address, admin realm/user, a priority (1 = highest) and an active flag.
//
// Matching a request (PolicyEngine::Match): active policies of the scope whose action set contains the action
// and whose realm / resolver / user / client lists match (an empty list matches everything; entries may be
// negated with a leading "!", user and realm compare case-insensitively, `*` wildcards; client entries are IP
// addresses or networks, "!" excludes); of those, only the ones with the best (lowest) priority count.
// The list rules in detail (a list of exclusions only matches everyone else; "-" negates like "!") are in
// policy_match.hpp.
//
// Rights (admin and user scopes): an action is allowed iff some matching policy grants it; when no active
// policy of that scope exists at all, everything is allowed (privacyIDEA's default for admins; for users as
// well).
//
// Reads use an in-memory snapshot refreshed after local writes and at most `reload_interval` after another
// process changed the table.
// Errors: kInvalidArgument (bad name, unknown scope, malformed client network), kNotFound,
// kUnavailable/kInternal. Ownership: refers to db and clock. Thread rule: any thread, any member.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "osprey/sql/cached_tables.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::policy {

// Tables of this module (component "mfa_policy").
const sql::MigrationSet& PolicyMigrations();

// Scope names as privacyIDEA spells them.
inline constexpr std::string_view kScopeAdmin = "admin";
inline constexpr std::string_view kScopeUser = "user";
inline constexpr std::string_view kScopeAuth = "authentication";
inline constexpr std::string_view kScopeAuthz = "authorization";
inline constexpr std::string_view kScopeEnroll = "enrollment";
inline constexpr std::string_view kScopeWebui = "webui";

struct Policy {
  std::string name;
  std::string scope;
  bool active = true;
  int priority = 1;
  // action -> value; a boolean action ("passthru") holds "true". Parsed from privacyIDEA's action string
  // "challenge_response=hotp totp, passthru" or a JSON object.
  std::map<std::string, std::string> actions;
  std::vector<std::string> realms, resolvers, users, clients, admin_realms, admin_users, pinodes;
  bool check_all_resolvers = false;
  std::string description;
  std::string
      time;  // privacyIDEA's time condition text; stored and shown, "" = always [choice: not evaluated]
};

// What a request looks like to the matcher. An empty field (no user known) matches only policies without a
// positive condition on it.
struct Subject {
  std::string realm, resolver, user;
  std::string client;                   // the client IP address
  std::string admin_realm, admin_user;  // admin scope: who the admin is
};

struct PolicyEngineOptions {
  std::chrono::milliseconds reload_interval{1000};
};

class PolicyEngine {
 public:
  PolicyEngine(sql::Database& db, const Clock& clock, PolicyEngineOptions options = {});
  PolicyEngine(const PolicyEngine&) = delete;
  PolicyEngine& operator=(const PolicyEngine&) = delete;
  ~PolicyEngine();

  // --- matching (hot path, served from the snapshot) ---
  // Values of `action` in the matching policies of the best priority, distinct, in policy-name order. Empty
  // when no policy matches. For list-valued actions (challenge_response=hotp totp) callers split on blanks.
  // A value in single quotes ('Your OTP: <otp>') is returned without them, as privacyIDEA's get_action_values
  // does.
  std::vector<std::string> Values(std::string_view scope, std::string_view action,
                                  const Subject& subject) const;
  // True when some matching policy sets `action` (any value).
  bool IsSet(std::string_view scope, std::string_view action, const Subject& subject) const;
  // The rights rule above for scope admin or user.
  bool Allowed(std::string_view scope, std::string_view action, const Subject& subject) const;
  // Every action the subject is allowed in `scope` (for /auth `rights`); with no policy of the scope, `all`.
  std::vector<std::string> Rights(std::string_view scope, const Subject& subject,
                                  const std::vector<std::string>& all) const;

  // --- management (/policy/ endpoints, CLI) ---
  // Creates or replaces the policy `policy.name`; returns its id.
  Result<std::int64_t> Set(const Policy& policy);
  Result<Policy> Get(std::string_view name) const;
  // All policies, in name order; filters are exact when non-empty.
  Result<std::vector<Policy>> List(std::string_view scope = {}, std::optional<bool> active = {}) const;
  // Returns the id of the deleted policy.
  Result<std::int64_t> Delete(std::string_view name);
  // Returns the policy id.
  Result<std::int64_t> SetActive(std::string_view name, bool active);

  // Parses privacyIDEA's action string: "a=1, b, c=x y" → {a:"1", b:"true", c:"x y"}. kInvalidArgument on an
  // empty action name.
  static Result<std::map<std::string, std::string>> ParseActions(std::string_view text);

 private:
  struct Snapshot;
  std::shared_ptr<const Snapshot> Current() const;
  void Changed() const;  // after a local write: drop the snapshot

  sql::Database& db_;
  sql::CachedTables<Snapshot> cache_;
};

// Action names this issue and issue 6 use.
namespace action {
inline constexpr std::string_view kChallengeResponse = "challenge_response";  // authentication: "hotp totp"
inline constexpr std::string_view kOtpPin = "otppin";                         // tokenpin | userstore | none
inline constexpr std::string_view kPassthru = "passthru";
inline constexpr std::string_view kPassOnNoToken = "passOnNoToken";
inline constexpr std::string_view kPassOnNoUser = "passOnNoUser";
inline constexpr std::string_view kChallengeText = "challenge_text";
inline constexpr std::string_view kSmsText = "smstext";
inline constexpr std::string_view kSmsChallengeText = "sms_challenge_text";
inline constexpr std::string_view kSmsAutoSend = "smsautosend";
inline constexpr std::string_view kSmsGateways = "sms_gateways";
inline constexpr std::string_view kIncreaseFailcounterOnChallenge = "increase_failcounter_on_challenge";
// Osprey's anti-pumping limits (authentication scope, docs/sms.md): "<count>/<seconds>" SMS per user and per
// destination number, "<count>/<seconds>/<digits>" per number prefix of that many digits.
inline constexpr std::string_view kSmsLimitUser = "osprey_sms_limit_user";
inline constexpr std::string_view kSmsLimitNumber = "osprey_sms_limit_number";
inline constexpr std::string_view kSmsLimitPrefix = "osprey_sms_limit_prefix";
}  // namespace action

}  // namespace osprey::mfa::policy
