#include "osprey/core/clock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

namespace osprey {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using TimePoint = Clock::TimePoint;

TEST(UnixMillisTest, ToUnixMillisRoundsTowardsThePast) {
  struct Case {
    TimePoint time;
    std::int64_t ms;
  };
  const Case cases[] = {
      {TimePoint{}, 0},
      {TimePoint(nanoseconds(999'999)), 0},
      {TimePoint(nanoseconds(1'000'000)), 1},
      {TimePoint(milliseconds(1'796'029'507'042) + nanoseconds(999'999)), 1'796'029'507'042},
      {TimePoint(nanoseconds(-1)), -1},
      {TimePoint(nanoseconds(-1'000'000)), -1},
      {TimePoint(nanoseconds(-1'000'001)), -2},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ToUnixMillis(c.time), c.ms) << c.time.time_since_epoch().count() << " ns";
  }
}

TEST(UnixMillisTest, FromUnixMillisIsExactAndRoundTrips) {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{1'796'029'507'042},
                          std::int64_t{-86'400'000}}) {
    EXPECT_EQ(FromUnixMillis(ms).time_since_epoch(), milliseconds(ms));
    EXPECT_EQ(ToUnixMillis(FromUnixMillis(ms)), ms);
  }
  const TimePoint t(nanoseconds(1'796'029'507'042'123'456));
  EXPECT_LE(FromUnixMillis(ToUnixMillis(t)), t);
  EXPECT_GT(FromUnixMillis(ToUnixMillis(t)) + milliseconds(1), t);
}

TEST(UnixMillisTest, FromUnixMillisSaturatesOutsideTheTimePointRange) {
  const std::int64_t last = ToUnixMillis(TimePoint::max());
  EXPECT_EQ(ToUnixMillis(FromUnixMillis(last)), last);
  EXPECT_EQ(FromUnixMillis(last + 1), TimePoint::max());
  EXPECT_EQ(FromUnixMillis(std::numeric_limits<std::int64_t>::max()), TimePoint::max());
  const std::int64_t first = ToUnixMillis(TimePoint::min()) + 1;
  EXPECT_EQ(ToUnixMillis(FromUnixMillis(first)), first);
  EXPECT_EQ(FromUnixMillis(first - 1), TimePoint::min());
  EXPECT_EQ(FromUnixMillis(std::numeric_limits<std::int64_t>::min()), TimePoint::min());
}

TEST(FakeClockTest, UnixSecondsFollowsTheClock) {
  FakeClock clock;
  clock.SetUnixSeconds(1'796'029'507);
  clock.Advance(milliseconds(500));
  EXPECT_DOUBLE_EQ(clock.UnixSeconds(), 1'796'029'507.5);
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1'796'029'507'500);
}

}  // namespace
}  // namespace osprey
