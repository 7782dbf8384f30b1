// Module-internal helpers of mfa/users (not for other modules): the attribute names resolvers understand,
// privacyIDEA's name rule, `*` wildcard matching, and the factories of the built-in resolver types.
// Thread rule: pure functions; the factories build independent instances.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "mfa/users/users.hpp"

namespace osprey::mfa::users::internal {

// The searchable/editable attributes, privacyIDEA's names ("userid" is UserInfo::uid).
inline constexpr std::array<std::string_view, 8> kAttributes = {
    "username", "userid", "givenname", "surname", "email", "mobile", "phone", "description"};
bool IsAttribute(std::string_view name);
// The attribute `name` of `info` ("" for an unknown name).
std::string AttributeOf(const UserInfo& info, std::string_view name);
// Sets attribute `name` (not "userid"); false for an unknown name.
bool SetAttribute(UserInfo& info, std::string_view name, std::string value);

// privacyIDEA's sanity_name_check: ^[A-Za-z0-9_\-\.]+$. kInvalidArgument otherwise.
Status CheckName(std::string_view name);

// Case-insensitive (ASCII) match of `value` against `pattern`, where `*` matches any run of characters.
bool WildcardMatch(std::string_view pattern, std::string_view value);
// True when every attribute of `filter` matches `info` (empty pattern or "*" matches anything).
bool FilterMatches(const UserFilter& filter, const UserInfo& info);
// kInvalidArgument naming the first filter key that is not an attribute.
Status CheckFilter(const UserFilter& filter);

std::string ToLower(std::string_view s);

// Built-in types.
ResolverType SqlResolverType();
ResolverType PasswdFileResolverType();

}  // namespace osprey::mfa::users::internal
