// Directory's snapshot and shared error texts (module-internal).
// Thread rule: a Snapshot is immutable once published.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "mfa/users/users.hpp"

namespace osprey::mfa::users {

struct Directory::Snapshot {
  struct Entry {
    ResolverDefinition def;
    std::shared_ptr<UserResolver> instance;  // null when it could not be built
    std::string error;
  };
  std::int64_t generation = -1;
  std::map<std::string, Entry, std::less<>> resolvers;
  std::map<std::string, Realm, std::less<>> realms;
  std::string default_realm;

  const Realm* FindRealm(std::string_view name) const {
    auto it = realms.find(name);
    return it == realms.end() ? nullptr : &it->second;
  }
};

namespace internal {

// kNotFound "The resolver 'x' does not exist!" (privacyIDEA's UserError text).
Error UnknownResolver(std::string_view name);
// kNotFound "User <login.resolver@realm> does not exist." (privacyIDEA's User str()).
Error UnknownUser(std::string_view login, std::string_view resolver, std::string_view realm);

}  // namespace internal
}  // namespace osprey::mfa::users
