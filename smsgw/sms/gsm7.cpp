#include "smsgw/sms/gsm7.hpp"

#include <array>
#include <cassert>
#include <cstddef>

#include "smsgw/sms/utf8.hpp"

namespace osprey::smsgw::sms {
namespace {

// Marks the ESC slot of the default table, which has no character of its own.
constexpr char32_t kNone = 0xFFFFFFFF;

// Default alphabet indexed by septet.
constexpr std::array<char32_t, 128> kDefault = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì',  U'ò', U'Ç', U'\n', U'Ø',  U'ø', U'\r', U'Å', U'å',
    U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ',  U'Σ', U'Θ', U'Ξ',  kNone, U'Æ', U'æ',  U'ß', U'É',
    U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(', U')', U'*',  U'+',  U',', U'-',  U'.', U'/',
    U'0', U'1', U'2', U'3', U'4', U'5', U'6', U'7',  U'8', U'9', U':',  U';',  U'<', U'=',  U'>', U'?',
    U'¡', U'A', U'B', U'C', U'D', U'E', U'F', U'G',  U'H', U'I', U'J',  U'K',  U'L', U'M',  U'N', U'O',
    U'P', U'Q', U'R', U'S', U'T', U'U', U'V', U'W',  U'X', U'Y', U'Z',  U'Ä',  U'Ö', U'Ñ',  U'Ü', U'§',
    U'¿', U'a', U'b', U'c', U'd', U'e', U'f', U'g',  U'h', U'i', U'j',  U'k',  U'l', U'm',  U'n', U'o',
    U'p', U'q', U'r', U's', U't', U'u', U'v', U'w',  U'x', U'y', U'z',  U'ä',  U'ö', U'ñ',  U'ü', U'à',
};

struct Extension {
  std::uint8_t code;
  char32_t character;
};

constexpr std::array<Extension, 10> kExtension = {{
    {0x0A, U'\f'},
    {0x14, U'^'},
    {0x28, U'{'},
    {0x29, U'}'},
    {0x2F, U'\\'},
    {0x3C, U'['},
    {0x3D, U'~'},
    {0x3E, U']'},
    {0x40, U'|'},
    {0x65, U'€'},
}};

// Returns the default-table septet for `cp`, or -1.
int DefaultSeptet(char32_t cp) {
  for (std::size_t i = 0; i < kDefault.size(); ++i) {
    if (kDefault[i] == cp) return static_cast<int>(i);
  }
  return -1;
}

// Returns the extension code for `cp`, or -1.
int ExtensionCode(char32_t cp) {
  for (const Extension& e : kExtension) {
    if (e.character == cp) return e.code;
  }
  return -1;
}

char32_t ExtensionCharacter(std::uint8_t code) {
  for (const Extension& e : kExtension) {
    if (e.code == code) return e.character;
  }
  if (code == kGsm7Escape) return U' ';  // reserved for a further table; TS 23.038 says show a space
  return kDefault[code];
}

}  // namespace

int Gsm7SeptetCost(char32_t cp) {
  if (DefaultSeptet(cp) >= 0) return 1;
  if (ExtensionCode(cp) >= 0) return 2;
  return 0;
}

Result<std::vector<std::uint8_t>> EncodeGsm7(std::string_view text) {
  Result<std::u32string> cps = DecodeUtf8(text);
  if (!cps.ok()) return cps.error();
  std::vector<std::uint8_t> septets;
  septets.reserve(cps->size());
  for (char32_t cp : *cps) {
    if (int septet = DefaultSeptet(cp); septet >= 0) {
      septets.push_back(static_cast<std::uint8_t>(septet));
    } else if (int code = ExtensionCode(cp); code >= 0) {
      septets.push_back(kGsm7Escape);
      septets.push_back(static_cast<std::uint8_t>(code));
    } else {
      std::string shown;
      AppendUtf8(cp, shown);
      return Error(ErrorCode::kInvalidArgument, "character '" + shown + "' is not in the GSM 7-bit alphabet");
    }
  }
  return septets;
}

Result<std::string> DecodeGsm7(std::span<const std::uint8_t> septets) {
  std::string out;
  out.reserve(septets.size());
  for (std::size_t i = 0; i < septets.size(); ++i) {
    if (septets[i] > 0x7F) {
      return Error(ErrorCode::kInvalidArgument, "septet " + std::to_string(i) + " is above 0x7F");
    }
    if (septets[i] != kGsm7Escape) {
      AppendUtf8(kDefault[septets[i]], out);
    } else if (i + 1 == septets.size()) {
      out.push_back(' ');  // a lone trailing ESC has nothing to extend
    } else {
      ++i;
      if (septets[i] > 0x7F) {
        return Error(ErrorCode::kInvalidArgument, "septet " + std::to_string(i) + " is above 0x7F");
      }
      AppendUtf8(ExtensionCharacter(septets[i]), out);
    }
  }
  return out;
}

std::vector<std::uint8_t> PackGsm7(std::span<const std::uint8_t> septets, int fill_bits) {
  assert(fill_bits >= 0 && fill_bits <= 6);
  const std::size_t total_bits = static_cast<std::size_t>(fill_bits) + 7 * septets.size();
  std::vector<std::uint8_t> packed((total_bits + 7) / 8, 0);
  std::size_t bit = static_cast<std::size_t>(fill_bits);
  auto put = [&packed, &bit](std::uint8_t septet) {
    const std::size_t byte = bit / 8;
    const std::size_t shift = bit % 8;
    packed[byte] = static_cast<std::uint8_t>(packed[byte] | (septet << shift));
    if (shift > 1) packed[byte + 1] = static_cast<std::uint8_t>(septet >> (8 - shift));
    bit += 7;
  };
  for (std::uint8_t septet : septets) put(septet & 0x7F);
  // Exactly 7 spare bits would decode as an extra '@' on a receiver that counts octets; CR is the agreed pad.
  if (packed.size() * 8 - total_bits == 7) put('\r');
  return packed;
}

Result<std::vector<std::uint8_t>> UnpackGsm7(std::span<const std::uint8_t> packed, std::size_t septet_count,
                                             int fill_bits) {
  if (fill_bits < 0 || fill_bits > 6) return Error(ErrorCode::kInvalidArgument, "fill_bits must be 0..6");
  const std::size_t total_bits = static_cast<std::size_t>(fill_bits) + 7 * septet_count;
  if ((total_bits + 7) / 8 > packed.size()) {
    return Error(ErrorCode::kInvalidArgument,
                 "packed data holds fewer than " + std::to_string(septet_count) + " septets");
  }
  std::vector<std::uint8_t> septets;
  septets.reserve(septet_count);
  for (std::size_t bit = static_cast<std::size_t>(fill_bits); bit < total_bits; bit += 7) {
    const std::size_t byte = bit / 8;
    const std::size_t shift = bit % 8;
    unsigned value = packed[byte] >> shift;
    if (shift > 1) value |= static_cast<unsigned>(packed[byte + 1]) << (8 - shift);
    septets.push_back(static_cast<std::uint8_t>(value & 0x7F));
  }
  return septets;
}

}  // namespace osprey::smsgw::sms
