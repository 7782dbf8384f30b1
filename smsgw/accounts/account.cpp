#include "smsgw/accounts/account.hpp"

namespace osprey::smsgw::accounts {

std::string_view AccessLevelName(AccessLevel level) {
  return level == AccessLevel::kAdmin ? "admin" : "user";
}

Result<AccessLevel> ParseAccessLevel(std::string_view name) {
  if (name == "user") return AccessLevel::kUser;
  if (name == "admin") return AccessLevel::kAdmin;
  return Error(ErrorCode::kInvalidArgument,
               "unknown access level '" + std::string(name) + "'; valid levels: user, admin");
}

std::string_view TokenKindName(TokenKind kind) { return kind == TokenKind::kApiV1 ? "apiv1" : "apiv2"; }

Result<TokenKind> ParseTokenKind(std::string_view name) {
  if (name == "apiv1") return TokenKind::kApiV1;
  if (name == "apiv2") return TokenKind::kApiV2;
  return Error(ErrorCode::kInvalidArgument,
               "unknown token kind '" + std::string(name) + "'; valid kinds: apiv1, apiv2");
}

bool Principal::Has(Permission permission) const {
  return access_level == AccessLevel::kAdmin || permissions.count(permission) != 0;
}

bool IsValidUsername(std::string_view username) {
  if (username.empty() || username.size() > 64) return false;
  for (const char c : username) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace osprey::smsgw::accounts
