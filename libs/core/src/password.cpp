#include "osprey/core/password.hpp"

#include <sodium.h>

#include "osprey/core/crypto.hpp"

namespace osprey::crypto {
namespace {

// An empty Secret may have no buffer at all; libsodium gets a valid pointer either way.
const char* PasswordBytes(const Secret& password) { return password.empty() ? "" : password.view().data(); }

}  // namespace

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
