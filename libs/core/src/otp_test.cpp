#include "osprey/core/otp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace osprey::otp {
namespace {

using crypto::HashAlgorithm;

constexpr std::string_view kSha1Seed = "12345678901234567890";
constexpr std::string_view kSha256Seed = "12345678901234567890123456789012";
constexpr std::string_view kSha512Seed = "1234567890123456789012345678901234567890123456789012345678901234";

// RFC 4226 Appendix D.
TEST(HotpTest, Rfc4226Vectors) {
  const char* const expected[] = {"755224", "287082", "359152", "969429", "338314",
                                  "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(Hotp(kSha1Seed, counter, 6, HashAlgorithm::kSha1), expected[counter]) << counter;
  }
  EXPECT_EQ(Hotp(kSha1Seed, 10, 6, HashAlgorithm::kSha1), "403154");
}

TEST(HotpTest, SpanAndStringViewKeysAgree) {
  const std::vector<std::uint8_t> key(kSha1Seed.begin(), kSha1Seed.end());
  EXPECT_EQ(Hotp(std::span<const std::uint8_t>(key), 1, 6, HashAlgorithm::kSha1), "287082");
  EXPECT_EQ(Totp(std::span<const std::uint8_t>(key), 59, 30, 8, HashAlgorithm::kSha1), "94287082");
}

TEST(HotpTest, KeepsLeadingZerosAndChecksDigits) {
  // RFC 6238 at t=1111111109 with SHA1 is 07081804: the leading zero must survive.
  EXPECT_EQ(Hotp(kSha1Seed, 1111111109 / 30, 8, HashAlgorithm::kSha1), "07081804");
  EXPECT_EQ(Hotp(kSha1Seed, 1111111109 / 30, 7, HashAlgorithm::kSha1), "7081804");
  EXPECT_EQ(Hotp(kSha1Seed, 1111111109 / 30, 1, HashAlgorithm::kSha1), "4");
  EXPECT_THROW((void)Hotp(kSha1Seed, 0, 0, HashAlgorithm::kSha1), std::invalid_argument);
  EXPECT_THROW((void)Hotp(kSha1Seed, 0, 10, HashAlgorithm::kSha1), std::invalid_argument);
}

TEST(HotpTest, UsesTheWholeCounter) {
  const std::uint64_t big = std::uint64_t{1} << 40;
  EXPECT_NE(Hotp(kSha1Seed, big, 8, HashAlgorithm::kSha1), Hotp(kSha1Seed, 0, 8, HashAlgorithm::kSha1));
}

// Hmac keeps per-thread contexts; threads mixing keys and algorithms must not see each other's state.
TEST(HotpTest, ConcurrentCallsAgree) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 200; ++i) {
        if (Hotp(kSha1Seed, 1, 6, HashAlgorithm::kSha1) != "287082") ++failures[t];
        if (Totp(kSha256Seed, 59, 30, 8, HashAlgorithm::kSha256) != "46119246") ++failures[t];
        if (Hotp(std::to_string(t), i, 6, HashAlgorithm::kSha1).size() != 6) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

// RFC 6238 Appendix B, 8 digits, 30-second steps.
struct TotpVector {
  std::int64_t time;
  std::string_view sha1;
  std::string_view sha256;
  std::string_view sha512;
};
constexpr TotpVector kRfc6238[] = {
    {59, "94287082", "46119246", "90693936"},         {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"}, {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"}, {20000000000, "65353130", "77737706", "47863826"},
};

TEST(TotpTest, Rfc6238Vectors) {
  for (const TotpVector& v : kRfc6238) {
    SCOPED_TRACE(v.time);
    EXPECT_EQ(Totp(kSha1Seed, v.time, 30, 8, HashAlgorithm::kSha1), v.sha1);
    EXPECT_EQ(Totp(kSha256Seed, v.time, 30, 8, HashAlgorithm::kSha256), v.sha256);
    EXPECT_EQ(Totp(kSha512Seed, v.time, 30, 8, HashAlgorithm::kSha512), v.sha512);
  }
}

TEST(TotpTest, SixDigitsAreTheLastSixOfEight) {
  EXPECT_EQ(Totp(kSha1Seed, 59, 30, 6, HashAlgorithm::kSha1), "287082");
  for (const TotpVector& v : kRfc6238) {
    EXPECT_EQ(Totp(kSha256Seed, v.time, 30, 6, HashAlgorithm::kSha256), v.sha256.substr(2));
  }
}

TEST(TotpCounterTest, FloorsShiftsAndNeverGoesNegative) {
  struct Case {
    std::int64_t time;
    int step;
    std::int64_t shift;
    std::uint64_t expected;
  };
  const Case cases[] = {
      {0, 30, 0, 0},
      {29, 30, 0, 0},
      {30, 30, 0, 1},
      {59, 30, 0, 1},
      {59, 60, 0, 0},
      {1111111109, 30, 0, 37037036},
      {20000000000, 30, 0, 666666666},
      {59, 30, 1, 2},
      {60, 30, -1, 1},
      {-1, 30, 0, 0},
      {-100, 30, 0, 0},
      {10, 30, -100, 0},
      {std::numeric_limits<std::int64_t>::max(), 1, 1,
       static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())},
      {std::numeric_limits<std::int64_t>::min(), 30, -1, 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TotpCounter(c.time, c.step, c.shift), c.expected) << c.time << " " << c.step << " " << c.shift;
  }
  EXPECT_THROW((void)TotpCounter(59, 0), std::invalid_argument);
  EXPECT_THROW((void)TotpCounter(59, -30), std::invalid_argument);
}

}  // namespace
}  // namespace osprey::otp
