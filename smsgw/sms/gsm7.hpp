// GSM 03.38 / TS 23.038 default 7-bit alphabet, its extension table, and septet packing.
// The tables are exactly those of modems-and-sms.md §4; national language shift tables are not
// supported. Pure functions; any thread may call them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::sms {

// The escape septet that introduces an extension-table character.
inline constexpr std::uint8_t kGsm7Escape = 0x1B;

// Returns how many septets `code_point` costs in GSM-7: 1 for the default alphabet (LF and CR included), 2
// for the extension table (ESC + code), 0 when it is not representable. U+001B (ESC) itself is not
// representable input.
int Gsm7SeptetCost(char32_t code_point);

// Converts UTF-8 `text` into septets (values 0x00..0x7F; extension characters become ESC + code).
// On failure returns kInvalidArgument: invalid UTF-8, or a character outside the default and extension
// tables.
Result<std::vector<std::uint8_t>> EncodeGsm7(std::string_view text);

// Converts septets back to UTF-8. An extension code that the table does not define is shown as the default
// alphabet's character for that code (the first option TS 23.038 gives receivers); ESC ESC and a trailing ESC
// are shown as a space. On failure returns kInvalidArgument when a value is above 0x7F.
Result<std::string> DecodeGsm7(std::span<const std::uint8_t> septets);

// Packs septets into octets, least significant bit first, after `fill_bits` zero bits (0..6; used to align
// the text after a user data header). When exactly 7 bits of the last octet stay unused, they are filled with
// CR so that a receiver cannot read them as a trailing '@'. REQUIRES: 0 <= fill_bits <= 6 and every septet <=
// 0x7F.
std::vector<std::uint8_t> PackGsm7(std::span<const std::uint8_t> septets, int fill_bits = 0);

// Unpacks `septet_count` septets (the TP-UDL, minus any header septets) that start after `fill_bits` bits.
// Padding after the last septet is ignored, so a CR pad is never returned.
// On failure returns kInvalidArgument when `packed` is too short or `fill_bits` is outside 0..6.
Result<std::vector<std::uint8_t>> UnpackGsm7(std::span<const std::uint8_t> packed, std::size_t septet_count,
                                             int fill_bits = 0);

}  // namespace osprey::smsgw::sms
