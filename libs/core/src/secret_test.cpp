#include "osprey/core/secret.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace osprey {
namespace {

TEST(SecretTest, NeverPrints) {
  const Secret secret("123456-very-secret");
  EXPECT_EQ(fmt::format("{}", secret), "<redacted>");
  EXPECT_EQ(fmt::format("pin={:>12}", secret), "pin=  <redacted>");
  std::ostringstream os;
  os << secret;
  EXPECT_EQ(os.str(), "<redacted>");
}

TEST(SecretTest, ComparesByContent) {
  const Secret secret("1234");
  EXPECT_TRUE(secret.Equals("1234"));
  EXPECT_FALSE(secret.Equals("1235"));
  EXPECT_FALSE(secret.Equals("123"));
  EXPECT_TRUE(secret.Equals(Secret("1234")));
  EXPECT_TRUE(Secret().Equals(""));
}

TEST(SecretTest, MovesAndClonesExplicitly) {
  Secret a("seed");
  const Secret copy = a.Clone();
  Secret b = std::move(a);
  EXPECT_TRUE(b.Equals("seed"));
  EXPECT_TRUE(copy.Equals("seed"));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from Secret is empty by contract
  static_assert(!std::is_copy_constructible_v<Secret>);
  static_assert(!std::is_copy_assignable_v<Secret>);
}

}  // namespace
}  // namespace osprey
