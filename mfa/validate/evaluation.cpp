// The decision table of /validate/check (spec §8; privacyIDEA 3.13 lib/token.py check_token_list): each
// candidate token is classified (check_all → response → challenge request → PIN/OTP), and the first non-empty
// bucket decides the outcome and the writes.
#include <algorithm>
#include <cctype>

#include "mfa/validate/evaluation.hpp"
#include "mfa/validate/token_checks.hpp"

namespace osprey::mfa::validate::detail {
namespace {

struct Valid {
  const token::TokenRecord* token;
  token::OtpCheck check;
};
struct Response {
  const token::TokenRecord* token;
  std::vector<token::Challenge> rows;
};
struct Buckets {
  std::vector<Valid> valid;
  std::vector<Response> response;
  std::vector<const token::TokenRecord*> challenge_request;
  std::vector<Valid> pin_matching;  // check.previous tells "previous otp used again"
  std::vector<const token::TokenRecord*> invalid;
  std::vector<std::string> messages;  // check_all
};

CheckResult Accepted(std::string message) {
  CheckResult result;
  result.value = true;
  result.message = std::move(message);
  return result;
}

CheckResult Rejected(std::string message) {
  CheckResult result;
  result.message = std::move(message);
  return result;
}

void SetToken(CheckResult& result, const token::TokenRecord& token, bool with_otplen) {
  result.serial = token.serial;
  result.type = token.tokentype;
  if (with_otplen) result.otplen = token.otplen;
}

token::TokenUpdate AcceptUpdate(const token::TokenRecord& token, const token::OtpCheck& check,
                                const Settings& settings) {
  token::TokenUpdate update;
  update.id = token.id;
  update.expected_count = token.count;
  update.count = check.new_count;
  update.failcount = 0;
  update.info = check.info_update;
  update.count_auth_delta = settings.count_auth ? 1 : 0;
  update.count_auth_success_delta = settings.count_auth ? 1 : 0;
  return update;
}

// privacyIDEA: a user without tokens may still pass by policy (passOnNoToken, then passthru).
PiResult<CheckResult> NoTokens(const Services& services, const CheckRequest& request,
                               const Subject& subject) {
  if (auto name = MatchingPolicyName(services, policy::action::kPassOnNoToken, subject.policy)) {
    return Accepted("user has no token, accepted due to '" + *name + "'");
  }
  auto passthru = services.policies.Values(policy::kScopeAuth, policy::action::kPassthru, subject.policy);
  if (!passthru.empty() && subject.user) {
    const std::string& how = passthru.front();
    // "userstore" or a boolean true; a RADIUS server name is not supported [choice].
    if (how == "userstore" || system::IsTrue(how)) {
      auto ok = services.directory.CheckPassword(*subject.user, *request.pass);
      if (!ok.ok()) return InternalError("user store error: " + ok.error().message());
      if (*ok) {
        auto name = MatchingPolicyName(services, policy::action::kPassthru, subject.policy);
        return Accepted("against userstore due to '" + name.value_or("") + "'");
      }
    }
  }
  return Rejected("The user has no tokens assigned");
}

// /validate/check with otponly=1 and a serial: the OTP alone (privacyIDEA check_otp).
PiResult<CheckResult> OtpOnly(const Services& services, const CheckRequest& request,
                              const token::TokenRecord& token, const Settings& settings, Plan& plan) {
  if (token.revoked || token.locked) {
    return CodedError(1007, "This action is not possible, since the token is locked");
  }
  const Clock::TimePoint now = services.clock.Now();
  auto check = CheckOtp(services, token, request.pass->view(), now, settings);
  if (!check.ok()) return check.error();
  // A disabled token does not authenticate, not even by its OTP alone [choice].
  if (!token.active || !check->matched) return Rejected("OTP verification failed.");
  token::TokenUpdate update = AcceptUpdate(token, *check, settings);
  update.failcount = token.failcount;  // check_otp leaves the fail counter alone
  plan.updates.push_back(std::move(update));
  CheckResult result;
  result.value = true;
  result.serial = token.serial;
  return result;
}

class Classifier {
 public:
  Classifier(const Services& services, const CheckRequest& request, const Subject& subject,
             const Settings& settings)
      : services_(services),
        request_(request),
        subject_(subject),
        settings_(settings),
        pins_(services, subject),
        now_(services.clock.Now()),
        trigger_types_(ChallengeResponseTypes(services, subject)) {}

  // Classifies `token` (after check_all) into `buckets`.
  PiStatus Classify(const token::TokenRecord& token, Buckets& buckets) {
    const std::string_view pass = request_.pass->view();
    if (!request_.transaction_id.empty()) {
      auto rows = services_.tokens.FindChallenges(token.serial, request_.transaction_id);
      if (!rows.ok()) return InternalError("database error: " + rows.error().message());
      if (rows->empty()) {
        buckets.invalid.push_back(&token);
      } else {
        buckets.response.push_back({&token, std::move(*rows)});
      }
      return PiOk();
    }
    if (MayTrigger(token) && pins_.Matches(token, pass)) {
      buckets.challenge_request.push_back(&token);
      return PiOk();
    }
    const std::size_t otplen = static_cast<std::size_t>(std::max(token.otplen, 0));
    if (pass.size() < otplen || token.locked) {
      buckets.invalid.push_back(&token);
      return PiOk();
    }
    const std::string_view otp =
        settings_.prepend_pin ? pass.substr(pass.size() - otplen) : pass.substr(0, otplen);
    const std::string_view pin =
        settings_.prepend_pin ? pass.substr(0, pass.size() - otplen) : pass.substr(otplen);
    if (!pins_.Matches(token, pin)) {
      buckets.invalid.push_back(&token);
      return PiOk();
    }
    auto check = CheckOtp(services_, token, otp, now_, settings_);
    if (!check.ok()) return check.error();
    (check->matched ? buckets.valid : buckets.pin_matching).push_back({&token, std::move(*check)});
    return PiOk();
  }

  bool MayTrigger(const token::TokenRecord& token) const {
    const token::TokenType* type = services_.types.Find(token.tokentype);
    if (type != nullptr && type->AlwaysChallenges()) return true;
    return std::any_of(trigger_types_.begin(), trigger_types_.end(),
                       [&](const std::string& t) { return EqualsIgnoreCase(t, token.tokentype); });
  }

  Clock::TimePoint now() const { return now_; }

 private:
  const Services& services_;
  const CheckRequest& request_;
  const Subject& subject_;
  const Settings& settings_;
  PinChecker pins_;
  Clock::TimePoint now_;
  std::vector<std::string> trigger_types_;
};

// Records an acceptance: the compare-and-set update, and the token for its hook's AfterAccept.
void Accept(const Services& services, const token::TokenRecord& token, const token::OtpCheck& check,
            const Settings& settings, Plan& plan) {
  token::TokenUpdate update = AcceptUpdate(token, check, settings);
  if (HookOf(services, token) != nullptr) plan.accepted.push_back({token, update.count});
  plan.updates.push_back(std::move(update));
}

CheckResult DecideValid(const Services& services, const Buckets& b, const Settings& settings, Plan& plan) {
  CheckResult result = Accepted("matching " + std::to_string(b.valid.size()) + " tokens");
  for (const Valid& v : b.valid) Accept(services, *v.token, v.check, settings, plan);
  if (b.valid.size() == 1) {
    SetToken(result, *b.valid.front().token, true);
  } else {
    const bool same = std::all_of(b.valid.begin(), b.valid.end(), [&](const Valid& v) {
      return v.token->tokentype == b.valid[0].token->tokentype;
    });
    result.type = same ? b.valid[0].token->tokentype : "undetermined";
  }
  return result;
}

// sms.concurrent_challenges: a live challenge row that stored its own OTP accepts it.
bool MatchesStoredChallenge(const Services& services, const Response& r, std::string_view otp,
                            Clock::TimePoint now) {
  const ChallengeHook* hook = HookOf(services, *r.token);
  if (hook == nullptr) return false;
  return std::any_of(r.rows.begin(), r.rows.end(), [&](const token::Challenge& c) {
    return now < c.expiration && !c.data.empty() && hook->MatchesChallenge(*r.token, c, otp);
  });
}

PiResult<CheckResult> DecideResponse(const Services& services, const CheckRequest& request, const Buckets& b,
                                     const Settings& settings, Clock::TimePoint now, Plan& plan) {
  for (const Response& r : b.response) plan.purge_serials.push_back(r.token->serial);
  for (const Response& r : b.response) {
    const bool live = std::any_of(r.rows.begin(), r.rows.end(),
                                  [&](const token::Challenge& c) { return now < c.expiration; });
    if (!live) continue;
    auto check = CheckOtp(services, *r.token, request.pass->view(), now, settings);
    if (!check.ok()) return check.error();
    if (!check->matched && MatchesStoredChallenge(services, r, request.pass->view(), now)) {
      check->matched = true;  // from the challenge's own OTP: the counter stays (§11.6.3)
      check->new_count = r.token->count;
    }
    if (!check->matched) continue;
    Accept(services, *r.token, *check, settings, plan);
    plan.delete_transaction = request.transaction_id;
    CheckResult result = Accepted("Found matching challenge");
    result.serial = r.token->serial;
    return result;
  }
  for (const Response& r : b.response) {
    plan.fails.push_back({*r.token, false});
    for (const token::Challenge& c : r.rows) plan.bump_challenges.push_back(c.id);
  }
  if (b.response.size() == 1) {
    CheckResult result = Rejected("Response did not match the challenge.");
    SetToken(result, *b.response.front().token, false);
    return result;
  }
  return Rejected("Response did not match for " + std::to_string(b.response.size()) + " tokens.");
}

CheckResult DecidePinMatching(const Buckets& b, const Settings& settings, Clock::TimePoint now, Plan& plan) {
  CheckResult result = Rejected("wrong otp value");
  for (const Valid& v : b.pin_matching) {
    plan.fails.push_back({*v.token, settings.count_auth});
    if (settings.reset_on_pin && FailcounterClearDue(*v.token, v.token->failcount + 1, settings, now)) {
      plan.post_resets.push_back(v.token->id);
    }
  }
  if (b.pin_matching.size() == 1) {
    if (b.pin_matching.front().check.previous) *result.message += ". previous otp used again";
    SetToken(result, *b.pin_matching.front().token, true);
  }
  return result;
}

CheckResult DecideInvalid(const Buckets& b, const Settings& settings, Plan& plan) {
  if (settings.inc_fail_on_false_pin) {
    for (const token::TokenRecord* t : b.invalid) plan.fails.push_back({*t, settings.count_auth});
  }
  return Rejected("wrong otp pin");
}

std::string JoinDistinct(const std::vector<std::string>& messages) {
  std::vector<std::string> seen;
  std::string out;
  for (const std::string& m : messages) {
    if (std::find(seen.begin(), seen.end(), m) != seen.end()) continue;
    if (!seen.empty()) out += ", ";
    out += m;
    seen.push_back(m);
  }
  return out;
}

}  // namespace

const ChallengeHook* HookOf(const Services& services, const token::TokenRecord& token) {
  std::string type(token.tokentype);
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  auto hook = services.hooks.find(type);
  return hook == services.hooks.end() ? nullptr : hook->second;
}

PiResult<CheckResult> Evaluate(const Services& services, const CheckRequest& request, const Subject& subject,
                               Plan& plan) {
  if (subject.pass_on_no_user) {
    return Accepted("user does not exist, accepted due to '" + *subject.pass_on_no_user + "'");
  }
  auto loaded = LoadTokens(services, request, subject);
  if (!loaded.ok()) return loaded.error();
  std::vector<token::TokenRecord>& tokens = *loaded;
  const Settings settings = ReadSettings(services.config);
  if (!subject.by_serial && tokens.empty()) return NoTokens(services, request, subject);
  if (subject.by_serial && request.otponly) return OtpOnly(services, request, tokens.front(), settings, plan);

  std::erase_if(tokens, [](const token::TokenRecord& t) { return t.revoked; });
  if (tokens.empty()) return CodedError(1007, "This action is not possible, since the token is locked");

  Classifier classifier(services, request, subject, settings);
  const Clock::TimePoint now = classifier.now();
  Buckets b;
  for (token::TokenRecord& token : tokens) {
    if (auto message = CheckAll(token, settings, now, plan)) {
      b.messages.push_back(*message);
      continue;
    }
    PiStatus classified = classifier.Classify(token, b);
    if (!classified.ok()) return classified.error();
  }

  if (!b.valid.empty()) return DecideValid(services, b, settings, plan);
  if (!b.response.empty()) return DecideResponse(services, request, b, settings, now, plan);
  if (!b.challenge_request.empty()) {
    if (IncreaseFailcounterOnChallenge(services, subject)) {
      for (const token::TokenRecord* t : b.challenge_request) plan.fails.push_back({*t, false});
    }
    return CreateChallenges(services, request, subject, b.challenge_request, plan);
  }
  if (!b.pin_matching.empty()) return DecidePinMatching(b, settings, now, plan);
  if (!b.invalid.empty()) return DecideInvalid(b, settings, plan);
  if (!b.messages.empty()) return Rejected(JoinDistinct(b.messages));
  return Rejected("No suitable token found for authentication.");
}

}  // namespace osprey::mfa::validate::detail
