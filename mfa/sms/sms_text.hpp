// The texts of an SMS token (spec privacyidea-api.md §11.3, §11.4): the SMS itself (`smstext` policy) and the
// challenge message (`sms_challenge_text` policy), with privacyIDEA's tag rules.
// Thread rule: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "osprey/core/result.hpp"

namespace osprey::mfa::sms {

// Tag values; a tag present with nullopt renders as Python's `None` in the SMS text (§11.3).
using TextTags = std::map<std::string, std::optional<std::string>, std::less<>>;

// §11.3: `\,` → `,`; every `<otp>` → otp; every `<serial>` → serial; then `{name}` → the tag (`{{`/`}}` give
// a brace). kInvalidArgument naming the tag when a `{name}` is not in `tags` (the send fails, §11.5).
Result<std::string> RenderSmsText(std::string_view text, const TextTags& tags);

// §11.4: `\,` → `,`; then `{name}` → the tag (`None` for a tag without a value), "" for unknown tags.
std::string RenderChallengeText(std::string_view text, const TextTags& tags);

// `****-******` + the last two characters of `phone` (§11.4 `phone_redacted`).
std::string RedactPhone(std::string_view phone);

}  // namespace osprey::mfa::sms
