// The value types of gateway accounts: access levels, token kinds, users and the authenticated Principal.
//
// Decisions (spec §3 leaves them to Osprey):
//   - Permissions belong to the user, not to a token row. A user holds at most one token of each kind and the
//     identifiers already say which API they serve (messages.* and modem.* for APIv2, apiv1.* for APIv1), so
//     this is the spec's "tokens carry per-method permissions" with two gains: regenerating a token keeps its
//     permissions without copying rows, and APIv1 login+pass (which has no token) gets a defined set.
//   - An admin implicitly holds every permission and sees the resources of all users; grants stored for an
//     admin are kept and apply again if the user is later made a plain user.
//
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "osprey/core/clock.hpp"
#include "osprey/core/result.hpp"
#include "smsgw/accounts/permission.hpp"

namespace osprey::smsgw::accounts {

enum class AccessLevel { kUser, kAdmin };

// "user" or "admin".
std::string_view AccessLevelName(AccessLevel level);
// Exactly "user" or "admin"; kInvalidArgument listing both otherwise.
Result<AccessLevel> ParseAccessLevel(std::string_view name);

// APIv1 and APIv2 tokens are separate secrets; a user may hold one active token of each kind.
enum class TokenKind { kApiV1, kApiV2 };

// "apiv1" or "apiv2".
std::string_view TokenKindName(TokenKind kind);
// Exactly "apiv1" or "apiv2"; kInvalidArgument listing both otherwise.
Result<TokenKind> ParseTokenKind(std::string_view name);

struct UserFlags {
  bool apiv1_enabled = false;
  bool apiv2_enabled = true;
  // APIv1 login+pass authentication allowed (needs apiv1_enabled and a password as well).
  bool password_access = false;
  // "Access to resources of all users": lifts scoping to the user's own messages.
  bool all_resources = false;

  bool operator==(const UserFlags&) const = default;
};

struct User {
  std::int64_t id = 0;
  std::string username;
  AccessLevel access_level = AccessLevel::kUser;
  UserFlags flags;
  bool has_password = false;
  bool has_apiv1_token = false;  // an active (unrevoked) token of that kind exists
  bool has_apiv2_token = false;
  Clock::TimePoint created_at;
  PermissionSet permissions;  // as granted; see Principal::Has for what an admin may do
};

// Who is calling, as established by an Authenticator.
struct Principal {
  std::int64_t user_id = 0;
  std::string username;
  AccessLevel access_level = AccessLevel::kUser;
  bool all_resources = false;  // true for admins
  PermissionSet permissions;   // as granted

  // True for an admin, otherwise when `permission` was granted.
  bool Has(Permission permission) const;
};

// True for 1..64 characters from [A-Za-z0-9._@-]: usernames appear in logs, CLI output and APIv1 `login`.
bool IsValidUsername(std::string_view username);

}  // namespace osprey::smsgw::accounts
