// Registry<Interface>: named factories for an extension point (token types, SMS providers, user resolvers,
// modem drivers). Filled by explicit calls from main, never by static constructors.
// Thread rule: register during start-up on one thread; afterwards concurrent Create/Names calls are safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "osprey/core/result.hpp"

namespace osprey {

template <typename Interface, typename... Args>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(Args...)>;

  // Throws std::logic_error on a duplicate name: two registrations of one name are a wiring bug.
  void Register(const std::string& name, Factory factory) {
    if (!factories_.emplace(name, std::move(factory)).second) {
      throw std::logic_error("duplicate registration of '" + name + "'");
    }
  }

  bool Contains(const std::string& name) const { return factories_.count(name) != 0; }

  // Creates an instance; kNotFound (listing the known names) for an unknown name.
  Result<std::unique_ptr<Interface>> Create(const std::string& name, Args... args) const {
    auto it = factories_.find(name);
    if (it == factories_.end()) {
      std::string known;
      for (const auto& [n, f] : factories_) known += (known.empty() ? "" : ", ") + n;
      return Error(ErrorCode::kNotFound, "unknown type '" + name + "' (known: " + known + ")");
    }
    return it->second(std::forward<Args>(args)...);
  }

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& [n, f] : factories_) names.push_back(n);
    return names;
  }

 private:
  std::map<std::string, Factory> factories_;
};

}  // namespace osprey
