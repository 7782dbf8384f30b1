#include "mfa/validate/token_checks.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace osprey::mfa::validate::detail {
namespace {

std::optional<std::int64_t> InfoInt(const token::TokenRecord& token, std::string_view key) {
  const std::string text = token.Info(key);
  if (text.empty()) return std::nullopt;
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// privacyIDEA's rollout states of a token that is not usable yet.
bool NotYetEnrolled(const token::TokenRecord& token) {
  return token.rollout_state == "clientwait" || token.rollout_state == "pending";
}

bool OutsideValidity(const token::TokenRecord& token, Clock::TimePoint now) {
  const std::string start = token.Info("validity_period_start");
  const std::string end = token.Info("validity_period_end");
  if (!start.empty()) {
    auto t = ParseTimestamp(start);
    if (t && now < *t) return true;
  }
  if (!end.empty()) {
    auto t = ParseTimestamp(end);
    if (t && now > *t) return true;
  }
  return false;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Settings ReadSettings(const system::SystemConfig& config) {
  Settings s;
  s.prepend_pin = config.GetBool("PrependPin", true);
  s.inc_fail_on_false_pin = config.GetBool("IncFailCountOnFalsePin", true);
  s.reset_on_pin = config.GetBool("ResetFailcounterOnPIN", false);
  s.count_auth = !config.GetBool("no_auth_counter", false);
  s.clear_timeout_minutes = config.GetInt("failcounter_clear_timeout", 0);
  s.defaults.hotp_hashlib = config.GetOr("hotp.hashlib", "sha1");
  s.defaults.totp_hashlib = config.GetOr("totp.hashlib", "sha1");
  s.defaults.totp_time_step = static_cast<int>(config.GetInt("totp.timeStep", 30));
  s.defaults.totp_time_window = static_cast<int>(config.GetInt("totp.timeWindow", 180));
  return s;
}

PiResult<std::vector<token::TokenRecord>> LoadTokens(const Services& services, const CheckRequest& request,
                                                     const Subject& subject) {
  std::vector<token::TokenRecord> tokens;
  if (subject.by_serial) {
    auto token = services.tokens.Get(subject.serial);
    if (!token.ok()) return InternalError("database error: " + token.error().message());
    if (!token->has_value()) return NotFoundError("The requested token could not be found.");
    tokens.push_back(std::move(**token));
    return tokens;
  }
  auto owned = services.tokens.ListOwned(subject.user->resolver, subject.user->info.uid);
  if (!owned.ok()) return InternalError("database error: " + owned.error().message());
  tokens = std::move(*owned);
  if (!request.type.empty()) {
    std::erase_if(tokens,
                  [&](const token::TokenRecord& t) { return !EqualsIgnoreCase(t.tokentype, request.type); });
  }
  return tokens;
}

bool FailcounterClearDue(const token::TokenRecord& token, int failcount, const Settings& settings,
                         Clock::TimePoint now) {
  if (settings.clear_timeout_minutes <= 0 || failcount < token.maxfail) return false;
  auto exceeded = ParseTimestamp(token.Info("failcounter_exceeded"));
  if (!exceeded) return false;
  return now >= *exceeded + std::chrono::minutes(settings.clear_timeout_minutes);
}

std::optional<std::string> CheckAll(token::TokenRecord& token, const Settings& settings, Clock::TimePoint now,
                                    Plan& plan) {
  const auto auth_max = InfoInt(token, "count_auth_max");
  const auto success_max = InfoInt(token, "count_auth_success_max");
  if ((auth_max && token.count_auth >= *auth_max) ||
      (success_max && token.count_auth_success >= *success_max)) {
    return "Authentication counter exceeded";
  }
  if (!token.active) return "Token is disabled";
  if (token.failcount >= token.maxfail) {
    if (!FailcounterClearDue(token, token.failcount, settings, now)) return "Failcounter exceeded";
    plan.resets.push_back(token.id);
    token.failcount = 0;
  }
  if (OutsideValidity(token, now)) return "Outside validity period";
  if (NotYetEnrolled(token)) return "Token is not yet enrolled";
  return std::nullopt;
}

PiResult<token::OtpCheck> CheckOtp(const Services& services, const token::TokenRecord& token,
                                   std::string_view otp, Clock::TimePoint now, const Settings& settings) {
  if (token.otplen <= 0 || otp.size() != static_cast<std::size_t>(token.otplen)) return token::OtpCheck{};
  const token::TokenType* type = services.types.Find(token.tokentype);
  if (type == nullptr) return token::OtpCheck{};
  auto key = services.tokens.OpenKey(token);
  if (!key.ok()) return InternalError("cannot open the key of token " + token.serial);
  return type->Check(token, *key, otp, now, settings.defaults);
}

PinChecker::PinChecker(const Services& services, const Subject& subject)
    : services_(services), subject_(subject) {
  auto values = services.policies.Values(policy::kScopeAuth, policy::action::kOtpPin, subject.policy);
  if (!values.empty()) mode_ = values.front();
}

bool PinChecker::Matches(const token::TokenRecord& token, std::string_view pin) {
  if (mode_ == "none") return pin.empty();
  if (mode_ != "userstore") return services_.tokens.CheckPin(token, pin);
  if (!subject_.user) return false;
  for (const auto& [known, answer] : checked_) {
    if (known.Equals(pin)) return answer;
  }
  Secret password(pin);
  auto ok = services_.directory.CheckPassword(*subject_.user, password);
  const bool matches = ok.ok() && *ok;
  checked_.emplace_back(std::move(password), matches);
  return matches;
}

std::vector<std::string> ChallengeResponseTypes(const Services& services, const Subject& subject) {
  std::vector<std::string> types;
  for (const std::string& value :
       services.policies.Values(policy::kScopeAuth, policy::action::kChallengeResponse, subject.policy)) {
    std::istringstream words(value);
    std::string word;
    while (words >> word) types.push_back(word);
  }
  return types;
}

bool IncreaseFailcounterOnChallenge(const Services& services, const Subject& subject) {
  auto values = services.policies.Values(policy::kScopeAuth, policy::action::kIncreaseFailcounterOnChallenge,
                                         subject.policy);
  return std::any_of(values.begin(), values.end(), [](const std::string& v) { return system::IsTrue(v); });
}

}  // namespace osprey::mfa::validate::detail
