#include "smsgw/send/schedule.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace osprey::smsgw::send {
namespace {

std::int64_t EpochSeconds(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TEST(ParseSendDate, AcceptsUtcAndOffsets) {
  struct Case {
    const char* text;
    std::int64_t epoch;
  } cases[] = {
      {"2026-01-05T00:00:00Z", 1767571200},
      {"2026-01-05T02:30:00+02:30", 1767571200},
      {"2026-01-04T22:00:00-02:00", 1767571200},
      {"2024-02-29T12:00:00Z", 1709208000},  // leap day
  };
  for (const auto& c : cases) {
    auto t = ParseSendDate(c.text);
    ASSERT_TRUE(t.ok()) << c.text;
    EXPECT_EQ(EpochSeconds(*t), c.epoch) << c.text;
  }
}

TEST(ParseSendDate, WithoutOffsetUsesLocalTime) {
  setenv("TZ", "UTC", 1);
  tzset();
  auto t = ParseSendDate("2026-01-05T00:00:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(EpochSeconds(*t), 1767571200);
}

TEST(ParseSendDate, RejectsMalformed) {
  for (const char* text : {"", "2026-01-05", "2026-01-05 00:00:00", "2026-02-30T00:00:00Z",
                           "2026-01-05T24:00:00Z", "2026-01-05T00:00:00+0200", "2026-01-05T00:00:00X",
                           "2026-1-05T00:00:00Z", "2026-01-05T00:00:00ZZ", "tomorrow"}) {
    auto t = ParseSendDate(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.error().message(), "Wrong date format.");
  }
}

TEST(ParseTimeOfDay, Table) {
  struct Case {
    const char* text;
    int minute;  // -1: rejected
  } cases[] = {{"00:00", 0},  {"08:30", 510},   {"23:59", 1439}, {"24:00", -1}, {"8:30", -1},
               {"08:60", -1}, {"08:30:00", -1}, {"", -1},        {"ab:cd", -1}};
  for (const auto& c : cases) {
    auto m = ParseTimeOfDay(c.text);
    if (c.minute < 0) {
      ASSERT_FALSE(m.ok()) << c.text;
      EXPECT_EQ(m.error().message(), "Wrong time format.");
    } else {
      ASSERT_TRUE(m.ok()) << c.text;
      EXPECT_EQ(*m, c.minute) << c.text;
    }
  }
}

}  // namespace
}  // namespace osprey::smsgw::send
