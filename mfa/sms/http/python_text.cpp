#include "mfa/sms/http/python_text.hpp"

#include <locale.h>
#include <stdlib.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace osprey::mfa::sms {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char lower = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (lower != b[i]) return false;
  }
  return true;
}

// Digits with single underscores between them (Python's "digitpart"), appended to `out` without the
// underscores. Returns false when there is no digit at `pos` or an underscore is misplaced.
bool ReadDigitPart(std::string_view s, std::size_t& pos, std::string& out) {
  if (pos >= s.size() || !IsDigit(s[pos])) return false;
  while (pos < s.size()) {
    if (IsDigit(s[pos])) {
      out.push_back(s[pos++]);
    } else if (s[pos] == '_' && pos + 1 < s.size() && IsDigit(s[pos + 1])) {
      ++pos;
    } else {
      break;
    }
  }
  return true;
}

// The number grammar of float() without sign and specials; `out` receives it without underscores.
bool ReadDecimal(std::string_view s, std::string& out) {
  std::size_t pos = 0;
  const bool int_part = ReadDigitPart(s, pos, out);
  bool frac_part = false;
  if (pos < s.size() && s[pos] == '.') {
    out.push_back(s[pos++]);
    frac_part = ReadDigitPart(s, pos, out);
  }
  if (!int_part && !frac_part) return false;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    out.push_back(s[pos++]);
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) out.push_back(s[pos++]);
    if (!ReadDigitPart(s, pos, out)) return false;
  }
  return pos == s.size();
}

char HexDigit(unsigned v) { return "0123456789abcdef"[v & 0xF]; }

void AppendHexEscape(std::string& out, char prefix, char32_t cp, int digits) {
  out.push_back('\\');
  out.push_back(prefix);
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(HexDigit(cp >> shift));
}

// Python's str.isprintable() without the Unicode database: the control, format, separator, surrogate and
// private-use ranges that matter in practice are non-printable; unassigned code points count as printable.
bool IsPrintable(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) return false;
  if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F)) return false;
  if ((cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF) return false;
  if ((cp >= 0xD800 && cp <= 0xF8FF) || (cp >= 0xFFF9 && cp <= 0xFFFB)) return false;
  return cp < 0xF0000;
}

std::string StringRepr(std::string_view s) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const char quote = (has_single && s.find('"') == std::string_view::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (std::size_t pos = 0; pos < s.size();) {
    const CodePoint cp = DecodeUtf8(s, pos);
    pos += cp.length;
    const char32_t c = cp.value;
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\t' || c == '\n' || c == '\r') {
      out += c == '\t' ? "\\t" : (c == '\n' ? "\\n" : "\\r");
    } else if (IsPrintable(c)) {
      AppendUtf8(out, c);
    } else {
      AppendHexEscape(out, c <= 0xFF ? 'x' : (c <= 0xFFFF ? 'u' : 'U'), c,
                      c <= 0xFF ? 2 : (c <= 0xFFFF ? 4 : 8));
    }
  }
  out.push_back(quote);
  return out;
}

}  // namespace

PyValue PyValue::String(std::string text) {
  PyValue value;
  value.kind = Kind::kString;
  value.text = std::move(text);
  return value;
}

CodePoint DecodeUtf8(std::string_view s, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[pos + i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1, true};
  const std::size_t length = b0 >= 0xF0 ? 4 : (b0 >= 0xE0 ? 3 : 2);
  if (b0 < 0xC2 || b0 > 0xF4 || pos + length > s.size()) return {0xFFFD, 1, false};
  char32_t cp = b0 & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {0xFFFD, 1, false};
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  const char32_t minimum = length == 2 ? 0x80 : (length == 3 ? 0x800 : 0x10000);
  if (cp < minimum || cp > 0x10FFFF) return {0xFFFD, 1, false};
  return {cp, length, true};
}

void AppendUtf8(std::string& out, char32_t cp) {
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

bool HasSurrogate(std::string_view s) {
  for (std::size_t pos = 0; pos < s.size();) {
    const CodePoint cp = DecodeUtf8(s, pos);
    if (cp.value >= 0xD800 && cp.value <= 0xDFFF) return true;
    pos += cp.length;
  }
  return false;
}

double DecimalToDouble(std::string_view number) {
  // strtod_l in the C locale: correctly rounded, and overflow/underflow give ±HUGE_VAL/±0 as Python's
  // float().
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  const std::string copy(number);
  return strtod_l(copy.c_str(), nullptr, c_locale);
}

Result<double> ParsePythonFloat(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  const bool negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  const double sign = negative ? -1.0 : 1.0;
  if (EqualsIgnoreCase(s, "inf") || EqualsIgnoreCase(s, "infinity")) return sign * HUGE_VAL;
  if (EqualsIgnoreCase(s, "nan")) return std::copysign(std::nan(""), sign);
  std::string digits;
  if (!ReadDecimal(s, digits)) {
    return Error(ErrorCode::kInvalidArgument,
                 "could not convert string to float: '" + std::string(text) + "'");
  }
  return sign * DecimalToDouble(digits);
}

std::string PythonFloatRepr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string_view s(buffer, static_cast<std::size_t>(result.ptr - buffer));  // shortest: "-1.5e+00"
  std::string out = s.front() == '-' ? "-" : "";
  if (s.front() == '-') s.remove_prefix(1);
  const std::size_t e = s.find('e');
  std::string digits(1, s[0]);
  if (e > 1) digits += s.substr(2, e - 2);
  const int exponent = std::atoi(std::string(s.substr(e + 1)).c_str());
  const auto count = static_cast<int>(digits.size());
  if (exponent < -4 || exponent >= 16) {
    out += digits.substr(0, 1);
    if (count > 1) out += "." + digits.substr(1);
    const int magnitude = std::abs(exponent);
    out += std::string("e") + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") +
           std::to_string(magnitude);
  } else if (exponent < 0) {
    out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else if (count <= exponent + 1) {
    out += digits + std::string(static_cast<std::size_t>(exponent + 1 - count), '0') + ".0";
  } else {
    out += digits.substr(0, static_cast<std::size_t>(exponent + 1)) + "." +
           digits.substr(static_cast<std::size_t>(exponent + 1));
  }
  return out;
}

std::string PythonRepr(const PyValue& value) {
  switch (value.kind) {
    case PyValue::Kind::kNull: return "None";
    case PyValue::Kind::kBool: return value.boolean ? "True" : "False";
    case PyValue::Kind::kInt: return value.text;
    case PyValue::Kind::kFloat: return PythonFloatRepr(value.number);
    case PyValue::Kind::kString: return StringRepr(value.text);
    case PyValue::Kind::kList: {
      std::string out = "[";
      for (std::size_t i = 0; i < value.items.size(); ++i)
        out += (i ? ", " : "") + PythonRepr(value.items[i]);
      return out + "]";
    }
    case PyValue::Kind::kDict: {
      std::string out = "{";
      for (std::size_t i = 0; i < value.members.size(); ++i) {
        const auto& [key, member] = value.members[i];
        out += (i ? ", " : "") + StringRepr(key) + ": " + PythonRepr(member);
      }
      return out + "}";
    }
  }
  return "";
}

std::string PythonStr(const PyValue& value) {
  return value.kind == PyValue::Kind::kString ? value.text : PythonRepr(value);
}

}  // namespace osprey::mfa::sms
