#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <stdexcept>

#include "mfa/auth/auth.hpp"
#include "mfa/auth/jwt.hpp"
#include "mfa/auth/rights.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::auth {
namespace {

constexpr std::string_view kJwtKeyLabel = "osprey mfa jwt v1";
constexpr std::size_t kNonceBytes = 20;  // privacyIDEA's geturandom(hex=True): 20 bytes, 40 hex digits

PiError WrongCredentials() { return AuthError(4031, "Authentication failure. Wrong credentials"); }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string StringClaim(const nlohmann::json& payload, const char* name) {
  auto it = payload.find(name);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> RightsClaim(const nlohmann::json& payload) {
  std::vector<std::string> rights;
  auto it = payload.find("rights");
  if (it == payload.end() || !it->is_array()) return rights;
  for (const auto& r : *it) {
    if (r.is_string()) rights.push_back(r.get<std::string>());
  }
  return rights;
}

// One JWT key per hash key, same ids, so a rotated-out key keeps verifying the tokens it signed for as long
// as it stays in the ring. The JWT key is a derivative: a leaked JWT key does not reveal the PIN hash key.
crypto::KeyRing DeriveJwtKeys(const crypto::KeyRing& hash_keys) {
  if (hash_keys.empty()) throw std::invalid_argument("AuthService needs at least one hash key");
  crypto::KeyRing ring;
  for (const std::string& id : hash_keys.ids()) {
    Secret key(crypto::Hmac(crypto::HashAlgorithm::kSha256, hash_keys.Find(id)->view(), kJwtKeyLabel));
    if (!ring.Add(id, std::move(key)).ok()) throw std::logic_error("cannot derive the JWT key " + id);
  }
  if (!ring.SetActive(hash_keys.active_id()).ok()) throw std::logic_error("no active JWT key");
  return ring;
}

std::int64_t UnixSeconds(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

}  // namespace

AuthService::AuthService(AdminStore& admins, users::Directory& directory,
                         const policy::PolicyEngine& policies, const Clock& clock,
                         const crypto::KeyRing& hash_keys)
    : admins_(admins),
      directory_(directory),
      policies_(policies),
      clock_(clock),
      jwt_keys_(DeriveJwtKeys(hash_keys)) {}

// privacyIDEA's order (api/auth.py get_auth_token): an unknown `realm` parameter fails first, then a missing
// username; local admins are tried before the user stores, with the unsplit name.
PiResult<LoginResult> AuthService::Login(std::string_view username, const Secret& password,
                                         std::string_view realm, bool split_at_sign,
                                         std::string_view client) {
  if (!realm.empty() && !directory_.RealmExists(Lower(realm))) {
    return AuthError(4031, "Authentication failure. Unknown realm: " + std::string(realm) + ".");
  }
  if (username.empty()) return AuthError(4032, "Authentication failure. Missing Username");
  auto admin = admins_.Check(username, password);
  if (!admin.ok()) return FromError(admin.error());
  if (*admin) return Issue(Caller{std::string(username), "", "admin", "", {}}, client);

  auto [login, login_realm] = directory_.SplitLogin(username, split_at_sign);
  std::string user_realm = !realm.empty() ? std::string(realm) : login_realm;
  if (user_realm.empty()) user_realm = directory_.DefaultRealm();
  user_realm = Lower(user_realm);
  if (user_realm.empty() || password.empty()) return WrongCredentials();
  auto user = directory_.Find(login, user_realm);
  if (!user.ok()) return FromError(user.error());
  if (!user->has_value()) return WrongCredentials();
  auto checked = directory_.CheckPassword(**user, password);
  if (!checked.ok()) return FromError(checked.error());
  if (!*checked) return WrongCredentials();
  return Issue(Caller{login, (*user)->realm, "user", (*user)->resolver, {}}, client);
}

// privacyIDEA's webui policy jwt_validity (seconds) replaces the default lifetime; a value that is not a
// positive integer is ignored.
std::int64_t AuthService::JwtLifetime(const policy::Subject& subject) const {
  for (const std::string& v : policies_.Values(policy::kScopeWebui, "jwt_validity", subject)) {
    std::int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec == std::errc() && ptr == v.data() + v.size() && seconds > 0) return seconds;
  }
  return kJwtLifetimeSeconds;
}

PiResult<LoginResult> AuthService::Issue(Caller caller, std::string_view client) const {
  const std::string_view scope = caller.is_admin() ? policy::kScopeAdmin : policy::kScopeUser;
  policy::Subject subject;
  subject.client = std::string(client);
  if (caller.is_admin()) {
    subject.admin_user = caller.username;
  } else {
    subject.user = caller.username;
    subject.realm = caller.realm;
    subject.resolver = caller.resolver;
  }
  caller.rights = policies_.Rights(scope, subject, KnownRightNames(scope));

  LoginResult result;
  result.expires = UnixSeconds(clock_) + JwtLifetime(subject);
  nlohmann::ordered_json payload;  // the claims in privacyIDEA's order
  payload["username"] = caller.username;
  payload["realm"] = caller.realm;
  payload["nonce"] = HexEncode(crypto::RandomBytes(kNonceBytes));
  payload["role"] = caller.role;
  payload["authtype"] = "password";
  payload["exp"] = result.expires;
  payload["rights"] = caller.rights;
  result.token = jwt::EncodeHs256(payload, jwt_keys_.active_id(), jwt_keys_.active_key());
  result.menus = MenusFor(scope, caller.rights);
  result.caller = std::move(caller);
  return result;
}

PiResult<Caller> AuthService::Verify(std::string_view token) const {
  auto key_for = [this](std::string_view kid, bool has_kid) -> const Secret* {
    return has_kid ? jwt_keys_.Find(kid) : &jwt_keys_.active_key();
  };
  jwt::Decoded decoded = jwt::DecodeHs256(token, key_for, UnixSeconds(clock_));
  if (decoded.expired)
    return AuthError(4305, "Authentication failure. Your token has expired: " + decoded.detail);
  if (!decoded.ok) {
    return AuthError(4304,
                     "Authentication failure. Error decoding the Authorization token: " + decoded.detail);
  }
  Caller caller;
  caller.username = StringClaim(decoded.payload, "username");
  caller.realm = StringClaim(decoded.payload, "realm");
  caller.role = StringClaim(decoded.payload, "role");
  caller.rights = RightsClaim(decoded.payload);
  if (caller.role == "user") {
    auto user = directory_.Find(caller.username, caller.realm);
    if (!user.ok()) return FromError(user.error());
    if (user->has_value()) caller.resolver = (*user)->resolver;
  }
  return caller;
}

}  // namespace osprey::mfa::auth
