#include "osprey/core/keyed_hash.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::crypto {
namespace {

constexpr std::size_t kMacSize = 32;

MacBytes Mac(const Secret& key, std::string_view secret, std::string_view context) {
  std::array<char, 4> length{};
  const auto n = static_cast<std::uint32_t>(context.size());
  for (int i = 0; i < 4; ++i) length[i] = static_cast<char>((n >> (8 * (3 - i))) & 0xff);
  return HmacParts(HashAlgorithm::kSha256, key.view(),
                   {std::string_view(length.data(), length.size()), context, secret});
}

// Splits "h1:<key id>:<mac>" without allocating; false if `stored` does not have that shape.
bool Split(std::string_view stored, std::string_view& key_id, std::string_view& mac) {
  if (stored.size() < KeyedHasher::kVersion.size() + 1 ||
      stored.substr(0, KeyedHasher::kVersion.size()) != KeyedHasher::kVersion ||
      stored[KeyedHasher::kVersion.size()] != ':') {
    return false;
  }
  stored.remove_prefix(KeyedHasher::kVersion.size() + 1);
  const std::size_t colon = stored.find(':');
  if (colon == std::string_view::npos) return false;
  key_id = stored.substr(0, colon);
  mac = stored.substr(colon + 1);
  return true;
}

}  // namespace

KeyedHasher::KeyedHasher(KeyRing keys) : keys_(std::move(keys)) {
  if (keys_.empty()) throw std::invalid_argument("KeyedHasher needs at least one key");
}

std::string KeyedHasher::Hash(std::string_view secret, std::string_view context) const {
  const MacBytes mac = Mac(keys_.active_key(), secret, context);
  return std::string(kVersion) + ":" + keys_.active_id() + ":" + Base64UrlEncode(mac.view());
}

bool KeyedHasher::Verify(std::string_view candidate, std::string_view stored,
                         std::string_view context) const {
  std::string_view key_id;
  std::string_view encoded;
  if (!Split(stored, key_id, encoded)) return false;
  const Secret* key = keys_.Find(key_id);
  if (key == nullptr) return false;
  std::array<unsigned char, kMacSize> expected{};
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(expected.data(), expected.size(), encoded.data(), encoded.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != encoded.data() + encoded.size() || len != kMacSize) {
    return false;
  }
  const MacBytes actual = Mac(*key, candidate, context);
  return ConstantTimeEquals(actual.view(),
                            std::string_view(reinterpret_cast<const char*>(expected.data()), len));
}

bool KeyedHasher::NeedsRehash(std::string_view stored) const {
  std::string_view key_id;
  std::string_view encoded;
  return !Split(stored, key_id, encoded) || key_id != keys_.active_id();
}

}  // namespace osprey::crypto
