#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>

#include "mfa/token/oath_types.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/core/otp.hpp"

namespace osprey::mfa::token {
namespace {

std::optional<long long> ToInt(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::int64_t UnixSeconds(Clock::TimePoint now) {
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

// The counter range [low, high] around `t`, the lower bound clamped at 0 (spec §6.7).
std::pair<std::int64_t, std::int64_t> Range(std::int64_t t, std::int64_t before, std::int64_t after) {
  return {std::max<std::int64_t>(0, t - before), t + after};
}

std::string ValueAt(const Secret& key, std::int64_t counter, const TokenRecord& record,
                    crypto::HashAlgorithm h) {
  return otp::Hotp(key.bytes(), static_cast<std::uint64_t>(counter), record.otplen, h);
}

}  // namespace

int TotpType::TimeStep(const TokenRecord& record, const TokenDefaults& defaults) {
  auto v = ToInt(record.Info("timeStep"));
  return v && *v > 0 ? static_cast<int>(*v) : std::max(defaults.totp_time_step, 1);
}

int TotpType::TimeWindow(const TokenRecord& record, const TokenDefaults& defaults) {
  auto v = ToInt(record.Info("timeWindow"));
  return v && *v >= 0 ? static_cast<int>(*v) : defaults.totp_time_window;
}

std::int64_t TotpType::TimeShift(const TokenRecord& record) {
  // privacyIDEA may store a float ("-12.0"); only the integer part matters.
  std::string text = record.Info("timeShift", "0");
  if (auto dot = text.find('.'); dot != std::string::npos) text.resize(dot);
  return ToInt(text).value_or(0);
}

PiStatus TotpType::Init(const InitParams& params, const TokenDefaults& defaults, TokenRecord& record) const {
  PiStatus base = InitOath(params, defaults, defaults.totp_hashlib, record);
  if (!base.ok()) return base;
  long long step = defaults.totp_time_step;
  if (auto it = params.find("timeStep"); it != params.end() && !it->second.empty()) {
    auto v = ToInt(it->second);
    if (!v || *v <= 0) return ParameterError("timeStep must be a positive integer (30 or 60).");
    step = *v;
  }
  long long window = defaults.totp_time_window;
  if (auto it = params.find("timeWindow"); it != params.end() && !it->second.empty()) {
    auto v = ToInt(it->second);
    if (!v || *v < 0) return ParameterError("timeWindow must be a non-negative integer.");
    window = *v;
  }
  record.info["timeStep"] = std::to_string(step);
  record.info["timeWindow"] = std::to_string(window);
  record.info["timeShift"] = "0";
  return PiOk();
}

OtpCheck TotpType::Check(const TokenRecord& record, const Secret& key, std::string_view otp_value,
                         Clock::TimePoint now, const TokenDefaults& defaults) const {
  const crypto::HashAlgorithm hash = TokenHash(record, defaults.totp_hashlib);
  const int step = TimeStep(record, defaults);
  const std::int64_t w = TimeWindow(record, defaults) / step;
  const std::int64_t now_s = UnixSeconds(now);
  const auto t = static_cast<std::int64_t>(otp::TotpCounter(now_s, step, TimeShift(record)));
  OtpCheck check;
  auto [low, high] = Range(t, w, w - 1);
  for (std::int64_t c = low; c <= high; ++c) {
    if (!crypto::ConstantTimeEquals(ValueAt(key, c, record, hash), otp_value)) continue;
    if (record.count != 0 && c <= record.count) {
      check.previous = c == record.count;
      return check;
    }
    check.matched = true;
    check.new_count = c;
    check.info_update["timeShift"] = std::to_string(c * step - now_s);
    return check;
  }
  check.previous =
      record.count != 0 && crypto::ConstantTimeEquals(ValueAt(key, record.count, record, hash), otp_value);
  return check;
}

std::optional<OtpCheck> TotpType::Resync(const TokenRecord& record, const Secret& key, std::string_view otp1,
                                         std::string_view otp2, Clock::TimePoint now,
                                         const TokenDefaults& defaults) const {
  const crypto::HashAlgorithm hash = TokenHash(record, defaults.totp_hashlib);
  const int step = TimeStep(record, defaults);
  const std::int64_t now_s = UnixSeconds(now);
  const auto t = static_cast<std::int64_t>(otp::TotpCounter(now_s, step, 0));
  auto [low, high] = Range(t, record.sync_window, record.sync_window - 1);
  for (std::int64_t c = low; c <= high; ++c) {
    if (!crypto::ConstantTimeEquals(ValueAt(key, c, record, hash), otp1)) continue;
    if (!crypto::ConstantTimeEquals(ValueAt(key, c + 1, record, hash), otp2)) continue;
    if (record.count != 0 && c + 1 <= record.count) return std::nullopt;
    OtpCheck check;
    check.matched = true;
    check.new_count = c + 1;
    check.info_update["timeShift"] = std::to_string((c + 1) * step - now_s);
    return check;
  }
  return std::nullopt;
}

}  // namespace osprey::mfa::token
