// Parsing the schedule fields of a send request (smseagle-api.md §5): `date` and the daily window
// `send_after`/`send_before`. Pure functions; any thread may call them.
#pragma once

#include <string_view>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"

namespace osprey::smsgw::send {

// Parses "YYYY-MM-DDThh:mm:ss" with an optional "Z" or "±hh:mm" suffix. Without a suffix the time is read in
// the process's local time zone (the gateway's local time). On failure returns kInvalidArgument: any other
// shape or an impossible calendar date or time.
Result<Clock::TimePoint> ParseSendDate(std::string_view text);

// Parses "hh:mm" (00:00..23:59) and returns the minute of the day (0..1439). On failure returns
// kInvalidArgument.
Result<int> ParseTimeOfDay(std::string_view text);

}  // namespace osprey::smsgw::send
