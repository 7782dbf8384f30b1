#include "smsgw/sms/validity.hpp"

#include <gtest/gtest.h>

#include <string>

namespace osprey::smsgw::sms {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::weeks;

struct ValidityCase {
  std::string_view name;
  Validity validity;
  std::uint8_t tp_vp;
  minutes duration;
};

// smseagle-api.md §5 / modems-and-sms.md §4 item 9.
constexpr ValidityCase kCases[] = {
    {"5m", Validity::k5m, 0, minutes(5)},    {"10m", Validity::k10m, 1, minutes(10)},
    {"30m", Validity::k30m, 5, minutes(30)}, {"1h", Validity::k1h, 11, hours(1)},
    {"2h", Validity::k2h, 23, hours(2)},     {"4h", Validity::k4h, 47, hours(4)},
    {"12h", Validity::k12h, 143, hours(12)}, {"1d", Validity::k1d, 167, days(1)},
    {"2d", Validity::k2d, 168, days(2)},     {"5d", Validity::k5d, 171, days(5)},
    {"1w", Validity::k1w, 173, weeks(1)},    {"2w", Validity::k2w, 180, weeks(2)},
    {"4w", Validity::k4w, 194, weeks(4)},    {"max", Validity::kMax, 255, weeks(63)},
};

TEST(ValidityTest, EnumTable) {
  for (const ValidityCase& c : kCases) {
    SCOPED_TRACE(std::string(c.name));
    Result<Validity> validity = ParseValidity(c.name);
    ASSERT_TRUE(validity.ok());
    EXPECT_EQ(*validity, c.validity);
    EXPECT_EQ(ValidityName(c.validity), c.name);
    EXPECT_EQ(ValidityToTpVp(c.validity), c.tp_vp);
    EXPECT_EQ(ValidityDuration(c.validity), c.duration);
  }
  EXPECT_EQ(kDefaultValidity, Validity::kMax);
}

TEST(ValidityTest, ParseRejectsUnknownNames) {
  for (std::string_view bad : {"", "MAX", "1H", "3d", "5 m", "60", "1m", "max "}) {
    Result<Validity> validity = ParseValidity(bad);
    ASSERT_FALSE(validity.ok()) << bad;
    EXPECT_EQ(validity.error().code(), ErrorCode::kInvalidArgument);
  }
}

struct TpVpCase {
  int tp_vp;
  minutes duration;
};

// Range edges of TS 23.040 §9.2.3.12.1.
constexpr TpVpCase kTpVp[] = {
    {0, minutes(5)},
    {1, minutes(10)},
    {143, hours(12)},
    {144, minutes(12 * 60 + 30)},
    {166, hours(23) + minutes(30)},
    {167, hours(24)},
    {168, days(2)},
    {196, days(30)},
    {197, weeks(5)},
    {254, weeks(62)},
    {255, weeks(63)},
};

TEST(ValidityTest, TpVpToDuration) {
  for (const TpVpCase& c : kTpVp) {
    SCOPED_TRACE(c.tp_vp);
    EXPECT_EQ(TpVpToDuration(static_cast<std::uint8_t>(c.tp_vp)), c.duration);
  }
}

TEST(ValidityTest, DurationIsMonotonic) {
  for (int vp = 1; vp <= 255; ++vp) {
    EXPECT_GT(TpVpToDuration(static_cast<std::uint8_t>(vp)),
              TpVpToDuration(static_cast<std::uint8_t>(vp - 1)))
        << vp;
  }
}

struct PriorityCase {
  int high_priority;
  int priority;  // -1: invalid
};

constexpr PriorityCase kPriorities[] = {
    {0, 0}, {1, 9}, {2, 2}, {3, 3},   {4, 4},   {5, 5},    {6, 6},
    {7, 7}, {8, 8}, {9, 9}, {-1, -1}, {10, -1}, {100, -1},
};

TEST(ValidityTest, HighPriorityToPriority) {
  for (const PriorityCase& c : kPriorities) {
    SCOPED_TRACE(c.high_priority);
    Result<int> priority = HighPriorityToPriority(c.high_priority);
    if (c.priority < 0) {
      ASSERT_FALSE(priority.ok());
      EXPECT_EQ(priority.error().code(), ErrorCode::kInvalidArgument);
    } else {
      ASSERT_TRUE(priority.ok());
      EXPECT_EQ(*priority, c.priority);
    }
  }
}

TEST(TpVpToDurationTest, CoversAllRanges) {
  using std::chrono::minutes;
  EXPECT_EQ(TpVpToDuration(0), minutes(5));
  EXPECT_EQ(TpVpToDuration(11), minutes(60));
  EXPECT_EQ(TpVpToDuration(143), minutes(12 * 60));
  EXPECT_EQ(TpVpToDuration(167), minutes(24 * 60));
  EXPECT_EQ(TpVpToDuration(168), minutes(2 * 24 * 60));
  EXPECT_EQ(TpVpToDuration(173), minutes(7 * 24 * 60));
  EXPECT_EQ(TpVpToDuration(255), minutes(63 * 7 * 24 * 60));
}

}  // namespace
}  // namespace osprey::smsgw::sms
