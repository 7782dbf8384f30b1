// UTF-8 <-> Unicode code points, strict (RFC 3629). Pure functions; any thread may call them.
#pragma once

#include <string>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::sms {

// Decodes `text` into code points.
// On failure returns kInvalidArgument for invalid UTF-8: stray continuation bytes, truncated sequences,
// overlong forms, UTF-16 surrogates (U+D800..U+DFFF) and values above U+10FFFF.
Result<std::u32string> DecodeUtf8(std::string_view text);

// Appends the UTF-8 form of `code_point` to `out`.
// REQUIRES: `code_point` is a Unicode scalar value (<= U+10FFFF and not a surrogate).
void AppendUtf8(char32_t code_point, std::string& out);

// Returns the UTF-8 form of `code_points`. REQUIRES: every element is a Unicode scalar value.
std::string EncodeUtf8(std::u32string_view code_points);

}  // namespace osprey::smsgw::sms
