#include "smsgw/send/schedule.hpp"

#include <ctime>
#include <optional>

namespace osprey::smsgw::send {
namespace {

// Reads exactly `n` ASCII digits at `pos`.
std::optional<int> Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool ValidCalendar(int y, int mo, int d, int h, int mi, int se) {
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  return ymd.ok() && h <= 23 && mi <= 59 && se <= 59;
}

// The offset east of UTC in seconds for a "Z" or "±hh:mm" suffix; nullopt for a malformed one.
std::optional<long> OffsetSeconds(std::string_view suffix) {
  if (suffix == "Z") return 0;
  if (suffix.size() != 6 || (suffix[0] != '+' && suffix[0] != '-') || suffix[3] != ':') return std::nullopt;
  auto h = Digits(suffix, 1, 2), m = Digits(suffix, 4, 2);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  const long seconds = *h * 3600L + *m * 60L;
  return suffix[0] == '-' ? -seconds : seconds;
}

}  // namespace

Result<Clock::TimePoint> ParseSendDate(std::string_view text) {
  const Error bad(ErrorCode::kInvalidArgument, "Wrong date format.");
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return bad;
  }
  auto y = Digits(text, 0, 4), mo = Digits(text, 5, 2), d = Digits(text, 8, 2);
  auto h = Digits(text, 11, 2), mi = Digits(text, 14, 2), se = Digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || !ValidCalendar(*y, *mo, *d, *h, *mi, *se)) return bad;
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = *h;
  tm.tm_min = *mi;
  tm.tm_sec = *se;
  std::time_t t = 0;
  if (text.size() == 19) {
    tm.tm_isdst = -1;  // let the C library decide whether DST applied at that local time
    t = std::mktime(&tm);
  } else {
    auto offset = OffsetSeconds(text.substr(19));
    if (!offset) return bad;
    t = timegm(&tm) - *offset;
  }
  return Clock::TimePoint(std::chrono::seconds(t));
}

Result<int> ParseTimeOfDay(std::string_view text) {
  auto h = Digits(text, 0, 2), m = Digits(text, 3, 2);
  if (text.size() != 5 || text[2] != ':' || !h || !m || *h > 23 || *m > 59) {
    return Error(ErrorCode::kInvalidArgument, "Wrong time format.");
  }
  return *h * 60 + *m;
}

}  // namespace osprey::smsgw::send
