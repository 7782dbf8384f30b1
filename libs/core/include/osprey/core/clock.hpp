// Clock: the one source of time for domain code, injected so that TOTP windows, challenge expiry and retry
// back-off are tested without sleeping. Implementations are thread-safe. Also the one conversion between a
// TimePoint and milliseconds since the Unix epoch (stored times, wire protocols); pure functions.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace osprey {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  // Wall-clock time (UTC), used for TOTP and stored timestamps.
  virtual TimePoint Now() const = 0;
  // Seconds since the Unix epoch as a double (privacyIDEA's `time` field).
  double UnixSeconds() const;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// Milliseconds since the Unix epoch, rounded down (towards the past, also before 1970), so that
// FromUnixMillis(ToUnixMillis(t)) <= t < that + 1 ms.
std::int64_t ToUnixMillis(Clock::TimePoint t);
// The time point `ms` milliseconds after the Unix epoch; exact. Saturates at TimePoint::min() / max() where
// `ms` lies beyond what a TimePoint holds (about the years 1677 to 2262), e.g. an untrusted JSON number.
Clock::TimePoint FromUnixMillis(std::int64_t ms);

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint{}) : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void Set(TimePoint t) { now_.store(t.time_since_epoch().count()); }
  void SetUnixSeconds(std::int64_t s) { Set(TimePoint(std::chrono::seconds(s))); }
  void Advance(TimePoint::duration d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<TimePoint::rep> now_;
};

}  // namespace osprey
