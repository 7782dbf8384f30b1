#include "osprey/core/password.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "password_internal.hpp"

namespace osprey::crypto {
namespace {

// The smallest cost keeps the suite fast; the cost does not change what is being tested.
const PasswordOptions kFast = PasswordOptions::Minimum();

TEST(PasswordTest, HashesToArgon2idPhcStringAndVerifies) {
  const Secret password("correct horse battery staple");
  const Result<std::string> stored = HashPassword(password, kFast);
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(stored->rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << *stored;
  EXPECT_TRUE(VerifyPassword(password, *stored));
  EXPECT_FALSE(VerifyPassword(Secret("correct horse battery stapler"), *stored));
  EXPECT_FALSE(VerifyPassword(Secret(""), *stored));
}

// argon2id holds memlimit bytes per computation: a burst of logins must not run more at once than there are
// cores (each would take 64 MiB with the default cost).
TEST(PasswordTest, NoMoreHashesRunAtOnceThanThereAreSlots) {
  const std::size_t threads = 8 * internal::PasswordHashSlots();
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < threads; ++i) {
    pool.emplace_back([] {
      const Secret password("pw");
      for (int k = 0; k < 20; ++k) {
        auto stored = HashPassword(password, kFast);
        ASSERT_TRUE(stored.ok());
        EXPECT_TRUE(VerifyPassword(password, *stored));
      }
    });
  }
  for (std::thread& t : pool) t.join();
  EXPECT_GE(internal::PeakPasswordHashes(), 1u);
  EXPECT_LE(internal::PeakPasswordHashes(), internal::PasswordHashSlots());
}

TEST(PasswordTest, SaltsEveryHash) {
  const Secret password("hunter2");
  EXPECT_NE(*HashPassword(password, kFast), *HashPassword(password, kFast));
}

TEST(PasswordTest, EmptyPasswordWorks) {
  const Secret empty;
  const Result<std::string> stored = HashPassword(empty, kFast);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(VerifyPassword(empty, *stored));
  EXPECT_FALSE(VerifyPassword(Secret("x"), *stored));
}

TEST(PasswordTest, MalformedStoredHashesDoNotVerify) {
  const Secret password("hunter2");
  const std::string stored = *HashPassword(password, kFast);
  for (const std::string& bad : {std::string(), std::string("hunter2"), stored.substr(0, stored.size() - 2),
                                 std::string(200, '$'), "$argon2i$" + stored.substr(10)}) {
    EXPECT_FALSE(VerifyPassword(password, bad)) << bad;
  }
}

TEST(PasswordTest, NeedsRehashWhenTheCostChanges) {
  const std::string stored = *HashPassword(Secret("hunter2"), kFast);
  EXPECT_FALSE(NeedsRehash(stored, kFast));
  EXPECT_TRUE(NeedsRehash(stored));  // the default is INTERACTIVE
  EXPECT_TRUE(NeedsRehash("not a hash"));
}

TEST(PasswordTest, RejectsCostOutsideLibsodiumLimits) {
  const Result<std::string> r = HashPassword(Secret("x"), PasswordOptions{0, 8192});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(HashPassword(Secret("x"), PasswordOptions{1, 1024}).ok());
}

TEST(PasswordTest, DefaultsAreInteractive) {
  EXPECT_EQ(PasswordOptions{}.opslimit, 2u);
  EXPECT_EQ(PasswordOptions{}.memlimit, std::size_t{64} << 20);
}

}  // namespace
}  // namespace osprey::crypto
