// Python's text conversions that HttpSMSProvider's wire format depends on (spec privacyidea-api.md §13.2,
// §13.3): float(), repr(float), str()/repr() of the values json.loads returns, and the UTF-8 handling of
// Python strings (which may hold lone surrogates, e.g. from the JSON escape "\ud800"). All functions are pure
// and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// A value as Python's json.loads returns it: None, bool, int, float, str, list or dict.
struct PyValue {
  enum class Kind { kNull, kBool, kInt, kFloat, kString, kList, kDict };

  Kind kind = Kind::kNull;
  bool boolean = false;  // kBool
  double number = 0;     // kFloat (NaN and ±inf included)
  // kInt: the decimal digits with an optional '-' (Python ints are unbounded, so they stay text);
  // kString: UTF-8, a lone surrogate encoded as its 3-byte sequence (ED A0..BF xx).
  std::string text;
  std::vector<PyValue> items;                            // kList
  std::vector<std::pair<std::string, PyValue>> members;  // kDict: unique keys in first-insertion order

  static PyValue String(std::string text);
};

// One code point decoded from UTF-8 at s[pos]: surrogate code points (ED A0..BF xx) are accepted; a byte that
// starts no valid sequence decodes as U+FFFD of length 1 with valid == false.
struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;
  bool valid = true;
};
CodePoint DecodeUtf8(std::string_view s, std::size_t pos);
// Appends `cp` (<= 0x10FFFF, surrogates included) as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);
// True when `s` holds a lone surrogate, which Python cannot encode as UTF-8 ("surrogates not allowed").
bool HasSurrogate(std::string_view s);

// Python's float(text): optional ASCII whitespace around, optional sign, digits with single '_' between
// digits, optional fraction and exponent, or inf/infinity/nan in any case. Out-of-range values become ±inf or
// ±0 as in Python. kInvalidArgument "could not convert string to float: '<text>'" otherwise.
Result<double> ParsePythonFloat(std::string_view text);
// Converts an ASCII decimal number in JSON/Python syntax (already validated) to the nearest double.
double DecimalToDouble(std::string_view number);

// repr(float): shortest round-trip digits; fixed notation with at least one fractional digit ("1.5",
// "1000.0") when the decimal exponent is in [-4, 16), else "1e+16" / "1.5e-07"; "nan", "inf", "-inf".
std::string PythonFloatRepr(double value);
// repr(value): None, True/False, ints, repr(float), quoted strings with Python's escapes, [a, b], {'k': v}.
std::string PythonRepr(const PyValue& value);
// str(value): a string's own text, else repr(value).
std::string PythonStr(const PyValue& value);

}  // namespace osprey::mfa::sms
