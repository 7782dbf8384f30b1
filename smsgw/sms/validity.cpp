#include "smsgw/sms/validity.hpp"

#include <array>
#include <cstddef>

namespace osprey::smsgw::sms {
namespace {

struct Entry {
  Validity validity;
  std::string_view name;
  std::uint8_t tp_vp;
};

// Indexed by Validity.
constexpr std::array<Entry, 14> kTable = {{
    {Validity::k5m, "5m", 0},
    {Validity::k10m, "10m", 1},
    {Validity::k30m, "30m", 5},
    {Validity::k1h, "1h", 11},
    {Validity::k2h, "2h", 23},
    {Validity::k4h, "4h", 47},
    {Validity::k12h, "12h", 143},
    {Validity::k1d, "1d", 167},
    {Validity::k2d, "2d", 168},
    {Validity::k5d, "5d", 171},
    {Validity::k1w, "1w", 173},
    {Validity::k2w, "2w", 180},
    {Validity::k4w, "4w", 194},
    {Validity::kMax, "max", 255},
}};

const Entry& EntryFor(Validity validity) { return kTable[static_cast<std::size_t>(validity)]; }

}  // namespace

Result<Validity> ParseValidity(std::string_view name) {
  for (const Entry& e : kTable) {
    if (e.name == name) return e.validity;
  }
  return Error(ErrorCode::kInvalidArgument, "The value you selected is not a valid choice.");
}

std::string_view ValidityName(Validity validity) { return EntryFor(validity).name; }

std::uint8_t ValidityToTpVp(Validity validity) { return EntryFor(validity).tp_vp; }

std::chrono::minutes TpVpToDuration(std::uint8_t tp_vp) {
  using std::chrono::minutes;
  const int vp = tp_vp;
  if (vp <= 143) return minutes((vp + 1) * 5);
  if (vp <= 167) return minutes(12 * 60 + (vp - 143) * 30);
  if (vp <= 196) return minutes((vp - 166) * 24 * 60);
  return minutes((vp - 192) * 7 * 24 * 60);
}

std::chrono::minutes ValidityDuration(Validity validity) { return TpVpToDuration(ValidityToTpVp(validity)); }

Result<int> HighPriorityToPriority(int high_priority) {
  if (high_priority == 0) return 0;
  if (high_priority == 1) return 9;
  if (high_priority >= 2 && high_priority <= 9) return high_priority;
  return Error(ErrorCode::kInvalidArgument, "highpriority must be 0..9");
}

}  // namespace osprey::smsgw::sms
