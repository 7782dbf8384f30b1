// HS256 JSON Web Tokens (RFC 7519) as privacyIDEA issues them with PyJWT: base64url without padding, the
// header
// {"alg":"HS256","kid":<key id>,"typ":"JWT"} (keys sorted, compact, as PyJWT's sort_headers), a compact JSON
// payload. Decoding reports failures with PyJWT's texts, because privacyIDEA puts them on the wire after
// "Error decoding the Authorization token: " / "Your token has expired: " (spec privacyidea-api.md §3).
// Thread rule: pure functions, any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "osprey/core/secret.hpp"

namespace osprey::mfa::auth::jwt {

// header.payload.signature with HMAC-SHA256 under `key`. `kid` "" leaves the kid header out.
std::string EncodeHs256(const nlohmann::ordered_json& payload, std::string_view kid, const Secret& key);

struct Decoded {
  bool ok = false;
  bool expired = false;  // with !ok: the signature was good but `exp` has passed
  std::string detail;    // with !ok: PyJWT's message, e.g. "Signature verification failed"
  nlohmann::json header, payload;
};

// The verification key for a header's kid (has_kid false when the header carries none), or nullptr when no
// key of that id exists (reported as a bad signature).
using KeyLookup = std::function<const Secret*(std::string_view kid, bool has_kid)>;

// Checks, in PyJWT's order: three segments ("Not enough segments"), header encoding ("Invalid header
// padding"), header JSON ("Invalid header string: ..."), payload encoding ("Invalid payload padding"),
// signature encoding ("Invalid crypto padding"), alg ("The specified alg value is not allowed"), the
// signature
// ("Signature verification failed", constant-time), payload JSON ("Invalid payload string: ..."), `exp`
// ("Expiration Time claim (exp) must be an integer.", expired when exp <= now: "Signature has expired").
// A token without `exp` is refused ("Token is missing the \"exp\" claim") [Osprey: PyJWT would accept it].
Decoded DecodeHs256(std::string_view token, const KeyLookup& key_for, std::int64_t now_unix);

}  // namespace osprey::mfa::auth::jwt
