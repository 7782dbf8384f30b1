// Recipient phone number validation and normalisation (smseagle-api.md §5). Pure functions; any thread may
// call.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::smsgw::sms {

inline constexpr std::size_t kMaxPhoneDigits = 20;

// How a leading space is read. APIv1 clients that do not URL-encode their query turn "+49..." into " 49...".
enum class LeadingSpace { kSeparator, kWasPlus };

// Returns `raw` with the separators space, '-', '.', '/', '(' and ')' removed. With LeadingSpace::kWasPlus a
// space in the very first position is read as '+' first. The result is '+'? followed by 1..kMaxPhoneDigits
// ASCII digits. On failure returns kInvalidArgument ("Invalid phone number."): any other character, a '+'
// that is not first, or no digits or too many. The normalised form is for validation and matching; callers
// store and echo the client's string.
Result<std::string> NormalizePhoneNumber(std::string_view raw,
                                         LeadingSpace leading_space = LeadingSpace::kSeparator);

}  // namespace osprey::smsgw::sms
