// OTP micro benchmarks: one HOTP/TOTP value as computed on every /validate/check. Target: HOTP <= 2 us.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string_view>

#include "osprey/core/otp.hpp"

namespace {

using osprey::crypto::HashAlgorithm;

constexpr std::string_view kSha1Seed = "12345678901234567890";
constexpr std::string_view kSha256Seed = "12345678901234567890123456789012";
constexpr std::string_view kSha512Seed = "1234567890123456789012345678901234567890123456789012345678901234";

void BM_HotpSha1Digits6(benchmark::State& state) {
  std::uint64_t counter = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(osprey::otp::Hotp(kSha1Seed, counter++, 6, HashAlgorithm::kSha1));
}
BENCHMARK(BM_HotpSha1Digits6);

void BM_Totp(benchmark::State& state, std::string_view seed, HashAlgorithm algorithm) {
  std::int64_t now = 1'700'000'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(osprey::otp::Totp(seed, now, 30, 6, algorithm));
    now += 30;
  }
}
BENCHMARK_CAPTURE(BM_Totp, sha1, kSha1Seed, HashAlgorithm::kSha1);
BENCHMARK_CAPTURE(BM_Totp, sha256, kSha256Seed, HashAlgorithm::kSha256);
BENCHMARK_CAPTURE(BM_Totp, sha512, kSha512Seed, HashAlgorithm::kSha512);

// A TOTP check with the usual window of +-1 step costs three of these.
void BM_TotpSha1Window3(benchmark::State& state) {
  const std::uint64_t counter = osprey::otp::TotpCounter(1'700'000'000, 30);
  for (auto _ : state) {
    for (std::uint64_t c = counter - 1; c <= counter + 1; ++c) {
      benchmark::DoNotOptimize(osprey::otp::Hotp(kSha1Seed, c, 6, HashAlgorithm::kSha1));
    }
  }
}
BENCHMARK(BM_TotpSha1Window3);

}  // namespace

BENCHMARK_MAIN();
