#include <algorithm>
#include <charconv>
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

const std::string* Param(const InitParams& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

PiStatus InitOath(const InitParams& params, const TokenDefaults& defaults, std::string_view default_hashlib,
                  TokenRecord& record) {
  record.otplen = defaults.otplen;
  if (const std::string* v = Param(params, "otplen")) {
    auto n = ToInt(*v);
    if (!n || *n < otp::kMinDigits || *n > otp::kMaxDigits) {
      return ParameterError("otplen must be an integer between 1 and 9.");
    }
    record.otplen = static_cast<int>(*n);
  }
  std::string hashlib(default_hashlib.empty() ? "sha1" : default_hashlib);
  if (const std::string* v = Param(params, "hashlib")) hashlib = *v;
  auto algorithm = crypto::ParseHashAlgorithm(hashlib);
  if (!algorithm.ok()) return ParameterError("Unknown hashlib: " + hashlib);
  record.info["hashlib"] = std::string(crypto::HashAlgorithmName(*algorithm));
  record.info["tokenkind"] = "software";
  record.count_window = defaults.count_window;
  record.sync_window = defaults.sync_window;
  record.maxfail = defaults.maxfail;
  return PiOk();
}

PiStatus HotpType::Init(const InitParams& params, const TokenDefaults& defaults, TokenRecord& record) const {
  return InitOath(params, defaults, defaults.hotp_hashlib, record);
}

OtpCheck HotpType::Check(const TokenRecord& record, const Secret& key, std::string_view otp_value,
                         Clock::TimePoint, const TokenDefaults& defaults) const {
  const crypto::HashAlgorithm hash = TokenHash(record, defaults.hotp_hashlib);
  OtpCheck check;
  const auto first = static_cast<std::uint64_t>(record.count);
  for (std::uint64_t c = first; c < first + static_cast<std::uint64_t>(std::max(record.count_window, 0));
       ++c) {
    if (crypto::ConstantTimeEquals(otp::Hotp(key.bytes(), c, record.otplen, hash), otp_value)) {
      check.matched = true;
      check.new_count = static_cast<std::int64_t>(c) + 1;
      return check;
    }
  }
  check.previous = record.count > 0 && crypto::ConstantTimeEquals(
                                           otp::Hotp(key.bytes(), first - 1, record.otplen, hash), otp_value);
  return check;
}

std::optional<OtpCheck> HotpType::Resync(const TokenRecord& record, const Secret& key, std::string_view otp1,
                                         std::string_view otp2, Clock::TimePoint,
                                         const TokenDefaults& defaults) const {
  const crypto::HashAlgorithm hash = TokenHash(record, defaults.hotp_hashlib);
  const auto first = static_cast<std::uint64_t>(record.count);
  const auto window = static_cast<std::uint64_t>(std::max(record.sync_window, 0));
  for (std::uint64_t c = first; c < first + window; ++c) {
    if (!crypto::ConstantTimeEquals(otp::Hotp(key.bytes(), c, record.otplen, hash), otp1)) continue;
    if (!crypto::ConstantTimeEquals(otp::Hotp(key.bytes(), c + 1, record.otplen, hash), otp2)) {
      return std::nullopt;
    }
    OtpCheck check;
    check.matched = true;
    check.new_count = static_cast<std::int64_t>(c) + 2;
    return check;
  }
  return std::nullopt;
}

}  // namespace osprey::mfa::token
