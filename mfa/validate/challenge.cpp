// Challenge creation (spec §8.1) and /validate/triggerchallenge (§9).
#include <algorithm>

#include "mfa/validate/token_checks.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::validate::detail {
namespace {

const char kDefaultChallengeText[] = "please enter otp: ";

std::map<std::string, std::string> TagsOf(const Subject& subject, const token::TokenRecord& token) {
  std::map<std::string, std::string> tags{{"serial", token.serial}, {"tokentype", token.tokentype}};
  if (subject.user) {
    const users::UserInfo& info = subject.user->info;
    tags["user"] = info.givenname;
    tags["givenname"] = info.givenname;
    tags["surname"] = info.surname;
    tags["username"] = info.username;
    tags["userrealm"] = subject.user->realm;
  }
  return tags;
}

// Python's str.format_map with a defaultdict(str): "{name}" → the tag or "", "{{" / "}}" → a brace.
std::string ReplaceTags(std::string_view text, const std::map<std::string, std::string>& tags) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '{') {
      const std::size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        auto it = tags.find(std::string(text.substr(i + 1, close - i - 1)));
        if (it != tags.end()) out += it->second;
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string ChallengeText(const Services& services, const Subject& subject, const token::TokenRecord& token) {
  auto values = services.policies.Values(policy::kScopeAuth, policy::action::kChallengeText, subject.policy);
  std::string text = values.empty() ? kDefaultChallengeText : values.front();
  for (std::size_t at = text.find("\\,"); at != std::string::npos; at = text.find("\\,", at + 1)) {
    text.replace(at, 2, ",");
  }
  return ReplaceTags(text, TagsOf(subject, token));
}

// hotp/totp: HotpChallengeValidityTime / TotpChallengeValidityTime, else DefaultChallengeValidityTime (120).
std::chrono::seconds ValidityOf(const system::SystemConfig& config, const token::TokenRecord& token) {
  const std::int64_t fallback = config.GetInt("DefaultChallengeValidityTime", 120);
  std::int64_t seconds = fallback;
  if (EqualsIgnoreCase(token.tokentype, "hotp"))
    seconds = config.GetInt("HotpChallengeValidityTime", fallback);
  if (EqualsIgnoreCase(token.tokentype, "totp"))
    seconds = config.GetInt("TotpChallengeValidityTime", fallback);
  return std::chrono::seconds(seconds);
}

ChallengeOutcome OutcomeFor(const Services& services, const CheckRequest& request, const Subject& subject,
                            const token::TokenRecord& token, const std::string& tid, Clock::TimePoint now) {
  if (const ChallengeHook* hook = HookOf(services, token)) {
    const users::User* user = subject.user ? &*subject.user : nullptr;
    // A hook may block (an SMS sent over HTTP): the request's read snapshot and its pooled session are not
    // held across it. The scope is ended, not restarted: a restarted scope would lease a session again for
    // the hook's own reads (the gateway definition) and keep it through the send, and with as many triggers
    // in flight as the pool has sessions, a gateway in the same process could not store the SMS.
    if (sql::ReadScope* reads = sql::ReadScope::Active(services.tokens.db())) reads->End();
    return hook->Create(ChallengeContext{token, user, tid, request.transaction_id, now, subject.policy});
  }
  ChallengeOutcome outcome;
  outcome.message = ChallengeText(services, subject, token);
  outcome.validity = ValidityOf(services.config, token);
  return outcome;
}

}  // namespace

PiResult<CheckResult> CreateChallenges(const Services& services, const CheckRequest& request,
                                       const Subject& subject,
                                       const std::vector<const token::TokenRecord*>& tokens, Plan& plan) {
  CheckResult result;
  result.has_challenges = true;
  const std::string tid = crypto::RandomDigits(20);
  const Clock::TimePoint now = services.clock.Now();
  for (const token::TokenRecord* token : tokens) {
    auto outcome = OutcomeFor(services, request, subject, *token, tid, now);
    if (outcome.count) {
      token::TokenUpdate update;
      update.id = token->id;
      update.expected_count = token->count;
      update.count = *outcome.count;
      update.failcount = token->failcount;
      plan.trigger_counts.push_back(std::move(update));
    }
    if (!outcome.audit_note.empty()) plan.audit_notes.push_back(outcome.audit_note);
    if (outcome.failure) {
      if (request.exception) return InternalError(outcome.failure->message);
      result.messages.push_back(outcome.failure->message);
      continue;
    }
    token::Challenge row;
    row.transaction_id = tid;
    row.serial = token->serial;
    row.data = outcome.data;
    row.challenge = outcome.message;
    row.created = now;
    row.expiration = now + outcome.validity;
    plan.challenges.push_back(row);
    plan.purge_serials.push_back(token->serial);
    const token::TokenType* type = services.types.Find(token->tokentype);
    ChallengeEntry entry{tid,
                         token->serial,
                         token->tokentype,
                         type ? type->ClientMode() : "interactive",
                         outcome.message,
                         outcome.attributes};
    result.messages.push_back(entry.message);
    result.transaction_ids.push_back(tid);
    result.multi_challenge.push_back(std::move(entry));
  }
  std::vector<std::string> distinct;
  for (const std::string& m : result.messages) {
    if (std::find(distinct.begin(), distinct.end(), m) == distinct.end()) distinct.push_back(m);
  }
  if (!distinct.empty()) {
    std::string joined;
    for (const std::string& m : distinct) joined += (joined.empty() ? "" : ", ") + m;
    result.message = joined;
  }
  result.challenges_created = static_cast<int>(result.multi_challenge.size());
  return result;
}

PiResult<CheckResult> Trigger(const Services& services, const CheckRequest& request, const Subject& subject,
                              Plan& plan) {
  auto loaded = LoadTokens(services, request, subject);
  if (!loaded.ok()) return loaded.error();
  std::vector<token::TokenRecord>& tokens = *loaded;
  std::erase_if(tokens, [&](const token::TokenRecord& t) {
    return !t.active || t.revoked || t.locked || services.types.Find(t.tokentype) == nullptr;
  });
  const Settings settings = ReadSettings(services.config);
  const Clock::TimePoint now = services.clock.Now();
  std::vector<std::string> unfit;
  std::vector<const token::TokenRecord*> fit;
  for (token::TokenRecord& token : tokens) {
    if (auto message = CheckAll(token, settings, now, plan)) {
      unfit.push_back(*message);
    } else {
      fit.push_back(&token);
    }
  }
  auto result = CreateChallenges(services, request, subject, fit, plan);
  if (!result.ok()) return result;
  if (!unfit.empty()) {
    result->messages.insert(result->messages.begin(), unfit.begin(), unfit.end());
    std::string joined;
    for (const std::string& m : result->messages) {
      if (joined.find(m) == std::string::npos) joined += (joined.empty() ? "" : ", ") + m;
    }
    result->message = joined;
  }
  result->value = result->challenges_created > 0;
  return result;
}

}  // namespace osprey::mfa::validate::detail
