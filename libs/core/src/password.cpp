#include "osprey/core/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <semaphore>
#include <thread>

#include "osprey/core/crypto.hpp"
#include "password_internal.hpp"

namespace osprey::crypto {
namespace {

// argon2id takes memlimit bytes (64 MiB by default) for each computation in progress. Running more of them
// at once than there are cores gains no throughput, so a burst of logins waits here instead of taking
// 64 MiB per request in flight (a login storm could otherwise exhaust memory).
const std::size_t kSlots = std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
std::counting_semaphore<16> slots(static_cast<std::ptrdiff_t>(kSlots));
std::atomic<std::size_t> in_flight{0}, peak{0};

struct ArgonSlot {
  ArgonSlot() {
    slots.acquire();
    const std::size_t now = ++in_flight;
    std::size_t seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
  }
  ~ArgonSlot() {
    --in_flight;
    slots.release();
  }
  ArgonSlot(const ArgonSlot&) = delete;
  ArgonSlot& operator=(const ArgonSlot&) = delete;
};

// An empty Secret may have no buffer at all; libsodium gets a valid pointer either way.
const char* PasswordBytes(const Secret& password) { return password.empty() ? "" : password.view().data(); }

}  // namespace

namespace internal {
std::size_t PasswordHashSlots() { return kSlots; }
std::size_t PeakPasswordHashes() { return peak.load(); }
}  // namespace internal

// The header spells the INTERACTIVE/MODERATE/MIN values out so that it does not need sodium.h; keep them
// in step with libsodium.
static_assert(PasswordOptions{}.opslimit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(PasswordOptions{}.memlimit == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(PasswordOptions::Moderate().opslimit == crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
static_assert(PasswordOptions::Moderate().memlimit == crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
static_assert(PasswordOptions::Minimum().opslimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(PasswordOptions::Minimum().memlimit == crypto_pwhash_argon2id_MEMLIMIT_MIN);

Result<std::string> HashPassword(const Secret& password, const PasswordOptions& options) {
  if (options.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      options.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      options.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      options.memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return Error(ErrorCode::kInvalidArgument, "argon2id cost parameters are outside libsodium's limits");
  }
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  const ArgonSlot slot;
  if (crypto_pwhash_str_alg(out, PasswordBytes(password), password.size(), options.opslimit, options.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error(ErrorCode::kInternal, "argon2id could not allocate its memory");
  }
  return std::string(out);
}

bool VerifyPassword(const Secret& password, std::string_view stored) {
  if (stored.size() >= crypto_pwhash_STRBYTES) return false;
  EnsureSodium();
  const std::string terminated(stored);  // libsodium wants a NUL-terminated string
  const ArgonSlot slot;
  return crypto_pwhash_str_verify(terminated.c_str(), PasswordBytes(password), password.size()) == 0;
}

bool NeedsRehash(std::string_view stored, const PasswordOptions& options) {
  if (stored.size() >= crypto_pwhash_STRBYTES) return true;
  EnsureSodium();
  const std::string terminated(stored);
  // 0: current; 1: other parameters; -1: not an argon2id string. Both of the latter need a new hash.
  return crypto_pwhash_argon2id_str_needs_rehash(terminated.c_str(), options.opslimit, options.memlimit) != 0;
}

}  // namespace osprey::crypto
