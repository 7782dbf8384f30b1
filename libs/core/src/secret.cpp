#include "osprey/core/secret.hpp"

#include <sodium.h>

namespace osprey {

Secret::Secret(std::string_view bytes) : bytes_(bytes.begin(), bytes.end()) {}
Secret::Secret(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
Secret::~Secret() { Wipe(); }

Secret::Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

void Secret::Wipe() {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
  bytes_.clear();
}

bool Secret::Equals(std::string_view other) const {
  // Length is not secret here (PIN and token lengths are public knowledge); the content comparison is.
  if (other.size() != bytes_.size()) return false;
  if (bytes_.empty()) return true;
  return sodium_memcmp(bytes_.data(), other.data(), bytes_.size()) == 0;
}

}  // namespace osprey
