// One-time password maths: HOTP (RFC 4226) and TOTP (RFC 6238). Pure functions of their arguments, safe
// to call from any thread. Token state (counters, drift, lockout) lives with the token types, not here.
//
// Arguments outside the REQUIRES ranges are programming errors (token configuration is validated before
// it reaches here) and throw std::invalid_argument.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "osprey/core/crypto.hpp"

namespace osprey::otp {

inline constexpr int kMinDigits = 1;
inline constexpr int kMaxDigits = 9;

// The HOTP value for `counter`: RFC 4226 dynamic truncation of HMAC(key, counter as 8 big-endian bytes),
// mod 10^digits, as a string of exactly `digits` characters (leading zeros kept).
// REQUIRES: kMinDigits <= digits <= kMaxDigits (tokens use 6 or 8; RFC 4226 asks for at least 6).
std::string Hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                 crypto::HashAlgorithm algorithm);
std::string Hotp(std::string_view key, std::uint64_t counter, int digits, crypto::HashAlgorithm algorithm);

// The TOTP time counter: floor((unix_seconds + time_shift) / time_step), or 0 for instants before the
// epoch. `time_shift` is the token's measured clock drift in seconds. REQUIRES: time_step > 0.
std::uint64_t TotpCounter(std::int64_t unix_seconds, int time_step, std::int64_t time_shift = 0);

// Hotp(key, TotpCounter(unix_seconds, time_step), digits, algorithm). Callers that check a window of
// counters or apply drift call TotpCounter and Hotp themselves.
std::string Totp(std::span<const std::uint8_t> key, std::int64_t unix_seconds, int time_step, int digits,
                 crypto::HashAlgorithm algorithm);
std::string Totp(std::string_view key, std::int64_t unix_seconds, int time_step, int digits,
                 crypto::HashAlgorithm algorithm);

}  // namespace osprey::otp
