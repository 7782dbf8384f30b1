#include "mfa/audit/audit_rotator.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "mfa/audit/audit_test_support.hpp"

namespace osprey::mfa::audit {
namespace {

using testing::AuditTest;

class AuditRotatorTest : public AuditTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(AuditRotatorTest);

TEST_P(AuditRotatorTest, RotatesEveryIntervalAndStopsPromptly) {
  AppendMany(10);
  RetentionOptions options;
  options.max_rows = 3;
  options.batch = 2;
  AuditRotator rotator(*log_, options, std::chrono::milliseconds(20));
  rotator.Start();
  rotator.Start();  // idempotent
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (rotator.runs() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(rotator.runs(), 2);
  EXPECT_EQ(Ids().size(), 3u);
  const auto stop_start = std::chrono::steady_clock::now();
  rotator.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, std::chrono::seconds(5));
  rotator.Stop();  // idempotent
  EXPECT_TRUE(VerifyOrDie().ok);
}

TEST_P(AuditRotatorTest, WithoutLimitsItNeverStarts) {
  AppendMany(3);
  AuditRotator rotator(*log_, RetentionOptions{}, std::chrono::milliseconds(1));
  rotator.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(rotator.runs(), 0);
  EXPECT_EQ(Ids().size(), 3u);
}

TEST_P(AuditRotatorTest, StopEndsARotationBetweenBatches) {
  AppendMany(10);
  RetentionOptions options;
  options.max_rows = 0;
  options.batch = 1;
  AuditRotator rotator(*log_, options, std::chrono::hours(1));
  rotator.Stop();  // stopping before RunOnce: the first batch runs, then the stop is seen
  auto report = rotator.RunOnce();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->deleted, 1);
  EXPECT_EQ(report->batches, 1);
  EXPECT_EQ(Ids().size(), 9u);
  EXPECT_TRUE(VerifyOrDie().ok);
}

TEST_P(AuditRotatorTest, RunOnceAppliesTheLimits) {
  AppendMany(6);
  RetentionOptions options;
  options.max_rows = 4;
  AuditRotator rotator(*log_, options, std::chrono::hours(1));
  auto report = rotator.RunOnce();
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_EQ(report->deleted, 2);
  EXPECT_EQ(Ids().size(), 4u);
}

}  // namespace
}  // namespace osprey::mfa::audit
