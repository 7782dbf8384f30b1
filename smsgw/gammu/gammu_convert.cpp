// Conversions between libgammu's types and Osprey's (gammu_internal.hpp).
#include <cstring>
#include <ctime>
#include <vector>

#include "smsgw/gammu/gammu_internal.hpp"

namespace osprey::smsgw::gammu {

Status Utf8ToGammu(std::string_view utf8, unsigned char* dst, std::size_t capacity) {
  // DecodeUTF8 needs a NUL-terminated source and up to 4 bytes per input byte (§1 item 9).
  const std::string source(utf8);
  std::vector<unsigned char> scratch((source.size() + 1) * 4, 0);
  DecodeUTF8(scratch.data(), source.c_str(), source.size());
  const std::size_t bytes = (UnicodeLength(scratch.data()) + 1) * 2;
  if (bytes > capacity) return Error(ErrorCode::kInvalidArgument, "text too long for one SMS part");
  std::memcpy(dst, scratch.data(), bytes);
  return OkStatus();
}

std::string GammuToUtf8(const unsigned char* text) {
  // EncodeUTF8 writes at most 4 bytes per UTF-16 unit (surrogate pairs: 4 bytes for 2 units).
  std::vector<char> out((UnicodeLength(text) + 1) * 4, 0);
  EncodeUTF8(out.data(), text);
  return std::string(out.data());
}

std::string GammuErrorText(GSM_Error error) {
  const char* name = GSM_ErrorName(error);
  const char* text = GSM_ErrorString(error);
  return std::string(name != nullptr ? name : "ERR_?") + " (" + (text != nullptr ? text : "") + ")";
}

bool IsDeviceError(GSM_Error error) {
  switch (error) {
    case ERR_DEVICEOPENERROR:
    case ERR_DEVICELOCKED:
    case ERR_DEVICENOTEXIST:
    case ERR_DEVICEBUSY:
    case ERR_DEVICENOPERMISSION:
    case ERR_DEVICENODRIVER:
    case ERR_DEVICENOTWORK:
    case ERR_DEVICECHANGESPEEDERROR:
    case ERR_DEVICEWRITEERROR:
    case ERR_DEVICEREADERROR:
    case ERR_DEVICEPARITYERROR:
    case ERR_NOTCONNECTED: return true;
    default: return false;
  }
}

Clock::TimePoint GammuTime(const GSM_DateTime& time, Clock::TimePoint fallback) {
  if (time.Year <= 0 || time.Month <= 0 || time.Day <= 0) return fallback;
  std::tm tm{};
  tm.tm_year = time.Year - 1900;
  tm.tm_mon = time.Month - 1;
  tm.tm_mday = time.Day;
  tm.tm_hour = time.Hour;
  tm.tm_min = time.Minute;
  tm.tm_sec = time.Second;
  const std::time_t utc = timegm(&tm) - time.Timezone;  // Timezone: offset from UTC in seconds
  return Clock::TimePoint(std::chrono::seconds(utc));
}

}  // namespace osprey::smsgw::gammu
