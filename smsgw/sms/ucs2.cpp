#include "smsgw/sms/ucs2.hpp"

#include "smsgw/sms/utf8.hpp"

namespace osprey::smsgw::sms {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool IsHighSurrogate(char32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool IsLowSurrogate(char32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

void PushUnit(char32_t unit, std::vector<std::uint8_t>& out) {
  out.push_back(static_cast<std::uint8_t>(unit >> 8));
  out.push_back(static_cast<std::uint8_t>(unit & 0xFF));
}

}  // namespace

int Utf16UnitCost(char32_t code_point) { return code_point > 0xFFFF ? 2 : 1; }

Result<std::vector<std::uint8_t>> EncodeUcs2(std::string_view text) {
  Result<std::u32string> cps = DecodeUtf8(text);
  if (!cps.ok()) return cps.error();
  std::vector<std::uint8_t> out;
  out.reserve(cps->size() * 2);
  for (char32_t cp : *cps) {
    if (cp > 0xFFFF) {
      const char32_t v = cp - 0x10000;
      PushUnit(0xD800 + (v >> 10), out);
      PushUnit(0xDC00 + (v & 0x3FF), out);
    } else {
      PushUnit(cp, out);
    }
  }
  return out;
}

Result<std::string> DecodeUcs2(std::span<const std::uint8_t> bytes) {
  if (bytes.size() % 2 != 0)
    return Error(ErrorCode::kInvalidArgument, "UCS-2 data has an odd number of bytes");
  std::string out;
  out.reserve(bytes.size());
  const std::size_t units = bytes.size() / 2;
  auto unit_at = [&bytes](std::size_t i) {
    return static_cast<char32_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  };
  for (std::size_t i = 0; i < units; ++i) {
    const char32_t unit = unit_at(i);
    if (IsHighSurrogate(unit) && i + 1 < units && IsLowSurrogate(unit_at(i + 1))) {
      AppendUtf8(0x10000 + ((unit - 0xD800) << 10) + (unit_at(i + 1) - 0xDC00), out);
      ++i;
    } else if (IsHighSurrogate(unit) || IsLowSurrogate(unit)) {
      AppendUtf8(kReplacement, out);
    } else {
      AppendUtf8(unit, out);
    }
  }
  return out;
}

Result<std::string> Utf16BeHex(std::string_view text) {
  Result<std::vector<std::uint8_t>> bytes = EncodeUcs2(text);
  if (!bytes.ok()) return bytes.error();
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  hex.reserve(bytes->size() * 2);
  for (std::uint8_t b : *bytes) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0x0F]);
  }
  return hex;
}

}  // namespace osprey::smsgw::sms
