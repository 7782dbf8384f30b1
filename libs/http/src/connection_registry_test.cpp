#include "connection_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace osprey::http::internal {
namespace {

struct FakeConnection : Connection {
  void Drain() override { ++drained; }
  void Abort() override { ++aborted; }
  int drained = 0;
  int aborted = 0;
};

TEST(ConnectionRegistryTest, EnforcesTheCap) {
  ConnectionRegistry registry(2);
  auto a = std::make_shared<FakeConnection>();
  auto b = std::make_shared<FakeConnection>();
  auto c = std::make_shared<FakeConnection>();
  const auto id_a = registry.Add(a);
  EXPECT_NE(id_a, 0u);
  EXPECT_NE(registry.Add(b), 0u);
  EXPECT_EQ(registry.Add(c), 0u);
  registry.Remove(id_a);
  EXPECT_NE(registry.Add(c), 0u);
  EXPECT_EQ(registry.size(), 2u);
}

TEST(ConnectionRegistryTest, DrainAllRefusesNewAndDrainsLive) {
  ConnectionRegistry registry(10);
  auto a = std::make_shared<FakeConnection>();
  const auto id = registry.Add(a);
  registry.DrainAll();
  EXPECT_EQ(a->drained, 1);
  EXPECT_EQ(registry.Add(std::make_shared<FakeConnection>()), 0u);
  registry.AbortAll();
  EXPECT_EQ(a->aborted, 1);
  EXPECT_FALSE(registry.WaitUntilEmpty(std::chrono::steady_clock::now() + std::chrono::milliseconds(10)));
  registry.Remove(id);
  EXPECT_TRUE(registry.WaitUntilEmpty(std::chrono::steady_clock::now()));
}

}  // namespace
}  // namespace osprey::http::internal
