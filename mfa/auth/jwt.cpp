#include "mfa/auth/jwt.hpp"

#include <optional>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::auth::jwt {
namespace {

Decoded Fail(std::string detail) {
  Decoded d;
  d.detail = std::move(detail);
  return d;
}

// Python's json.dumps default (ensure_ascii) so the bytes match what PyJWT would sign.
std::string Compact(const nlohmann::ordered_json& j) { return j.dump(-1, ' ', true); }

std::optional<nlohmann::json> ParseObject(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// PyJWT reports a JSON syntax error with Python's json message; Osprey names the problem without quoting
// the token (it may be a stolen credential worth keeping out of logs).
std::string JsonProblem(const std::optional<nlohmann::json>& j) {
  return j ? "must be a json object" : "Expecting value: malformed JSON";
}

}  // namespace

std::string EncodeHs256(const nlohmann::ordered_json& payload, std::string_view kid, const Secret& key) {
  nlohmann::ordered_json header;  // sorted by hand: alg, kid, typ
  header["alg"] = "HS256";
  if (!kid.empty()) header["kid"] = std::string(kid);
  header["typ"] = "JWT";
  std::string signing_input = Base64UrlEncode(Compact(header)) + "." + Base64UrlEncode(Compact(payload));
  const std::string mac = crypto::Hmac(crypto::HashAlgorithm::kSha256, key.view(), signing_input);
  return signing_input + "." + Base64UrlEncode(mac);
}

Decoded DecodeHs256(std::string_view token, const KeyLookup& key_for, std::int64_t now_unix) {
  // PyJWT: rsplit(".", 1) for the signature, then split(".", 1) for header and payload.
  const std::size_t last = token.rfind('.');
  const std::size_t first = token.find('.');
  if (last == std::string_view::npos || first == last) return Fail("Not enough segments");
  const std::string_view signing_input = token.substr(0, last);
  auto header_bytes = Base64UrlDecode(token.substr(0, first));
  if (!header_bytes.ok()) return Fail("Invalid header padding");
  auto header = ParseObject(*header_bytes);
  if (!header || !header->is_object()) return Fail("Invalid header string: " + JsonProblem(header));
  auto payload_bytes = Base64UrlDecode(token.substr(first + 1, last - first - 1));
  if (!payload_bytes.ok()) return Fail("Invalid payload padding");
  auto signature = Base64UrlDecode(token.substr(last + 1));
  if (!signature.ok()) return Fail("Invalid crypto padding");

  auto alg = header->find("alg");
  if (alg == header->end()) return Fail("Algorithm not specified");
  if (!alg->is_string() || alg->get<std::string>() != "HS256")
    return Fail("The specified alg value is not allowed");
  auto kid = header->find("kid");
  const bool has_kid = kid != header->end() && kid->is_string();
  const Secret* key = key_for(has_kid ? kid->get_ref<const std::string&>() : std::string_view(), has_kid);
  if (key == nullptr) return Fail("Signature verification failed");
  const std::string expected = crypto::Hmac(crypto::HashAlgorithm::kSha256, key->view(), signing_input);
  if (!crypto::ConstantTimeEquals(expected, *signature)) return Fail("Signature verification failed");

  auto payload = ParseObject(*payload_bytes);
  if (!payload || !payload->is_object()) return Fail("Invalid payload string: " + JsonProblem(payload));
  auto exp = payload->find("exp");
  if (exp == payload->end()) return Fail("Token is missing the \"exp\" claim");
  // PyJWT takes int(exp): a float is truncated; anything else is not a time.
  if (!exp->is_number()) return Fail("Expiration Time claim (exp) must be an integer.");
  const auto expires =
      exp->is_number_float() ? static_cast<std::int64_t>(exp->get<double>()) : exp->get<std::int64_t>();
  Decoded d;
  d.header = std::move(*header);
  d.payload = std::move(*payload);
  if (expires <= now_unix) {
    d.expired = true;
    d.detail = "Signature has expired";
    return d;
  }
  d.ok = true;
  return d;
}

}  // namespace osprey::mfa::auth::jwt
