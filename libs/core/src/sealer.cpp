#include "osprey/core/sealer.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <climits>
#include <memory>
#include <stdexcept>
#include <vector>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::crypto {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// Fetched once and never freed (see HmacMethod in crypto.cpp).
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const cipher = [] {
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (c == nullptr) throw std::runtime_error("OpenSSL provides no AES-256-GCM");
    return c;
  }();
  return cipher;
}

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// The authenticated header "v1:<key id>:" comes first; key ids cannot contain ':', so the split between it
// and the caller's associated data is unambiguous.
bool AddAssociatedData(EVP_CIPHER_CTX* ctx, std::string_view key_id, std::string_view associated_data) {
  int len = 0;
  for (const std::string_view part :
       {Sealer::kVersion, std::string_view(":"), key_id, std::string_view(":"), associated_data}) {
    if (part.size() > INT_MAX) return false;
    if (!part.empty() &&
        EVP_CipherUpdate(ctx, nullptr, &len, Bytes(part), static_cast<int>(part.size())) != 1) {
      return false;
    }
  }
  return true;
}

struct ParsedSeal {
  std::string_view key_id;
  std::string_view payload;  // base64url
};

Result<ParsedSeal> Parse(std::string_view sealed) {
  const std::string prefix = std::string(Sealer::kVersion) + ":";
  if (sealed.substr(0, prefix.size()) != prefix) {
    return Error(ErrorCode::kCorrupted, "sealed value does not start with '" + prefix + "'");
  }
  sealed.remove_prefix(prefix.size());
  const std::size_t colon = sealed.find(':');
  if (colon == std::string_view::npos || !KeyRing::IsValidKeyId(sealed.substr(0, colon))) {
    return Error(ErrorCode::kCorrupted, "sealed value has no valid key id");
  }
  return ParsedSeal{sealed.substr(0, colon), sealed.substr(colon + 1)};
}

// Decrypts nonce|ciphertext|tag into `out`; false if authentication fails.
bool Decrypt(const Secret& key, std::string_view key_id, std::string& blob, std::string_view associated_data,
             std::vector<unsigned char>& out) {
  const std::size_t text_size = blob.size() - Sealer::kNonceSize - Sealer::kTagSize;
  unsigned char* nonce = Bytes(blob);
  unsigned char* text = nonce + Sealer::kNonceSize;
  unsigned char* tag = text + text_size;
  out.assign(text_size + 1, 0);  // never empty, so out.data() is a valid pointer
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  return ctx && text_size <= INT_MAX &&
         EVP_DecryptInit_ex2(ctx.get(), Aes256Gcm(), key.bytes().data(), nonce, nullptr) == 1 &&
         AddAssociatedData(ctx.get(), key_id, associated_data) &&
         (text_size == 0 ||
          EVP_DecryptUpdate(ctx.get(), out.data(), &len, text, static_cast<int>(text_size)) == 1) &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(Sealer::kTagSize), tag) ==
             1 &&
         EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &final_len) == 1;
}

}  // namespace

Sealer::Sealer(KeyRing keys) : keys_(std::move(keys)) {
  if (keys_.empty()) throw std::invalid_argument("Sealer needs at least one key");
}

std::string Sealer::Seal(std::string_view plaintext, std::string_view associated_data) const {
  if (plaintext.size() > INT_MAX) throw std::length_error("value too large to seal");
  const std::string& key_id = keys_.active_id();
  std::string blob(kNonceSize + plaintext.size() + kTagSize, '\0');
  EnsureSodium();
  randombytes_buf(blob.data(), kNonceSize);
  unsigned char* nonce = Bytes(blob);
  unsigned char* text = nonce + kNonceSize;
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  const bool ok =
      ctx &&
      EVP_EncryptInit_ex2(ctx.get(), Aes256Gcm(), keys_.active_key().bytes().data(), nonce, nullptr) == 1 &&
      AddAssociatedData(ctx.get(), key_id, associated_data) &&
      (plaintext.empty() ||
       EVP_EncryptUpdate(ctx.get(), text, &len, Bytes(plaintext), static_cast<int>(plaintext.size())) == 1) &&
      EVP_EncryptFinal_ex(ctx.get(), text + len, &final_len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagSize),
                          text + plaintext.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM encryption failed");
  return std::string(kVersion) + ":" + key_id + ":" + Base64UrlEncode(blob);
}

Result<Secret> Sealer::Open(std::string_view sealed, std::string_view associated_data) const {
  Result<ParsedSeal> parsed = Parse(sealed);
  if (!parsed.ok()) return parsed.error();
  const Secret* key = keys_.Find(parsed->key_id);
  if (key == nullptr) {
    return Error(ErrorCode::kNotFound, "sealing key '" + std::string(parsed->key_id) +
                                           "' is not in the key ring (was it removed?)");
  }
  Result<std::string> blob = Base64UrlDecode(parsed->payload);
  if (!blob.ok() || blob->size() < kNonceSize + kTagSize) {
    return Error(ErrorCode::kCorrupted, "sealed value is malformed");
  }
  std::vector<unsigned char> plaintext;
  const bool ok = Decrypt(*key, parsed->key_id, *blob, associated_data, plaintext);
  Secret result{std::span<const std::uint8_t>(plaintext.data(), ok ? plaintext.size() - 1 : 0)};
  sodium_memzero(plaintext.data(), plaintext.size());
  if (!ok) {
    return Error(ErrorCode::kCorrupted,
                 "sealed value failed authentication (tampered, or sealed for other associated data)");
  }
  return result;
}

Result<std::string> Sealer::KeyIdOf(std::string_view sealed) {
  Result<ParsedSeal> parsed = Parse(sealed);
  if (!parsed.ok()) return parsed.error();
  return std::string(parsed->key_id);
}

}  // namespace osprey::crypto
