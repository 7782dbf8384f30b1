#include "mfa/token/token_service.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::token {
namespace {

PiError TokenNotFound() { return NotFoundError("The requested token could not be found."); }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

TokenDefaults LoadDefaults(const system::SystemConfig& config) {
  TokenDefaults d;
  d.otplen = static_cast<int>(config.GetInt("DefaultOtpLen", 6));
  d.count_window = static_cast<int>(config.GetInt("DefaultCountWindow", 10));
  d.maxfail = static_cast<int>(config.GetInt("DefaultMaxFailCount", 10));
  d.sync_window = static_cast<int>(config.GetInt("DefaultSyncWindow", 1000));
  d.hotp_hashlib = config.GetOr("hotp.hashlib", "sha1");
  d.totp_hashlib = config.GetOr("totp.hashlib", "sha1");
  d.totp_time_step = static_cast<int>(config.GetInt("totp.timeStep", 30));
  d.totp_time_window = static_cast<int>(config.GetInt("totp.timeWindow", 180));
  if (d.totp_time_step <= 0) d.totp_time_step = 30;
  return d;
}

TokenService::TokenService(TokenStore& store, const TokenTypes& types, system::SystemConfig& config,
                           users::Directory& directory, const Clock& clock)
    : store_(store), types_(types), config_(config), directory_(directory), clock_(clock) {}

PiResult<std::optional<users::User>> TokenService::ResolveUser(std::string_view login, std::string_view realm,
                                                               std::string_view resolver) {
  if (login.empty()) return std::optional<users::User>();
  std::string name(login), realm_name(realm);
  if (realm_name.empty()) {
    auto [l, r] = directory_.SplitLogin(login, config_.GetBool("splitAtSign", true));
    name = l;
    realm_name = r;
  }
  auto found = directory_.Find(name, realm_name, resolver);
  if (!found.ok()) return FromError(found.error());
  if (!found->has_value()) {
    const std::string shown_realm = realm_name.empty() ? directory_.DefaultRealm() : Lower(realm_name);
    const std::string who = resolver.empty() ? name : name + "." + std::string(resolver);
    return UserError("User <" + who + "@" + shown_realm + "> does not exist.");
  }
  return std::move(*found);
}

PiResult<TokenService::Selection> TokenService::Select(const TokenSelector& selector) {
  if (selector.serial.empty() && !selector.has_user()) {
    return ParameterError("You either need to provide user or serial");
  }
  Selection selection;
  auto user = ResolveUser(selector.user, selector.realm, selector.resolver);
  if (!user.ok()) return user.error();
  selection.user = std::move(*user);
  if (selection.user) {
    auto owned = store_.ListOwned(selection.user->resolver, selection.user->info.uid);
    if (!owned.ok()) return FromError(owned.error());
    for (TokenRecord& r : *owned) {
      if (selector.serial.empty() || r.serial == selector.serial) selection.tokens.push_back(std::move(r));
    }
    if (!selector.serial.empty() && selection.tokens.empty()) return TokenNotFound();
    return selection;
  }
  auto token = store_.Get(selector.serial);
  if (!token.ok()) return FromError(token.error());
  if (!token->has_value()) return TokenNotFound();
  selection.tokens.push_back(std::move(**token));
  return selection;
}

TokenOutcome TokenService::Describe(const Selection& selection, long long value) {
  TokenOutcome out;
  out.value = value;
  std::vector<std::string> serials, types;
  for (const TokenRecord& r : selection.tokens) {
    serials.push_back(r.serial);
    if (std::find(types.begin(), types.end(), r.tokentype) == types.end()) types.push_back(r.tokentype);
  }
  out.serial = Join(serials);
  out.token_type = Join(types);
  if (selection.user) {
    out.user = selection.user->login;
    out.realm = selection.user->realm;
    out.resolver = selection.user->resolver;
  } else if (selection.tokens.size() == 1 && !selection.tokens[0].user_id.empty()) {
    const TokenRecord& r = selection.tokens[0];
    auto owner = directory_.FindByUid(r.user_realm, r.resolver, r.user_id);
    if (owner.ok() && owner->has_value()) out.user = (*owner)->info.username;
    out.realm = r.user_realm;
    out.resolver = r.resolver;
  }
  return out;
}

template <class Change>
PiResult<TokenOutcome> TokenService::ForEach(const TokenSelector& selector, Change change) {
  auto selection = Select(selector);
  if (!selection.ok()) return selection.error();
  long long value = 0;
  for (TokenRecord& r : selection->tokens) {
    if (!change(r)) continue;
    ++value;
    Status saved = store_.Save(r);
    if (!saved.ok()) return FromError(saved.error());
  }
  return Describe(*selection, value);
}

PiResult<TokenOutcome> TokenService::Enable(const TokenSelector& selector, bool enable) {
  return ForEach(selector, [&](TokenRecord& r) {
    if (r.active == enable) return false;
    r.active = enable;
    return true;
  });
}

PiResult<TokenOutcome> TokenService::Revoke(const TokenSelector& selector) {
  return ForEach(selector, [](TokenRecord& r) {
    r.revoked = true;
    r.locked = true;
    r.active = false;
    return true;
  });
}

PiResult<TokenOutcome> TokenService::Reset(const TokenSelector& selector) {
  return ForEach(selector, [](TokenRecord& r) {
    r.failcount = 0;
    r.info.erase("failcounter_exceeded");
    return true;
  });
}

PiResult<TokenOutcome> TokenService::Resync(const TokenSelector& selector, std::string_view otp1,
                                            std::string_view otp2) {
  const TokenDefaults defaults = LoadDefaults(config_);
  const bool reset_fail = config_.GetBool("DefaultResetFailCount", false);
  PiError failure{};
  bool failed = false;
  auto outcome = ForEach(selector, [&](TokenRecord& r) {
    const TokenType* type = types_.Find(r.tokentype);
    if (type == nullptr || failed) return false;
    auto key = store_.OpenKey(r);
    if (!key.ok()) {
      failure = FromError(key.error());
      failed = true;
      return false;
    }
    auto check = type->Resync(r, *key, otp1, otp2, clock_.Now(), defaults);
    if (!check) return false;
    r.count = check->new_count;
    for (const auto& [k, v] : check->info_update) r.info[k] = v;
    if (reset_fail && r.failcount < r.maxfail) r.failcount = 0;
    return true;
  });
  if (failed) return failure;
  if (outcome.ok()) outcome->value = outcome->value > 0 ? 1 : 0;
  return outcome;
}

PiResult<TokenOutcome> TokenService::SetPin(const TokenSelector& selector,
                                            const std::optional<Secret>& otppin,
                                            const std::optional<Secret>& userpin,
                                            const std::optional<Secret>& sopin) {
  auto selection = Select(selector);
  if (!selection.ok()) return selection.error();
  long long value = 0;
  for (const TokenRecord& r : selection->tokens) {
    if (userpin) {
      Status st = store_.SetOtherPin(r.serial, TokenStore::OtherPin::kUser, *userpin);
      if (!st.ok()) return FromError(st.error());
      ++value;
    }
    if (sopin) {
      Status st = store_.SetOtherPin(r.serial, TokenStore::OtherPin::kSo, *sopin);
      if (!st.ok()) return FromError(st.error());
      ++value;
    }
    if (otppin) {
      Status st = store_.SetPin(r.serial, otppin->Clone());
      if (!st.ok()) return FromError(st.error());
      ++value;
    }
  }
  return Describe(*selection, value);
}

PiResult<TokenOutcome> TokenService::Assign(const TokenSelector& selector, const std::optional<Secret>& pin,
                                            bool for_user_role) {
  if (!selector.has_user()) return ParameterError("Missing parameter: 'user'");
  if (selector.serial.empty()) return ParameterError("Missing parameter: 'serial'");
  auto user = ResolveUser(selector.user, selector.realm, selector.resolver);
  if (!user.ok()) return user.error();
  auto token = store_.Get(selector.serial);
  if (!token.ok()) return FromError(token.error());
  if (!token->has_value()) return TokenNotFound();
  TokenRecord& r = **token;
  if (!r.user_id.empty()) {
    if (for_user_role) return CodedError(1103, "Token already assigned to another user.");
    std::string login = r.user_id;
    auto owner = directory_.FindByUid(r.user_realm, r.resolver, r.user_id);
    if (owner.ok() && owner->has_value()) login = (*owner)->info.username;
    return CodedError(1103, "Token already assigned to user User(login='" + login + "', realm='" +
                                r.user_realm + "', resolver='" + r.resolver + "')");
  }
  const users::User& u = **user;
  r.user_id = u.info.uid;
  r.resolver = u.resolver;
  r.user_realm = u.realm;
  if (std::find(r.realms.begin(), r.realms.end(), u.realm) == r.realms.end()) r.realms.push_back(u.realm);
  r.failcount = 0;
  if (Status st = store_.Save(r); !st.ok()) return FromError(st.error());
  if (pin) {
    if (Status st = store_.SetPin(r.serial, pin->Clone()); !st.ok()) return FromError(st.error());
  }
  Selection selection{{r}, *user};
  return Describe(selection, 1);
}

PiResult<TokenOutcome> TokenService::Unassign(const TokenSelector& selector) {
  auto selection = Select(selector);
  if (!selection.ok()) return selection.error();
  TokenOutcome outcome = Describe(*selection, static_cast<long long>(selection->tokens.size()));
  for (TokenRecord& r : selection->tokens) {
    r.user_id.clear();
    r.resolver.clear();
    r.user_realm.clear();
    r.failcount = 0;
    if (Status st = store_.Save(r); !st.ok()) return FromError(st.error());
    if (Status st = store_.SetPin(r.serial, std::nullopt); !st.ok()) return FromError(st.error());
  }
  return outcome;
}

PiResult<TokenOutcome> TokenService::Delete(const TokenSelector& selector) {
  auto selection = Select(selector);
  if (!selection.ok()) return selection.error();
  TokenOutcome outcome = Describe(*selection, static_cast<long long>(selection->tokens.size()));
  for (const TokenRecord& r : selection->tokens) {
    if (Status st = store_.Delete(r.serial); !st.ok()) return FromError(st.error());
  }
  return outcome;
}

PiResult<TokenOutcome> TokenService::SetDescription(const TokenSelector& selector,
                                                    const std::string& description) {
  return ForEach(selector, [&](TokenRecord& r) {
    r.description = description;
    return true;
  });
}

PiResult<TokenOutcome> TokenService::SetInfo(const TokenSelector& selector, const std::string& key,
                                             const std::string& value) {
  return ForEach(selector, [&](TokenRecord& r) {
    r.info[key] = value;
    return true;
  });
}

PiResult<TokenOutcome> TokenService::DeleteInfo(const TokenSelector& selector, const std::string& key) {
  return ForEach(selector, [&](TokenRecord& r) {
    r.info.erase(key);
    return true;
  });
}

PiResult<TokenOutcome> TokenService::SetRealms(const TokenSelector& selector,
                                               const std::vector<std::string>& realms) {
  std::vector<std::string> known;
  for (const std::string& realm : realms) {
    std::string name = Lower(realm);
    if (!name.empty() && directory_.RealmExists(name)) known.push_back(name);
  }
  auto outcome = ForEach(selector, [&](TokenRecord& r) {
    r.realms = known;
    return true;
  });
  if (outcome.ok()) outcome->value = 1;
  return outcome;
}

PiResult<std::map<std::string, std::string>> TokenService::GetInfo(const TokenSelector& selector) {
  auto selection = Select(selector);
  if (!selection.ok()) return selection.error();
  if (selection->tokens.size() != 1) return ParameterError("Please specify exactly one token (serial).");
  return selection->tokens.front().info;
}

}  // namespace osprey::mfa::token
