#include "osprey/core/encoding.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>

namespace osprey {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Maps an ASCII character to its 5-bit base32 value, or -1. Lower case is accepted.
constexpr std::array<std::int8_t, 256> MakeBase32Table() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < kBase32Alphabet.size(); ++i) {
    const auto c = static_cast<unsigned char>(kBase32Alphabet[i]);
    table[c] = static_cast<std::int8_t>(i);
    if (c >= 'A' && c <= 'Z') table[c - 'A' + 'a'] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr auto kBase32Table = MakeBase32Table();

std::string Base64EncodeVariant(std::string_view bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(), variant);
  out.pop_back();  // the terminating NUL that libsodium writes
  return out;
}

Result<std::string> Base64DecodeVariant(std::string_view text, int variant, std::string_view name) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return Error(ErrorCode::kInvalidArgument, "not valid " + std::string(name));
  }
  out.resize(len);
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), Bytes(bytes), bytes.size());
  out.pop_back();
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Error(ErrorCode::kInvalidArgument, "hex string has an odd length");
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(),
                     nullptr, &len, &end) != 0 ||
      end != hex.data() + hex.size() || len != out.size()) {
    return Error(ErrorCode::kInvalidArgument, "not a valid hex string");
  }
  return out;
}

std::string Base32Encode(std::string_view bytes, Base32Padding padding) {
  std::string out;
  out.reserve((bytes.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> bits) & 0x1f]);
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  if (padding == Base32Padding::kWith) {
    while (out.size() % 8 != 0) out.push_back('=');
  }
  return out;
}

Result<std::string> Base32Decode(std::string_view text) {
  const std::size_t unpadded = text.find_last_not_of('=') + 1;  // npos + 1 == 0 for all-padding input
  if (unpadded != text.size() && text.size() % 8 != 0) {
    return Error(ErrorCode::kInvalidArgument, "base32 padding does not end a group of 8 characters");
  }
  // The last group of 8 characters can only hold 2, 4, 5, 7 or 8 characters of data.
  const std::size_t tail = unpadded % 8;
  if (tail == 1 || tail == 3 || tail == 6) {
    return Error(ErrorCode::kInvalidArgument, "base32 text has an impossible length");
  }
  std::string out;
  out.reserve(unpadded * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < unpadded; ++i) {
    const int v = kBase32Table[static_cast<unsigned char>(text[i])];
    if (v < 0) return Error(ErrorCode::kInvalidArgument, "invalid base32 character");
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  return Base64EncodeVariant(bytes, sodium_base64_VARIANT_ORIGINAL);
}

Result<std::string> Base64Decode(std::string_view text) {
  return Base64DecodeVariant(text, sodium_base64_VARIANT_ORIGINAL, "base64");
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64EncodeVariant(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  return Base64DecodeVariant(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING, "base64url");
}

}  // namespace osprey
