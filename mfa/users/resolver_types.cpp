#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "mfa/users/users.hpp"
#include "mfa/users/users_internal.hpp"

namespace osprey::mfa::users {

Result<std::string> UserResolver::Create(const UserInfo&, const std::optional<Secret>&) {
  return Error(ErrorCode::kUnimplemented, "this resolver is not editable");
}

Status UserResolver::Update(std::string_view, const std::map<std::string, std::string>&,
                            const std::optional<Secret>&) {
  return Error(ErrorCode::kUnimplemented, "this resolver is not editable");
}

Status UserResolver::Remove(std::string_view) {
  return Error(ErrorCode::kUnimplemented, "this resolver is not editable");
}

void ResolverTypes::Register(const std::string& name, ResolverType type) {
  if (!types_.emplace(name, std::move(type)).second) {
    throw std::logic_error("duplicate resolver type '" + name + "'");
  }
}

const ResolverType* ResolverTypes::Find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<std::string> ResolverTypes::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, type] : types_) names.push_back(name);
  return names;
}

void RegisterBuiltinResolverTypes(ResolverTypes& types) {
  types.Register("sql", internal::SqlResolverType());
  types.Register("passwdfile", internal::PasswdFileResolverType());
}

namespace internal {

bool IsAttribute(std::string_view name) {
  return std::find(kAttributes.begin(), kAttributes.end(), name) != kAttributes.end();
}

std::string AttributeOf(const UserInfo& info, std::string_view name) {
  if (name == "username") return info.username;
  if (name == "userid") return info.uid;
  if (name == "givenname") return info.givenname;
  if (name == "surname") return info.surname;
  if (name == "email") return info.email;
  if (name == "mobile") return info.mobile;
  if (name == "phone") return info.phone;
  if (name == "description") return info.description;
  return "";
}

bool SetAttribute(UserInfo& info, std::string_view name, std::string value) {
  std::string* field = nullptr;
  if (name == "username") field = &info.username;
  if (name == "givenname") field = &info.givenname;
  if (name == "surname") field = &info.surname;
  if (name == "email") field = &info.email;
  if (name == "mobile") field = &info.mobile;
  if (name == "phone") field = &info.phone;
  if (name == "description") field = &info.description;
  if (field == nullptr) return false;
  *field = std::move(value);
  return true;
}

Status CheckName(std::string_view name) {
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
  if (ok) return OkStatus();
  return Error(ErrorCode::kInvalidArgument, "non conformant characters in name: '" + std::string(name) +
                                                "' (not in ^[A-Za-z0-9_\\-\\.]+$)");
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Iterative glob with backtracking to the last '*': linear in practice, no recursion on hostile patterns.
bool WildcardMatch(std::string_view pattern, std::string_view value) {
  const std::string p = ToLower(pattern), v = ToLower(value);
  std::size_t pi = 0, vi = 0, star = std::string::npos, mark = 0;
  while (vi < v.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = vi;
    } else if (pi < p.size() && p[pi] == v[vi]) {
      ++pi;
      ++vi;
    } else if (star != std::string::npos) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool FilterMatches(const UserFilter& filter, const UserInfo& info) {
  for (const auto& [name, pattern] : filter.attributes) {
    if (pattern.empty() || pattern == "*") continue;
    if (!WildcardMatch(pattern, AttributeOf(info, name))) return false;
  }
  return true;
}

Status CheckFilter(const UserFilter& filter) {
  for (const auto& [name, pattern] : filter.attributes) {
    if (!IsAttribute(name))
      return Error(ErrorCode::kInvalidArgument, "unknown user attribute '" + name + "'");
  }
  return OkStatus();
}

}  // namespace internal
}  // namespace osprey::mfa::users
