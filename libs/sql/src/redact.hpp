// Keeping database passwords out of messages. Internal to osprey_sql; pure functions, thread-safe.
#pragma once

#include <string>

namespace osprey::sql::internal {

// Returns `text` (typically a driver's error message about `url`) with every password that `url` carries,
// raw or percent-decoded, replaced by "***". libpq quotes malformed URIs in its messages.
std::string ScrubPasswords(std::string text, const std::string& url);

}  // namespace osprey::sql::internal
