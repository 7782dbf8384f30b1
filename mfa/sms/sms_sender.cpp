#include "mfa/sms/sms_sender.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "osprey/sql/run.hpp"

namespace osprey::mfa::sms {

const sql::MigrationSet& SmsMigrations() {
  static const sql::MigrationSet set{"mfa_sms",
                                     {
                                         {1, "SMS sent by the SMS token, for the anti-pumping limits",
                                          "CREATE TABLE mfa_sms_sent (\n"
                                          "  id {{id}},\n"
                                          "  sent_at {{bigint}} NOT NULL,\n"
                                          "  user_key {{text}} NOT NULL DEFAULT '',\n"
                                          "  digits {{text}} NOT NULL DEFAULT ''\n"
                                          ");\n"
                                          "CREATE INDEX mfa_sms_sent_at ON mfa_sms_sent (sent_at);\n"},
                                     }};
  return set;
}

namespace {

std::int64_t Milliseconds(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string DigitsOf(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  return digits;
}

std::vector<std::string> SplitNames(std::string_view list) {
  std::vector<std::string> names;
  std::string current;
  for (char c : list) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) names.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) names.push_back(std::move(current));
  return names;
}

std::optional<std::int64_t> PositiveNumber(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

std::string MaskSecret(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + secret.size())) {
    text.replace(at, secret.size(), std::string(secret.size(), '*'));
  }
  return text;
}

std::optional<std::array<std::int64_t, 3>> ParseLimit(std::string_view value, bool with_digits) {
  std::array<std::int64_t, 3> parts{0, 0, 0};
  const std::size_t wanted = with_digits ? 3 : 2;
  std::size_t n = 0;
  while (true) {
    const std::size_t slash = value.find('/');
    if (n == wanted) return std::nullopt;
    auto number = PositiveNumber(value.substr(0, slash));
    if (!number) return std::nullopt;
    parts[n++] = *number;
    if (slash == std::string_view::npos) break;
    value.remove_prefix(slash + 1);
  }
  if (n != wanted) return std::nullopt;
  return parts;
}

SmsSender::SmsSender(const GatewayStore& gateways, const SmsProviders& providers,
                     const system::SystemConfig& config, const policy::PolicyEngine& policies,
                     sql::Database& db, const Clock& clock)
    : gateways_(gateways),
      providers_(providers),
      config_(config),
      policies_(policies),
      db_(db),
      clock_(clock) {}

std::vector<SmsSender::Limit> SmsSender::LimitsFor(const policy::Subject& subject) const {
  std::vector<Limit> limits;
  for (std::string_view action :
       {policy::action::kSmsLimitUser, policy::action::kSmsLimitNumber, policy::action::kSmsLimitPrefix}) {
    const bool prefix = action == policy::action::kSmsLimitPrefix;
    for (const std::string& value : policies_.Values(policy::kScopeAuth, action, subject)) {
      auto parsed = ParseLimit(value, prefix);
      if (!parsed) {
        spdlog::warn("sms: ignoring policy action {} with malformed value '{}'", action, value);
        continue;
      }
      limits.push_back({std::string(action), (*parsed)[0], (*parsed)[1], (*parsed)[2]});
    }
  }
  return limits;
}

Result<std::int64_t> SmsSender::Reserve(const SmsMessage& message, const std::vector<Limit>& limits) {
  std::lock_guard lock(reserve_mu_);
  const std::int64_t now = Milliseconds(clock_.Now());
  const std::string digits = DigitsOf(message.phone);
  std::string refused;
  long long id = 0;
  Status done = sql::RunTransaction(db_, "sms limits", [&](soci::session& s) {
    refused.clear();
    for (const Limit& limit : limits) {
      const long long since = now - limit.seconds * 1000;
      long long sent = 0;
      if (limit.action == policy::action::kSmsLimitUser) {
        if (message.user_key.empty()) continue;
        s << "SELECT COUNT(*) FROM mfa_sms_sent WHERE sent_at > :t AND user_key = :u", soci::into(sent),
            soci::use(since), soci::use(message.user_key);
      } else if (limit.action == policy::action::kSmsLimitNumber) {
        s << "SELECT COUNT(*) FROM mfa_sms_sent WHERE sent_at > :t AND digits = :d", soci::into(sent),
            soci::use(since), soci::use(digits);
      } else {
        const std::string prefix = digits.substr(0, static_cast<std::size_t>(limit.digits)) + "%";
        s << "SELECT COUNT(*) FROM mfa_sms_sent WHERE sent_at > :t AND digits LIKE :p", soci::into(sent),
            soci::use(since), soci::use(prefix);
      }
      if (sent >= limit.count) {
        refused = "SMS limit reached (" + limit.action + ": " + std::to_string(limit.count) + " in " +
                  std::to_string(limit.seconds) + " s)";
        return;
      }
    }
    const long long at = now;
    s << "INSERT INTO mfa_sms_sent (sent_at, user_key, digits) VALUES (:t, :u, :d) RETURNING id",
        soci::into(id), soci::use(at), soci::use(message.user_key), soci::use(digits);
  });
  if (!done.ok()) return done.error();
  if (!refused.empty()) return Error(ErrorCode::kPermissionDenied, refused);
  return static_cast<std::int64_t>(id);
}

void SmsSender::Unreserve(std::int64_t id) {
  const long long row = id;
  Status done = sql::RunTransaction(db_, "sms limits", [&](soci::session& s) {
    s << "DELETE FROM mfa_sms_sent WHERE id = :id", soci::use(row);
  });
  if (!done.ok()) spdlog::warn("sms: could not drop the record of an unsent SMS: {}", done.error().message());
}

Status SmsSender::SendThrough(const std::string& name, const SmsMessage& message) const {
  auto gateway = gateways_.Lookup(name);
  if (!gateway.ok()) return gateway.error();
  if (*gateway == nullptr) return Error(ErrorCode::kNotFound, "no SMS gateway named '" + name + "'");
  const SmsProvider* provider = providers_.Find((*gateway)->module);
  if (provider == nullptr)
    return Error(ErrorCode::kNotFound, "unknown SMS provider module " + (*gateway)->module);
  return provider->Send(**gateway, message.phone, message.text);
}

SmsSent SmsSender::Send(const SmsMessage& message) {
  if (message.gateway.empty()) {
    return {Error(ErrorCode::kFailedPrecondition, "no SMS gateway configured (sms.identifier)"), ""};
  }
  std::optional<std::int64_t> reserved;
  if (message.policy != nullptr) {
    const std::vector<Limit> limits = LimitsFor(*message.policy);
    if (!limits.empty()) {
      auto id = Reserve(message, limits);
      if (!id.ok()) return {id.error(), ""};
      reserved = *id;
    }
  }
  std::vector<std::string> order{message.gateway};
  for (std::string& name : SplitNames(config_.GetOr(kFailoverKey, ""))) {
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(std::move(name));
  }
  std::string failures;
  for (const std::string& name : order) {
    Status sent = SendThrough(name, message);
    if (sent.ok()) {
      if (!failures.empty())
        spdlog::warn("sms: sent through failover gateway '{}' after: {}", name, failures);
      return {OkStatus(), name};
    }
    failures +=
        (failures.empty() ? "" : "; ") + name + ": " + MaskSecret(sent.error().message(), message.otp);
  }
  if (reserved) Unreserve(*reserved);
  return {Error(ErrorCode::kUnavailable, failures), ""};
}

}  // namespace osprey::mfa::sms
