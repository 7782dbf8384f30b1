#include "osprey/core/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace osprey::crypto {
namespace {

struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

constexpr std::size_t kAlgorithmCount = 3;

std::size_t Index(HashAlgorithm algorithm) { return static_cast<std::size_t>(algorithm); }

const char* OpenSslDigestName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha1: return "SHA1";
    case HashAlgorithm::kSha256: return "SHA256";
    case HashAlgorithm::kSha512: return "SHA512";
  }
  throw std::invalid_argument("unknown HashAlgorithm");
}

// Fetched once for the life of the process and deliberately never freed: contexts on other threads may
// still refer to it while static destructors run.
EVP_MAC* HmacMethod() {
  static EVP_MAC* const method = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    if (m == nullptr) throw std::runtime_error("OpenSSL provides no HMAC");
    return m;
  }();
  return method;
}

MacCtxPtr NewHmacContext(HashAlgorithm algorithm) {
  MacCtxPtr ctx(EVP_MAC_CTX_new(HmacMethod()));
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                          const_cast<char*>(OpenSslDigestName(algorithm)), 0),
                         OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_CTX_set_params(ctx.get(), params) != 1) {
    throw std::runtime_error("cannot create an HMAC context for " +
                             std::string(HashAlgorithmName(algorithm)));
  }
  return ctx;
}

// One context per thread and algorithm: contexts are not thread-safe, and creating one per call is slow.
EVP_MAC_CTX* ThreadHmacContext(HashAlgorithm algorithm) {
  thread_local std::array<MacCtxPtr, kAlgorithmCount> contexts;
  MacCtxPtr& slot = contexts.at(Index(algorithm));
  if (!slot) slot = NewHmacContext(algorithm);
  return slot.get();
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

std::string RandomBytes(std::size_t n) {
  EnsureSodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

Secret RandomSecret(std::size_t n) {
  EnsureSodium();
  std::vector<std::uint8_t> buffer(n);
  randombytes_buf(buffer.data(), n);
  Secret secret{std::span<const std::uint8_t>(buffer)};
  sodium_memzero(buffer.data(), buffer.size());
  return secret;
}

std::uint32_t RandomUniform(std::uint32_t upper_bound) {
  if (upper_bound == 0) throw std::invalid_argument("RandomUniform needs a positive bound");
  EnsureSodium();
  return randombytes_uniform(upper_bound);
}

std::string RandomDigits(std::size_t n) {
  // One bulk draw instead of a randombytes_uniform(10) per digit (each of which is a system call with the
  // default libsodium backend). Bytes >= 250 are rejected so that every digit is equally likely.
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    const std::string pool = RandomBytes(n - out.size() + 8);
    for (const unsigned char b : pool) {
      if (b < 250 && out.size() < n) out.push_back(static_cast<char>('0' + b % 10));
    }
  }
  return out;
}

std::string RandomHexUpper(std::size_t n) {
  static constexpr std::string_view kDigits = "0123456789ABCDEF";
  const std::string pool = RandomBytes((n + 1) / 2);
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto b = static_cast<unsigned char>(pool[i / 2]);
    out.push_back(kDigits[i % 2 == 0 ? b >> 4 : b & 0x0f]);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<HashAlgorithm> ParseHashAlgorithm(std::string_view name) {
  for (const HashAlgorithm a : {HashAlgorithm::kSha1, HashAlgorithm::kSha256, HashAlgorithm::kSha512}) {
    const std::string_view known = HashAlgorithmName(a);
    if (name.size() == known.size() &&
        std::equal(name.begin(), name.end(), known.begin(),
                   [](char x, char y) { return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == y; })) {
      return a;
    }
  }
  return Error(ErrorCode::kInvalidArgument,
               "unknown hash algorithm '" + std::string(name) + "' (known: sha1, sha256, sha512)");
}

std::string_view HashAlgorithmName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha1: return "sha1";
    case HashAlgorithm::kSha256: return "sha256";
    case HashAlgorithm::kSha512: return "sha512";
  }
  throw std::invalid_argument("unknown HashAlgorithm");
}

std::size_t DigestSize(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kSha1: return 20;
    case HashAlgorithm::kSha256: return 32;
    case HashAlgorithm::kSha512: return 64;
  }
  throw std::invalid_argument("unknown HashAlgorithm");
}

MacBytes HmacParts(HashAlgorithm algorithm, std::string_view key,
                   std::initializer_list<std::string_view> parts) {
  EVP_MAC_CTX* ctx = ThreadHmacContext(algorithm);
  // A null key pointer would make OpenSSL reuse the previous caller's key; never pass one.
  static const unsigned char kNoKey = 0;
  const unsigned char* key_bytes = key.empty() ? &kNoKey : Bytes(key);
  if (EVP_MAC_init(ctx, key_bytes, key.size(), nullptr) != 1) throw std::runtime_error("HMAC init failed");
  for (const std::string_view part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx, Bytes(part), part.size()) != 1) {
      throw std::runtime_error("HMAC update failed");
    }
  }
  MacBytes mac;
  if (EVP_MAC_final(ctx, mac.data.data(), &mac.size, mac.data.size()) != 1) {
    throw std::runtime_error("HMAC final failed");
  }
  return mac;
}

std::string Hmac(HashAlgorithm algorithm, std::string_view key, std::string_view data) {
  return std::string(HmacParts(algorithm, key, {data}).view());
}

std::string Sha256(std::string_view data) {
  EnsureSodium();
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()), Bytes(data), data.size());
  return out;
}

}  // namespace osprey::crypto
