#include "mfa/token/token.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "mfa/token/oath_types.hpp"

namespace osprey::mfa::token {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string TokenRecord::Info(std::string_view key, std::string_view fallback) const {
  auto it = info.find(std::string(key));
  return it == info.end() ? std::string(fallback) : it->second;
}

void TokenTypes::Register(std::unique_ptr<TokenType> type) {
  std::string name = Lower(type->Name());
  if (types_.count(name) != 0) throw std::logic_error("token type registered twice: " + name);
  types_.emplace(std::move(name), std::move(type));
}

const TokenType* TokenTypes::Find(std::string_view name) const {
  auto it = types_.find(Lower(name));
  return it == types_.end() ? nullptr : it->second.get();
}

std::vector<std::string> TokenTypes::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, type] : types_) names.push_back(name);
  return names;
}

void RegisterBuiltinTokenTypes(TokenTypes& types) {
  types.Register(std::make_unique<HotpType>());
  types.Register(std::make_unique<TotpType>());
}

crypto::HashAlgorithm TokenHash(const TokenRecord& record, std::string_view fallback_name) {
  const std::string own = record.Info("hashlib");
  for (std::string_view name : {std::string_view(own), fallback_name}) {
    if (name.empty()) continue;
    auto parsed = crypto::ParseHashAlgorithm(name);
    if (parsed.ok()) return *parsed;
  }
  return crypto::HashAlgorithm::kSha1;
}

}  // namespace osprey::mfa::token
