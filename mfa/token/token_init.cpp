// TokenService::Init and List: enrollment (key handling, serial generation, key URIs) and the token listing.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

#include "mfa/token/token_service.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::token {
namespace {

std::string Param(const InitParams& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

bool IsTrueParam(const InitParams& params, const std::string& key) {
  const std::string v = Param(params, key);
  return v == "1" || v == "true" || v == "True" || v == "TRUE";
}

// SHA-1 (FIPS 180-4) for the 4-byte checksum of privacyIDEA's base32check key format only; libs/core keeps
// its OpenSSL private and a checksum needs no constant time.
std::array<std::uint8_t, 20> Sha1(std::string_view data) {
  std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::string m(data);
  const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  m += static_cast<char>(0x80);
  while (m.size() % 64 != 56) m += '\0';
  for (int i = 7; i >= 0; --i) m += static_cast<char>((bits >> (i * 8)) & 0xFF);
  auto rol = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  for (std::size_t off = 0; off < m.size(); off += 64) {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      w[i] = 0;
      for (int j = 0; j < 4; ++j) w[i] = (w[i] << 8) | static_cast<std::uint8_t>(m[off + i * 4 + j]);
    }
    for (int i = 16; i < 80; ++i) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      std::uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d), k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d, k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d, k = 0xCA62C1D6;
      }
      std::uint32_t t = rol(a, 5) + f + e + k + w[i];
      e = d, d = c, c = rol(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  std::array<std::uint8_t, 20> out{};
  for (int i = 0; i < 20; ++i) out[i] = static_cast<std::uint8_t>(h[i / 4] >> (24 - 8 * (i % 4)));
  return out;
}

// privacyIDEA's decode_base32check: base32(checksum[4] | key), checksum = SHA-1(key)[0:4].
PiResult<Secret> DecodeBase32Check(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  auto decoded = Base32Decode(text);
  if (!decoded.ok()) return ParameterError("Malformed base32check data: Invalid base32");
  Secret data(*decoded);
  std::fill(decoded->begin(), decoded->end(), '\0');
  if (data.size() < 4) return ParameterError("Malformed base32check data: Too short");
  const std::string_view payload = data.view().substr(4);
  const auto digest = Sha1(payload);
  if (!std::equal(digest.begin(), digest.begin() + 4, data.bytes().begin())) {
    return ParameterError("Malformed base32check data: Incorrect checksum");
  }
  return Secret(payload);
}

// The seed: genkey (drops otpkey), else otpkey (hex or base32check), else generated (keysize or hashlib
// size).
PiResult<Secret> EnrollmentKey(const InitParams& params, const TokenRecord& record) {
  const std::string otpkey = Param(params, "otpkey");
  if (!IsTrueParam(params, "genkey") && !otpkey.empty()) {
    if (Param(params, "otpkeyformat") == "base32check") return DecodeBase32Check(otpkey);
    auto key = HexDecode(otpkey);
    if (!key.ok()) return ParameterError("The otpkey must be hex encoded.");
    Secret secret(*key);
    std::fill(key->begin(), key->end(), '\0');
    return secret;
  }
  std::size_t size = crypto::DigestSize(TokenHash(record, "sha1"));
  if (const std::string keysize = Param(params, "keysize"); !keysize.empty()) {
    try {
      const int n = std::stoi(keysize);
      if (n <= 0 || n > 1024) return ParameterError("keysize must be between 1 and 1024.");
      size = static_cast<std::size_t>(n);
    } catch (const std::exception&) {
      return ParameterError("keysize must be an integer.");
    }
  }
  return crypto::RandomSecret(size);
}

// Python's urllib.parse.quote with safe "/" (privacyIDEA's URL building).
std::string Quote(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// §10: otpauth://<type>/<serial>?secret=<B32>&[counter=1&][algorithm=X&][period=N&]digits=<otplen>&
// creator=privacyidea&issuer=privacyIDEA&serial=<serial>
std::string GoogleUrl(const std::string& uri_type, const TokenRecord& r, const std::string& b32) {
  std::string url = "otpauth://" + uri_type + "/" + Quote(r.serial) + "?secret=" + b32 + "&";
  if (uri_type == "hotp") url += "counter=1&";
  const std::string hashlib = r.Info("hashlib", "sha1");
  if (hashlib != "sha1") {
    std::string upper = hashlib;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    url += "algorithm=" + upper + "&";
  }
  if (uri_type == "totp") url += "period=" + r.Info("timeStep", "30") + "&";
  url += "digits=" + std::to_string(r.otplen) +
         "&creator=privacyidea&issuer=privacyIDEA&serial=" + Quote(r.serial);
  return url;
}

}  // namespace

PiResult<std::string> TokenService::NewSerial(const TokenType& type) {
  auto count = store_.CountOfType(type.Name());
  if (!count.ok()) return FromError(count.error());
  char number[16];
  std::snprintf(number, sizeof number, "%04lld", static_cast<long long>(*count));
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string serial = type.SerialPrefix() + number + crypto::RandomHexUpper(4);
    auto exists = store_.SerialExists(serial);
    if (!exists.ok()) return FromError(exists.error());
    if (!*exists) return serial;
  }
  return InternalError("could not generate a unique serial");
}

PiResult<InitResult> TokenService::Init(const InitParams& params, const std::optional<Secret>& pin) {
  std::string type_name = Param(params, "type");
  if (type_name.empty()) type_name = "hotp";
  const TokenType* type = types_.Find(type_name);
  if (type == nullptr) return CodedError(1610, "init token failed: unknown token type '" + type_name + "'");
  auto user = ResolveUser(Param(params, "user"), Param(params, "realm"), Param(params, "resolver"));
  if (!user.ok()) return user.error();

  std::string serial = Param(params, "serial");
  if (serial.empty()) {
    auto generated = NewSerial(*type);
    if (!generated.ok()) return generated.error();
    serial = *generated;
  }
  auto existing = store_.Get(serial);
  if (!existing.ok()) return FromError(existing.error());
  TokenRecord record;
  if (existing->has_value()) {
    record = std::move(**existing);
    if (record.tokentype != type->Name()) {
      return CodedError(1611, "Token " + serial + " already exists with type " + record.tokentype +
                                  ". Can not initialize token with new type " + type->Name());
    }
    record.count = 0;
    record.failcount = 0;
  }
  record.serial = serial;
  record.tokentype = type->Name();
  if (PiStatus st = type->Init(params, LoadDefaults(config_), record); !st.ok()) return st.error();
  if (params.count("description") != 0) record.description = Param(params, "description");
  record.rollout_state = "";
  if (*user) {
    record.user_id = (*user)->info.uid;
    record.resolver = (*user)->resolver;
    record.user_realm = (*user)->realm;
    if (std::find(record.realms.begin(), record.realms.end(), record.user_realm) == record.realms.end()) {
      record.realms.push_back(record.user_realm);
    }
  }
  auto key = EnrollmentKey(params, record);
  if (!key.ok()) return key.error();

  if (existing->has_value()) {
    if (Status st = store_.Save(record); !st.ok()) return FromError(st.error());
    if (Status st = store_.SetKey(serial, *key); !st.ok()) return FromError(st.error());
    if (pin) {
      if (Status st = store_.SetPin(serial, pin->Clone()); !st.ok()) return FromError(st.error());
    }
  } else {
    auto id = store_.Create(record, *key, pin);
    if (!id.ok()) return FromError(id.error());
    record.id = *id;
  }

  InitResult result;
  result.serial = serial;
  result.rollout_state = record.rollout_state;
  result.otpkey_hex = HexEncode(key->view());
  result.value_b32 = Base32Encode(key->view(), Base32Padding::kWithout);
  if (auto uri_type = type->KeyUriType()) result.googleurl = GoogleUrl(*uri_type, record, result.value_b32);
  result.oathurl = "oathtoken:///addToken?name=" + Quote(serial) + "&lockdown=true&key=" + result.otpkey_hex;
  if (type->Name() == "totp") result.oathurl += "&timeBased=true";
  Selection selection{{record}, *user};
  result.outcome = Describe(selection, 1);
  return result;
}

PiResult<TokenListResult> TokenService::List(const TokenListQuery& query) {
  TokenFilter filter = query.filter;
  auto user = ResolveUser(query.user, query.realm, filter.resolver);
  if (!user.ok()) return user.error();
  if (*user) {
    filter.user_id = (*user)->info.uid;
    filter.resolver = (*user)->resolver;
  } else if (!query.realm.empty() && filter.tokenrealm.empty()) {
    filter.tokenrealm = query.realm;
  }
  filter.page = std::max(filter.page, 1);
  filter.pagesize = std::max(filter.pagesize, 1);
  auto page = store_.List(filter);
  if (!page.ok()) return FromError(page.error());

  TokenListResult result;
  result.count = page->count;
  result.current = filter.page;
  const std::int64_t pages = (page->count + filter.pagesize - 1) / filter.pagesize;
  if (filter.page > 1) result.prev = filter.page - 1;
  if (filter.page < pages) result.next = filter.page + 1;
  std::map<std::string, std::pair<std::string, bool>> owners;  // realm/resolver/uid → login, editable
  for (TokenRecord& r : page->tokens) {
    TokenView view;
    if (!r.user_id.empty()) {
      const std::string key = r.user_realm + "\n" + r.resolver + "\n" + r.user_id;
      auto it = owners.find(key);
      if (it == owners.end()) {
        std::pair<std::string, bool> owner;
        auto found = directory_.FindByUid(r.user_realm, r.resolver, r.user_id);
        if (found.ok() && found->has_value()) owner = {(*found)->info.username, (*found)->editable};
        it = owners.emplace(key, owner).first;
      }
      view.username = it->second.first;
      view.user_editable = it->second.second;
    }
    view.record = std::move(r);
    result.tokens.push_back(std::move(view));
  }
  Selection selection;
  selection.user = *user;
  result.outcome = Describe(selection, static_cast<long long>(result.tokens.size()));
  return result;
}

}  // namespace osprey::mfa::token
