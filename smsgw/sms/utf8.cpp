#include "smsgw/sms/utf8.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>

namespace osprey::smsgw::sms {
namespace {

Error Invalid(std::size_t offset) {
  return Error(ErrorCode::kInvalidArgument, "invalid UTF-8 at byte " + std::to_string(offset));
}

// Returns the sequence length announced by a lead byte, or 0 when the byte cannot start a sequence
// (continuation bytes, and 0xC0/0xC1/0xF5.. which could only start overlong or out-of-range forms).
int SequenceLength(std::uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Smallest code point that needs a sequence of `length` bytes; anything below is an overlong form.
constexpr char32_t kMinimumForLength[] = {0, 0, 0x80, 0x800, 0x10000};

}  // namespace

Result<std::u32string> DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    const int length = SequenceLength(lead);
    if (length == 0 || i + length > text.size()) return Invalid(i);
    char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return Invalid(i);
      cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < kMinimumForLength[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Invalid(i);
    out.push_back(cp);
    i += length;
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string& out) {
  assert(cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF));
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) AppendUtf8(cp, out);
  return out;
}

}  // namespace osprey::smsgw::sms
