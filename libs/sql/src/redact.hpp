// Keeping database passwords out of messages. Internal to osprey_sql; pure functions, thread-safe.
#pragma once

#include <string>

namespace osprey::sql::internal {

// Returns `text` (typically a driver's error message about `url`) with every password that `url` carries,
// raw or percent-decoded, replaced by "***". libpq quotes malformed URIs in its messages.
std::string ScrubPasswords(std::string text, const std::string& url);

// The first line of a driver's message. PostgreSQL's goes on with lines such as "DETAIL:  Failing row
// contains (...)" that quote the row's bound values (a hashed PIN, a message text); the first line names the
// problem.
inline std::string FirstLine(const std::string& message) { return message.substr(0, message.find('\n')); }

}  // namespace osprey::sql::internal
