#include "osprey/core/clock.hpp"

namespace osprey {

double Clock::UnixSeconds() const { return std::chrono::duration<double>(Now().time_since_epoch()).count(); }

std::int64_t ToUnixMillis(Clock::TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Clock::TimePoint FromUnixMillis(std::int64_t ms) {
  using Duration = Clock::TimePoint::duration;
  constexpr std::int64_t kMax = std::chrono::floor<std::chrono::milliseconds>(Duration::max()).count();
  constexpr std::int64_t kMin = std::chrono::ceil<std::chrono::milliseconds>(Duration::min()).count();
  if (ms > kMax) return Clock::TimePoint::max();
  if (ms < kMin) return Clock::TimePoint::min();
  return Clock::TimePoint(std::chrono::duration_cast<Duration>(std::chrono::milliseconds(ms)));
}

}  // namespace osprey
