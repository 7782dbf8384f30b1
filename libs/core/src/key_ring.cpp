#include "osprey/core/key_ring.hpp"

namespace osprey::crypto {

bool KeyRing::IsValidKeyId(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > kMaxKeyIdSize) return false;
  for (const char c : key_id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status KeyRing::Add(std::string_view key_id, Secret key) {
  if (!IsValidKeyId(key_id)) {
    return Error(ErrorCode::kInvalidArgument, "invalid key id (use 1-32 characters from A-Z a-z 0-9 _ -)");
  }
  if (key.size() != kKeySize) {
    return Error(ErrorCode::kInvalidArgument, "key '" + std::string(key_id) + "' is " +
                                                  std::to_string(key.size()) + " bytes, not " +
                                                  std::to_string(kKeySize));
  }
  if (Find(key_id) != nullptr) {
    return Error(ErrorCode::kAlreadyExists,
                 "key id '" + std::string(key_id) + "' is already in the key ring");
  }
  keys_.emplace_back(std::string(key_id), std::move(key));
  active_ = keys_.size() - 1;
  return OkStatus();
}

Status KeyRing::SetActive(std::string_view key_id) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].first == key_id) {
      active_ = i;
      return OkStatus();
    }
  }
  return Error(ErrorCode::kNotFound, "key id '" + std::string(key_id) + "' is not in the key ring");
}

std::vector<std::string> KeyRing::ids() const {
  std::vector<std::string> out;
  out.reserve(keys_.size());
  for (const auto& [id, key] : keys_) out.push_back(id);
  return out;
}

const Secret* KeyRing::Find(std::string_view key_id) const {
  for (const auto& [id, key] : keys_) {
    if (id == key_id) return &key;
  }
  return nullptr;
}

KeyRing KeyRing::Clone() const {
  KeyRing copy;
  for (const auto& [id, key] : keys_) copy.keys_.emplace_back(id, key.Clone());
  copy.active_ = active_;
  return copy;
}

}  // namespace osprey::crypto
