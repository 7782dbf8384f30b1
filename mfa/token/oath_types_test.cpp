#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mfa/token/oath_types.hpp"
#include "osprey/core/encoding.hpp"
#include "osprey/core/otp.hpp"

namespace osprey::mfa::token {
namespace {

const char* const kRfcHex = "3132333435363738393031323334353637383930";
const std::vector<std::string> kHotp = {"755224", "287082", "359152", "969429", "338314", "254676",
                                        "287922", "162583", "399871", "520489", "403154"};

Secret RfcKey() { return Secret(*HexDecode(kRfcHex)); }
Clock::TimePoint At(std::int64_t s) { return Clock::TimePoint(std::chrono::seconds(s)); }

TokenRecord Fresh(const TokenType& type, const InitParams& params = {}) {
  TokenRecord r;
  r.tokentype = type.Name();
  EXPECT_TRUE(type.Init(params, TokenDefaults{}, r).ok());
  return r;
}

TEST(HotpTypeTest, RfcVectorsZeroToNineAcceptedOnAFreshTokenTenNot) {
  HotpType type;
  for (int i = 0; i < 10; ++i) {
    TokenRecord r = Fresh(type);
    OtpCheck c = type.Check(r, RfcKey(), kHotp[i], At(0), {});
    EXPECT_TRUE(c.matched) << i;
    EXPECT_EQ(c.new_count, i + 1);
  }
  TokenRecord r = Fresh(type);
  OtpCheck c = type.Check(r, RfcKey(), kHotp[10], At(0), {});
  EXPECT_FALSE(c.matched);
  EXPECT_FALSE(c.previous);
  r.count = 1;  // window 1..10 now reaches HOTP(10)
  EXPECT_TRUE(type.Check(r, RfcKey(), kHotp[10], At(0), {}).matched);
}

TEST(HotpTypeTest, ReplayIsReportedAsPreviousOnlyForTheLastValue) {
  HotpType type;
  TokenRecord r = Fresh(type);
  r.count = 8;  // HOTP(7) was the last accepted
  OtpCheck last = type.Check(r, RfcKey(), kHotp[7], At(0), {});
  EXPECT_FALSE(last.matched);
  EXPECT_TRUE(last.previous);
  OtpCheck older = type.Check(r, RfcKey(), kHotp[2], At(0), {});
  EXPECT_FALSE(older.matched);
  EXPECT_FALSE(older.previous);
  r.count = 0;
  EXPECT_FALSE(type.Check(r, RfcKey(), "000000", At(0), {}).previous);
}

TEST(HotpTypeTest, InitAppliesDefaultsAndParameters) {
  HotpType type;
  TokenDefaults d;
  d.otplen = 8;
  d.count_window = 5;
  d.maxfail = 3;
  d.sync_window = 50;
  d.hotp_hashlib = "sha256";
  TokenRecord r;
  ASSERT_TRUE(type.Init({}, d, r).ok());
  EXPECT_EQ(r.otplen, 8);
  EXPECT_EQ(r.count_window, 5);
  EXPECT_EQ(r.maxfail, 3);
  EXPECT_EQ(r.sync_window, 50);
  EXPECT_EQ(r.Info("hashlib"), "sha256");
  TokenRecord p;
  ASSERT_TRUE(type.Init({{"otplen", "6"}, {"hashlib", "SHA512"}}, d, p).ok());
  EXPECT_EQ(p.otplen, 6);
  EXPECT_EQ(p.Info("hashlib"), "sha512");
  TokenRecord bad;
  auto st = type.Init({{"otplen", "x"}}, d, bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, 905);
  EXPECT_FALSE(type.Init({{"hashlib", "md5"}}, d, bad).ok());
}

TEST(HotpTypeTest, ResyncFindsTwoConsecutiveValues) {
  HotpType type;
  TokenRecord r = Fresh(type);
  auto ok = type.Resync(r, RfcKey(), kHotp[4], kHotp[5], At(0), {});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->new_count, 6);
  EXPECT_FALSE(type.Resync(r, RfcKey(), kHotp[4], kHotp[6], At(0), {}).has_value());
  r.sync_window = 4;  // counters 0..3: HOTP(4) is out of reach
  EXPECT_FALSE(type.Resync(r, RfcKey(), kHotp[4], kHotp[5], At(0), {}).has_value());
  r.count = 5;
  r.sync_window = 1000;
  EXPECT_FALSE(type.Resync(r, RfcKey(), kHotp[4], kHotp[5], At(0), {}).has_value());
}

struct TotpVector {
  std::int64_t time;
  std::string sha1, sha256, sha512;
};
const std::vector<TotpVector> kTotp = {
    {59, "94287082", "46119246", "90693936"},         {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"}, {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"}, {20000000000, "65353130", "77737706", "47863826"},
};

TEST(TotpTypeTest, Rfc6238TableAtEightAndSixDigits) {
  TotpType type;
  const std::string k20 = "12345678901234567890";
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"sha1", k20}, {"sha256", k20 + "123456789012"}, {"sha512", k20 + k20 + k20 + "1234"}};
  for (const TotpVector& v : kTotp) {
    const std::string expected[] = {v.sha1, v.sha256, v.sha512};
    for (int i = 0; i < 3; ++i) {
      for (int digits : {8, 6}) {
        TokenRecord r = Fresh(type, {{"hashlib", keys[i].first}, {"otplen", std::to_string(digits)}});
        const std::string code = expected[i].substr(8 - digits);
        if (v.time > 9'000'000'000) {
          // Beyond a nanosecond TimePoint (year 2262): the counter maths alone.
          auto h = *crypto::ParseHashAlgorithm(keys[i].first);
          EXPECT_EQ(otp::Hotp(keys[i].second, v.time / 30, digits, h), code);
          continue;
        }
        OtpCheck c = type.Check(r, Secret(keys[i].second), code, At(v.time), {});
        EXPECT_TRUE(c.matched) << v.time << " " << keys[i].first << " " << digits;
        EXPECT_EQ(c.new_count, v.time / 30);
        EXPECT_EQ(c.info_update["timeShift"], std::to_string((v.time / 30) * 30 - v.time));
      }
    }
  }
}

TEST(TotpTypeTest, WindowIsMinusSixToPlusFive) {
  TotpType type;
  const Secret key(std::string("12345678901234567890"));
  TokenRecord r = Fresh(type);
  const std::int64_t now = 1'700'000'000, t = now / 30;
  auto code_at = [&](std::int64_t c) { return otp::Hotp(key.bytes(), c, 6, crypto::HashAlgorithm::kSha1); };
  for (std::int64_t d = -8; d <= 7; ++d) {
    OtpCheck c = type.Check(r, key, code_at(t + d), At(now), {});
    EXPECT_EQ(c.matched, d >= -6 && d <= 5) << d;
  }
}

TEST(TotpTypeTest, LowerBoundIsClampedAtZero) {
  TotpType type;
  const Secret key(std::string("12345678901234567890"));
  TokenRecord r = Fresh(type);
  OtpCheck c = type.Check(r, key, otp::Hotp(key.bytes(), 0, 6, crypto::HashAlgorithm::kSha1), At(10), {});
  EXPECT_TRUE(c.matched);
  EXPECT_EQ(c.new_count, 0);
  EXPECT_EQ(c.info_update["timeShift"], "-10");
}

TEST(TotpTypeTest, ReplayOfTheLastCodeIsPreviousOlderCodesAreNot) {
  TotpType type;
  const Secret key(std::string("12345678901234567890"));
  TokenRecord r = Fresh(type);
  const std::int64_t now = 1'700'000'000, t = now / 30;
  auto code_at = [&](std::int64_t c) { return otp::Hotp(key.bytes(), c, 6, crypto::HashAlgorithm::kSha1); };
  OtpCheck first = type.Check(r, key, code_at(t), At(now), {});
  ASSERT_TRUE(first.matched);
  r.count = first.new_count;
  r.info["timeShift"] = first.info_update["timeShift"];
  OtpCheck again = type.Check(r, key, code_at(t), At(now + 1), {});
  EXPECT_FALSE(again.matched);
  EXPECT_TRUE(again.previous);
  OtpCheck older = type.Check(r, key, code_at(t - 1), At(now + 1), {});
  EXPECT_FALSE(older.matched);
  EXPECT_FALSE(older.previous);
  OtpCheck next = type.Check(r, key, code_at(t + 1), At(now + 30), {});
  EXPECT_TRUE(next.matched);
  EXPECT_EQ(next.new_count, t + 1);
}

TEST(TotpTypeTest, TimeShiftMovesTheWindow) {
  TotpType type;
  const Secret key(std::string("12345678901234567890"));
  TokenRecord r = Fresh(type);
  const std::int64_t now = 1'700'000'000, t = now / 30;
  auto code_at = [&](std::int64_t c) { return otp::Hotp(key.bytes(), c, 6, crypto::HashAlgorithm::kSha1); };
  // The device runs 5 steps ahead: accepted at the edge of the window, and the drift is stored.
  OtpCheck c = type.Check(r, key, code_at(t + 5), At(now), {});
  ASSERT_TRUE(c.matched);
  EXPECT_EQ(c.info_update["timeShift"], std::to_string((t + 5) * 30 - now));
  r.count = c.new_count;
  r.info["timeShift"] = c.info_update["timeShift"];
  // With the shift applied, t+10 (five steps beyond the stored counter) is again within reach.
  EXPECT_TRUE(type.Check(r, key, code_at(t + 10), At(now), {}).matched);
  r.info["timeShift"] = "0";
  EXPECT_FALSE(type.Check(r, key, code_at(t + 10), At(now), {}).matched);
}

TEST(TotpTypeTest, InitStoresStepWindowShiftAndHashlib) {
  TotpType type;
  TokenRecord r = Fresh(type, {{"timeStep", "60"}});
  EXPECT_EQ(r.Info("timeStep"), "60");
  EXPECT_EQ(r.Info("timeWindow"), "180");
  EXPECT_EQ(r.Info("timeShift"), "0");
  EXPECT_EQ(r.Info("hashlib"), "sha1");
  TokenRecord bad;
  EXPECT_FALSE(type.Init({{"timeStep", "0"}}, {}, bad).ok());
}

TEST(TotpTypeTest, ResyncStoresCounterAndShift) {
  TotpType type;
  const Secret key(std::string("12345678901234567890"));
  TokenRecord r = Fresh(type);
  const std::int64_t now = 1'700'000'000, t = now / 30;
  auto code_at = [&](std::int64_t c) { return otp::Hotp(key.bytes(), c, 6, crypto::HashAlgorithm::kSha1); };
  auto ok = type.Resync(r, key, code_at(t + 100), code_at(t + 101), At(now), {});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->new_count, t + 101);
  EXPECT_EQ(ok->info_update["timeShift"], std::to_string((t + 101) * 30 - now));
  EXPECT_FALSE(type.Resync(r, key, code_at(t + 100), code_at(t + 102), At(now), {}).has_value());
  r.count = t + 101;
  EXPECT_FALSE(type.Resync(r, key, code_at(t + 100), code_at(t + 101), At(now), {}).has_value());
}

TEST(TokenTypesTest, RegistryIsCaseInsensitiveAndRejectsDuplicates) {
  TokenTypes types;
  RegisterBuiltinTokenTypes(types);
  ASSERT_NE(types.Find("HOTP"), nullptr);
  EXPECT_EQ(types.Find("Totp")->SerialPrefix(), "TOTP");
  EXPECT_EQ(types.Find("sms"), nullptr);
  EXPECT_EQ(types.Names(), (std::vector<std::string>{"hotp", "totp"}));
  EXPECT_THROW(types.Register(std::make_unique<HotpType>()), std::logic_error);
}

TEST(TokenHashTest, InfoThenFallbackThenSha1) {
  TokenRecord r;
  EXPECT_EQ(TokenHash(r, ""), crypto::HashAlgorithm::kSha1);
  EXPECT_EQ(TokenHash(r, "sha256"), crypto::HashAlgorithm::kSha256);
  r.info["hashlib"] = "sha512";
  EXPECT_EQ(TokenHash(r, "sha256"), crypto::HashAlgorithm::kSha512);
}

}  // namespace
}  // namespace osprey::mfa::token
