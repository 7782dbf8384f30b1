// Python's json.loads and json.dumps as HttpSMSProvider applies them to its parameters (spec
// privacyidea-api.md §13.2, §13.3). nlohmann::json is no substitute: it rejects NaN/Infinity, turns big
// integers into doubles and does not reproduce Python's separators, ensure_ascii escapes or float repr.
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mfa/sms/http/python_text.hpp"
#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// json.loads(text) with Python's defaults: whitespace " \t\n\r" around the value; NaN, Infinity and
// -Infinity; integers (no fraction, no exponent) stay exact, other numbers become doubles (1e400 → inf);
// strict strings (no raw control characters; escapes \" \\ \/ \b \f \n \r \t \uXXXX, surrogate pairs joined,
// lone surrogates kept); duplicate object keys keep the first position and the last value. nullopt when
// `text` does not parse (or nests deeper than Python's recursion limit allows).
std::optional<PyValue> ParsePythonJson(std::string_view text);

// json.dumps(value, allow_nan=False) with Python's other defaults: separators ", " and ": ", every character
// outside ' '..'~' escaped as \uXXXX (lower-case hex, surrogate pairs above U+FFFF), floats as repr(float).
// kInvalidArgument "Out of range float values are not JSON compliant" for NaN or ±inf anywhere in `value`.
Result<std::string> DumpPythonJson(const PyValue& value);

}  // namespace osprey::mfa::sms
