// Text encodings of binary data: hex, base32 (RFC 4648, as used in otpauth:// URIs), base64 and base64url
// (RFC 4648 §5 without padding, as used in JWTs and in Osprey's sealed values).
//
// All functions are pure and thread-safe. Encoders cannot fail. Decoders return kInvalidArgument for input
// that is not in the encoding; their messages never quote the input, which may be key material.
// Hex and base64 go through libsodium's constant-time codecs, so decoding a key does not leak it by timing.
#pragma once

#include <string>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey {

// Lower-case hex, two characters per byte.
std::string HexEncode(std::string_view bytes);
// Accepts upper and lower case. Fails on an odd length or any non-hex character (no separators).
Result<std::string> HexDecode(std::string_view hex);

enum class Base32Padding { kWith, kWithout };

// RFC 4648 base32, upper case; with '=' padding to a multiple of 8 characters unless told otherwise.
std::string Base32Encode(std::string_view bytes, Base32Padding padding = Base32Padding::kWith);
// Accepts upper and lower case, with or without trailing padding (authenticator apps and privacyIDEA
// both drop it). When padding is present the length must be a multiple of 8. Fails on characters outside
// the alphabet and on lengths no encoder can produce (1, 3 or 6 characters in the last group).
Result<std::string> Base32Decode(std::string_view text);

// RFC 4648 §4 base64 with padding; decoding requires canonical input with padding.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

// RFC 4648 §5 base64url without padding; decoding rejects padding and non-canonical trailing bits.
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace osprey
