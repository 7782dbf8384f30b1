// Choosing an SMS coding for a text and cutting the text into parts (TS 23.040 concatenation with an 8-bit
// reference: 160/153 septets for GSM-7, 70/67 UTF-16 units for UCS-2). Pure functions; any thread may call
// them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::sms {

enum class Coding { kGsm7, kUcs2 };

// What the client asked for: `standard` (GSM-7 when every character fits, else UCS-2; never lossy) or
// `unicode` (always UCS-2).
enum class RequestedEncoding { kStandard, kUnicode };

inline constexpr std::size_t kDefaultMaxParts = 10;

// Parses the API's `encoding` value: "standard", "default" (= standard) or "unicode".
// On failure returns kInvalidArgument.
Result<RequestedEncoding> ParseRequestedEncoding(std::string_view name);

// Returns "gsm7" or "ucs2".
std::string_view CodingName(Coding coding);

// Returns the coding `text` is sent with. On failure returns kInvalidArgument for invalid UTF-8.
Result<Coding> ChooseCoding(std::string_view text, RequestedEncoding requested);

// Returns the septets `text` needs in GSM-7 (extension-table characters count 2).
// On failure returns kInvalidArgument: invalid UTF-8 or a character GSM-7 cannot represent.
Result<std::size_t> Gsm7Length(std::string_view text);

// Returns the UTF-16 units `text` needs (characters above U+FFFF count 2).
// On failure returns kInvalidArgument for invalid UTF-8.
Result<std::size_t> Utf16Length(std::string_view text);

// Cuts `text` into the UTF-8 texts of its parts for `coding`. A text that fits the single-part limit is one
// part (an empty text is one empty part); otherwise parts are filled greedily up to the concatenated limit,
// and an extension character (ESC pair) or a surrogate pair is never split, so a part may end one unit short.
// On failure returns kInvalidArgument: invalid UTF-8, a character `coding` cannot represent, or more than
// `max_parts` parts (message "Message is too long.", the API's wording).
Result<std::vector<std::string>> SplitIntoParts(std::string_view text, Coding coding,
                                                std::size_t max_parts = kDefaultMaxParts);

struct PartCount {
  Coding coding;
  std::size_t parts;  // may exceed max_parts; then too_long is true
  std::size_t units;  // septets for kGsm7, UTF-16 units for kUcs2
  bool too_long;      // parts > max_parts: the API answers "Message is too long."
};

// Chooses the coding as ChooseCoding does and counts parts and units the way SplitIntoParts would cut them.
// On failure returns kInvalidArgument for invalid UTF-8 (never for length: see PartCount::too_long).
Result<PartCount> CountParts(std::string_view text, RequestedEncoding requested,
                             std::size_t max_parts = kDefaultMaxParts);

}  // namespace osprey::smsgw::sms
