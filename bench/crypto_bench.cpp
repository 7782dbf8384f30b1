// Crypto micro benchmarks for the per-request paths (seed sealing, PIN check) and, for scale, the
// deliberately slow password hash. Target: KeyedHasher::Verify of a 6-digit PIN <= 2 us.
#include <benchmark/benchmark.h>

#include <string>

#include "osprey/core/crypto.hpp"
#include "osprey/core/keyed_hash.hpp"
#include "osprey/core/password.hpp"
#include "osprey/core/sealer.hpp"

namespace {

using osprey::Secret;
using namespace osprey::crypto;

KeyRing TestRing() {
  KeyRing ring;
  if (!ring.Add("k1", RandomSecret(KeyRing::kKeySize)).ok()) throw std::logic_error("bad test key");
  return ring;
}

constexpr std::string_view kSeed = "12345678901234567890";  // a 20-byte HOTP seed
constexpr std::string_view kSerial = "TOTP00012345";

void BM_SealSeed(benchmark::State& state) {
  const Sealer sealer(TestRing());
  for (auto _ : state) benchmark::DoNotOptimize(sealer.Seal(kSeed, kSerial));
}
BENCHMARK(BM_SealSeed);

void BM_OpenSeed(benchmark::State& state) {
  const Sealer sealer(TestRing());
  const std::string sealed = sealer.Seal(kSeed, kSerial);
  for (auto _ : state) benchmark::DoNotOptimize(sealer.Open(sealed, kSerial));
}
BENCHMARK(BM_OpenSeed);

// The PIN check of /validate/check.
void BM_PinCheck(benchmark::State& state) {
  const KeyedHasher hasher(TestRing());
  const std::string stored = hasher.Hash("123456", kSerial);
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Verify("123456", stored, kSerial));
}
BENCHMARK(BM_PinCheck);

void BM_PinHash(benchmark::State& state) {
  const KeyedHasher hasher(TestRing());
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Hash("123456", kSerial));
}
BENCHMARK(BM_PinHash);

void BM_Hmac(benchmark::State& state, HashAlgorithm algorithm) {
  const std::string key = RandomBytes(32);
  for (auto _ : state) benchmark::DoNotOptimize(HmacParts(algorithm, key, {"00000000"}));
}
BENCHMARK_CAPTURE(BM_Hmac, sha1, HashAlgorithm::kSha1);
BENCHMARK_CAPTURE(BM_Hmac, sha256, HashAlgorithm::kSha256);
BENCHMARK_CAPTURE(BM_Hmac, sha512, HashAlgorithm::kSha512);

void BM_RandomDigits20(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(RandomDigits(20));
}
BENCHMARK(BM_RandomDigits20);

// For scale only: a login with a password costs this, a PIN check must not.
void BM_PasswordHashInteractive(benchmark::State& state) {
  const Secret password("correct horse battery staple");
  for (auto _ : state) benchmark::DoNotOptimize(HashPassword(password));
}
BENCHMARK(BM_PasswordHashInteractive)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
