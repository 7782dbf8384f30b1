#include "osprey/core/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace osprey {
namespace {

TEST(RateLimiterTest, UnlimitedAlwaysAllows) {
  FakeClock clock;
  RateLimiter limiter({0, 1}, clock);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Allow(1));
}

TEST(RateLimiterTest, BurstThenRefillAtTheRate) {
  FakeClock clock;
  RateLimiter limiter({2, 3}, clock);  // 2/s, bursts of 3
  EXPECT_TRUE(limiter.Allow(7));
  EXPECT_TRUE(limiter.Allow(7));
  EXPECT_TRUE(limiter.Allow(7));
  EXPECT_FALSE(limiter.Allow(7));
  clock.Advance(std::chrono::milliseconds(499));
  EXPECT_FALSE(limiter.Allow(7));
  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(limiter.Allow(7));
  EXPECT_FALSE(limiter.Allow(7));
  clock.Advance(std::chrono::seconds(60));  // refills to the burst, not beyond
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow(7));
  EXPECT_FALSE(limiter.Allow(7));
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  FakeClock clock;
  RateLimiter limiter({1, 1}, clock);
  EXPECT_TRUE(limiter.Allow(1));
  EXPECT_FALSE(limiter.Allow(1));
  EXPECT_TRUE(limiter.Allow(2));
}

TEST(RateLimiterTest, ForgottenIdleKeysStartWithAFullBucket) {
  FakeClock clock;
  RateLimiter limiter({1, 2}, clock);
  for (std::int64_t k = 0; k < 100; ++k) EXPECT_TRUE(limiter.Allow(k));
  clock.Advance(std::chrono::seconds(5));
  EXPECT_TRUE(limiter.Allow(0));
  EXPECT_TRUE(limiter.Allow(0));
  EXPECT_FALSE(limiter.Allow(0));
}

}  // namespace
}  // namespace osprey
