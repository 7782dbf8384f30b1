// Secret: key material, seeds, PINs, API tokens and passwords. It never prints (operator<< and fmt show
// "<redacted>"), cannot be copied by accident, compares in constant time and is wiped on destruction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace osprey {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string_view bytes);
  explicit Secret(std::span<const std::uint8_t> bytes);
  ~Secret();

  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;

  // An explicit copy, for the rare places that must keep two (e.g. a key cache).
  Secret Clone() const { return Secret(view()); }

  // Read access for the code that must use the bytes (HMAC, AEAD). Never log what this returns.
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()}; }
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Constant-time in the length of the shorter operand; different lengths compare unequal.
  bool Equals(std::string_view other) const;
  bool Equals(const Secret& other) const { return Equals(other.view()); }

 private:
  void Wipe();
  std::vector<std::uint8_t> bytes_;
};

inline std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "<redacted>"; }

}  // namespace osprey

template <>
struct fmt::formatter<osprey::Secret> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const osprey::Secret&, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format("<redacted>", ctx);
  }
};
