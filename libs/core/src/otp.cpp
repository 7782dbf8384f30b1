#include "osprey/core/otp.hpp"

#include <array>
#include <limits>
#include <stdexcept>

namespace osprey::otp {
namespace {

constexpr std::array<std::uint32_t, kMaxDigits + 1> kPowersOfTen = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

std::string_view AsChars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::string Hotp(std::string_view key, std::uint64_t counter, int digits, crypto::HashAlgorithm algorithm) {
  if (digits < kMinDigits || digits > kMaxDigits) throw std::invalid_argument("HOTP digits out of range");
  std::array<char, 8> message{};
  for (int i = 7; i >= 0; --i, counter >>= 8) message[i] = static_cast<char>(counter & 0xff);
  const crypto::MacBytes mac =
      crypto::HmacParts(algorithm, key, {std::string_view(message.data(), message.size())});

  // RFC 4226 §5.3: the low nibble of the last byte picks four bytes; the top bit is dropped so that the
  // value is the same whether read as signed or unsigned.
  const std::size_t offset = mac.data[mac.size - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac.data[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac.data[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac.data[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac.data[offset + 3]);
  std::uint32_t code = binary % kPowersOfTen[digits];

  std::string out(static_cast<std::size_t>(digits), '0');
  for (auto it = out.rbegin(); it != out.rend() && code != 0; ++it, code /= 10) {
    *it = static_cast<char>('0' + code % 10);
  }
  return out;
}

std::string Hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                 crypto::HashAlgorithm algorithm) {
  return Hotp(AsChars(key), counter, digits, algorithm);
}

std::uint64_t TotpCounter(std::int64_t unix_seconds, int time_step, std::int64_t time_shift) {
  if (time_step <= 0) throw std::invalid_argument("TOTP time step must be positive");
  std::int64_t t = 0;
  if (__builtin_add_overflow(unix_seconds, time_shift, &t)) {
    t = time_shift > 0 ? std::numeric_limits<std::int64_t>::max() : 0;
  }
  if (t <= 0) return 0;
  return static_cast<std::uint64_t>(t) / static_cast<std::uint64_t>(time_step);
}

std::string Totp(std::string_view key, std::int64_t unix_seconds, int time_step, int digits,
                 crypto::HashAlgorithm algorithm) {
  return Hotp(key, TotpCounter(unix_seconds, time_step), digits, algorithm);
}

std::string Totp(std::span<const std::uint8_t> key, std::int64_t unix_seconds, int time_step, int digits,
                 crypto::HashAlgorithm algorithm) {
  return Totp(AsChars(key), unix_seconds, time_step, digits, algorithm);
}

}  // namespace osprey::otp
