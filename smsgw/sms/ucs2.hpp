// UCS-2 payloads as handsets really treat them: UTF-16 big-endian, with characters outside the BMP (emoji)
// sent as surrogate pairs that cost two 16-bit units. Pure functions; any thread may call them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::sms {

// Returns the number of UTF-16 units `code_point` needs: 2 above U+FFFF, else 1.
int Utf16UnitCost(char32_t code_point);

// Converts UTF-8 `text` to UTF-16BE bytes (two per unit, high byte first).
// On failure returns kInvalidArgument for invalid UTF-8.
Result<std::vector<std::uint8_t>> EncodeUcs2(std::string_view text);

// Converts UTF-16BE bytes to UTF-8. An unpaired surrogate (e.g. a pair torn apart by a sender that split it
// across parts) becomes U+FFFD so the rest of a received message survives. On failure returns
// kInvalidArgument when the byte count is odd.
Result<std::string> DecodeUcs2(std::span<const std::uint8_t> bytes);

// Returns the upper-case hex of the UTF-16BE form of `text` (the API's `text_binary` field): "Hi" ->
// "00480069". On failure returns kInvalidArgument for invalid UTF-8.
Result<std::string> Utf16BeHex(std::string_view text);

}  // namespace osprey::smsgw::sms
