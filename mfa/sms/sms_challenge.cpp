#include "mfa/sms/sms_challenge.hpp"

#include <ctime>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "mfa/token/sms_type.hpp"
#include "osprey/core/otp.hpp"

namespace osprey::mfa::sms {
namespace {

std::tm LocalTm(Clock::TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(t));
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return tm;
}

std::string FirstValue(const policy::PolicyEngine& policies, std::string_view action,
                       const policy::Subject& subject, std::string_view fallback) {
  auto values = policies.Values(policy::kScopeAuth, action, subject);
  return values.empty() ? std::string(fallback) : values.front();
}

// The challenge's OTP is kept as a keyed hash bound to the token and the transaction.
std::string OtpHashContext(const token::TokenRecord& token, std::string_view tid) {
  return "sms-challenge/" + token.serial + "/" + std::string(tid);
}

}  // namespace

std::string LocalTimestamp(Clock::TimePoint t) {
  const std::tm tm = LocalTm(t);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  std::string text = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (micros != 0) text += fmt::format(".{:06}", micros);
  return text;
}

TextTags SmsTags(const token::TokenRecord& token, const users::User* user, Clock::TimePoint now) {
  const std::tm tm = LocalTm(now);
  TextTags tags{{"serial", token.serial},
                {"tokentype", token.tokentype},
                {"time", fmt::format("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec)},
                {"date", fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)},
                {"url", ""},
                {"challenge", ""},
                {"admin", ""},
                {"realm", ""},
                {"action", ""},
                {"ua_browser", ""},
                {"ua_string", ""}};
  for (const char* none : {"tokendescription", "registrationcode", "client_ip", "pin", "googleurl_value",
                           "googleurl_img", "recipient_givenname", "recipient_surname"}) {
    tags[none] = std::nullopt;
  }
  const users::UserInfo empty;
  const users::UserInfo& info = user != nullptr ? user->info : empty;
  for (const char* key : {"user", "givenname"})
    tags[key] = user ? std::optional(info.givenname) : std::nullopt;
  tags["surname"] = user ? std::optional(info.surname) : std::nullopt;
  tags["username"] = user ? std::optional(info.username) : std::nullopt;
  tags["userrealm"] = user ? std::optional(user->realm) : std::nullopt;
  return tags;
}

SmsChallengeHook::SmsChallengeHook(const token::TokenStore& tokens, SmsSender& sender,
                                   const system::SystemConfig& config, const policy::PolicyEngine& policies,
                                   const crypto::KeyedHasher& hasher, const Clock& clock)
    : tokens_(tokens),
      sender_(sender),
      config_(config),
      policies_(policies),
      hasher_(hasher),
      clock_(clock) {}

SmsChallengeHook::Sent SmsChallengeHook::SendOtp(const token::TokenRecord& token, const users::User* user,
                                                 std::int64_t count, const policy::Subject& policy,
                                                 Clock::TimePoint now) const {
  Sent sent;
  sent.phone = token::SmsPhoneOf(token, user != nullptr ? user->info.mobile : "");
  if (sent.phone.empty()) {
    sent.status = Error(ErrorCode::kFailedPrecondition, "the token has no phone number");
    return sent;
  }
  auto key = tokens_.OpenKey(token);
  if (!key.ok()) {
    sent.status = Error(ErrorCode::kInternal, "cannot open the key of token " + token.serial);
    return sent;
  }
  sent.otp = otp::Hotp(key->bytes(), static_cast<std::uint64_t>(count), token.otplen,
                       token::TokenHash(token, "sha1"));
  TextTags tags = SmsTags(token, user, now);
  tags["otp"] = sent.otp;
  auto recipient_names = [&](const char* key, const std::string& value) {
    tags[key] = user != nullptr ? std::optional(value) : std::nullopt;
  };
  recipient_names("recipient_givenname", user != nullptr ? user->info.givenname : "");
  recipient_names("recipient_surname", user != nullptr ? user->info.surname : "");
  auto text = RenderSmsText(FirstValue(policies_, policy::action::kSmsText, policy, kDefaultSmsText), tags);
  if (!text.ok()) {
    sent.status = text.error();
    return sent;
  }
  std::string gateway = token.Info("sms.identifier");
  if (gateway.empty()) gateway = config_.GetOr("sms.identifier", "");
  SmsMessage message{gateway, sent.phone, *text, user != nullptr ? user->resolver + "/" + user->info.uid : "",
                     &policy, sent.otp};
  sent.status = sender_.Send(message).status;
  return sent;
}

validate::ChallengeOutcome SmsChallengeHook::Create(const validate::ChallengeContext& context) const {
  const token::TokenRecord& token = context.token;
  validate::ChallengeOutcome outcome;
  outcome.count = token.count + 1;  // §11.2: first the counter, then the SMS with that counter's OTP
  Sent sent = SendOtp(token, context.user, *outcome.count, context.policy, context.now);
  if (!sent.status.ok()) {
    outcome.failure = InternalError(std::string(kSmsNotSent));
    outcome.audit_note = "SMS for " + token.serial + " not sent: " + sent.status.error().message();
    spdlog::warn("sms: {}", outcome.audit_note);
    return outcome;
  }
  TextTags tags = SmsTags(token, context.user, context.now);
  tags["phone"] = sent.phone;
  tags["phone_redacted"] = RedactPhone(sent.phone);
  outcome.message = RenderChallengeText(
      FirstValue(policies_, policy::action::kSmsChallengeText, context.policy, kDefaultSmsChallengeText),
      tags);
  outcome.validity = std::chrono::seconds(config_.GetInt("sms.providerTimeout", 300));
  validate::ReplyAttributes attributes;
  attributes["state"] = context.incoming_tid.empty() ? std::nullopt : std::optional(context.incoming_tid);
  attributes["valid_until"] = LocalTimestamp(context.now + outcome.validity);
  outcome.attributes = std::move(attributes);
  if (config_.GetBool("sms.concurrent_challenges", false)) {
    outcome.data = hasher_.Hash(sent.otp, OtpHashContext(token, context.transaction_id));
  }
  return outcome;
}

bool SmsChallengeHook::MatchesChallenge(const token::TokenRecord& token, const token::Challenge& row,
                                        std::string_view otp) const {
  if (!config_.GetBool("sms.concurrent_challenges", false) || row.data.empty()) return false;
  return hasher_.Verify(otp, row.data, OtpHashContext(token, row.transaction_id));
}

void SmsChallengeHook::AfterAccept(const token::TokenRecord& token, const users::User* user,
                                   std::int64_t new_count, const policy::Subject& policy) const {
  if (!policies_.IsSet(policy::kScopeAuth, policy::action::kSmsAutoSend, policy)) return;
  // privacyIDEA sends HOTP(new counter) and leaves the counter there: the next login uses that OTP.
  Sent sent = SendOtp(token, user, new_count, policy, clock_.Now());
  if (!sent.status.ok()) {
    spdlog::warn("sms: smsautosend for {} failed: {}", token.serial, sent.status.error().message());
  }
}

}  // namespace osprey::mfa::sms
