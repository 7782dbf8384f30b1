#include "mfa/audit/audit_chain.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::mfa::audit::internal {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i] (1..4), or 0 when it is invalid or a NUL.
std::size_t ValidSequence(std::string_view text, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 == 0) return 0;
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
  }
  return n;
}

void AppendLength(std::string& out, std::size_t n) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xFF));
}

void AppendField(std::string& out, std::string_view value) {
  AppendLength(out, value.size());
  out.append(value);
}

void AppendInt(std::string& out, std::int64_t value) {
  AppendLength(out, 8);
  const auto u = static_cast<std::uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xFF));
}

std::string MacHex(const Secret& key, std::string_view data) {
  return HexEncode(crypto::Hmac(crypto::HashAlgorithm::kSha256, key.view(), data));
}

}  // namespace

std::string SanitizeField(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxFieldBytes));
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = ValidSequence(text, i);
    const std::string_view piece = n == 0 ? kReplacement : text.substr(i, n);
    if (out.size() + piece.size() > kMaxFieldBytes) break;
    out.append(piece);
    i += n == 0 ? 1 : n;
  }
  return out;
}

std::int64_t ToMicros(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

Clock::TimePoint FromMicros(std::int64_t us) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::microseconds(us)));
}

StoredEntry ToStored(const AuditEntry& entry, Clock::TimePoint now) {
  StoredEntry s;
  s.date_us = ToMicros(entry.date == Clock::TimePoint{} ? now : entry.date);
  s.action = SanitizeField(entry.action);
  s.success = entry.success ? 1 : 0;
  s.authentication = SanitizeField(entry.authentication);
  s.serial = SanitizeField(entry.serial);
  s.token_type = SanitizeField(entry.token_type);
  s.user = SanitizeField(entry.user);
  s.realm = SanitizeField(entry.realm);
  s.resolver = SanitizeField(entry.resolver);
  s.administrator = SanitizeField(entry.administrator);
  s.action_detail = SanitizeField(entry.action_detail);
  s.info = SanitizeField(entry.info);
  s.privacyidea_server = SanitizeField(entry.privacyidea_server);
  s.client = SanitizeField(entry.client);
  s.user_agent = SanitizeField(entry.user_agent);
  s.policies = SanitizeField(entry.policies);
  s.thread_id = SanitizeField(entry.thread_id);
  const double us = entry.duration * 1e6;
  s.duration_us = std::isfinite(us) && us > 0 && us < 9e18 ? std::llround(us) : 0;
  return s;
}

AuditEntry ToEntry(const StoredEntry& s) {
  AuditEntry e;
  e.number = s.id;
  e.date = FromMicros(s.date_us);
  e.action = s.action;
  e.success = s.success != 0;
  e.authentication = s.authentication;
  e.serial = s.serial;
  e.token_type = s.token_type;
  e.user = s.user;
  e.realm = s.realm;
  e.resolver = s.resolver;
  e.administrator = s.administrator;
  e.action_detail = s.action_detail;
  e.info = s.info;
  e.privacyidea_server = s.privacyidea_server;
  e.client = s.client;
  e.user_agent = s.user_agent;
  e.policies = s.policies;
  e.thread_id = s.thread_id;
  e.duration = static_cast<double>(s.duration_us) / 1e6;
  return e;
}

std::string Canonical(const StoredEntry& e) {
  std::string out = "osprey-audit-v1";
  AppendInt(out, e.date_us);
  AppendField(out, e.action);
  AppendInt(out, e.success);
  for (const std::string* field :
       {&e.authentication, &e.serial, &e.token_type, &e.user, &e.realm, &e.resolver, &e.administrator,
        &e.action_detail, &e.info, &e.privacyidea_server, &e.client, &e.user_agent, &e.policies,
        &e.thread_id}) {
    AppendField(out, *field);
  }
  AppendInt(out, e.duration_us);
  AppendField(out, e.kid);
  AppendField(out, e.prev);
  return out;
}

std::string EntryMac(const Secret& key, const StoredEntry& e) { return MacHex(key, Canonical(e)); }

std::string CheckpointSeal(const Secret& key, const Checkpoint& c) {
  std::string data = "osprey-audit-checkpoint-v1";
  AppendInt(data, c.upto_id);
  AppendField(data, c.mac);
  AppendInt(data, c.deleted);
  AppendInt(data, c.created_us);
  AppendField(data, c.kid);
  return MacHex(key, data);
}

crypto::KeyRing DeriveChainKeys(const crypto::KeyRing& hash_keys) {
  if (hash_keys.empty()) throw std::invalid_argument("audit: the hash key ring is empty");
  crypto::KeyRing chain;
  for (const std::string& id : hash_keys.ids()) {
    const Secret* key = hash_keys.Find(id);
    Secret derived(crypto::Hmac(crypto::HashAlgorithm::kSha256, key->view(), "osprey mfa audit chain v1"));
    if (!chain.Add(id, std::move(derived)).ok()) throw std::invalid_argument("audit: bad key id " + id);
  }
  if (!chain.SetActive(hash_keys.active_id()).ok()) throw std::logic_error("audit: active key missing");
  return chain;
}

const char* const kEntryColumns =
    "CAST(a.id AS BIGINT), CAST(a.date AS BIGINT), a.action, CAST(a.success AS BIGINT), a.authentication, "
    "a.serial, a.token_type, a.username, a.realm, a.resolver, a.administrator, a.action_detail, a.info, "
    "a.privacyidea_server, a.client, a.user_agent, a.policies, a.thread_id, CAST(a.duration AS BIGINT), "
    "a.kid, "
    "a.prev, a.mac";

StoredEntry ReadStored(const soci::row& row) {
  StoredEntry s;
  std::size_t i = 0;
  s.id = sql::Int(row, i++);
  s.date_us = sql::Int(row, i++);
  s.action = sql::Text(row, i++);
  s.success = sql::Int(row, i++);
  for (std::string* field : {&s.authentication, &s.serial, &s.token_type, &s.user, &s.realm, &s.resolver,
                             &s.administrator, &s.action_detail, &s.info, &s.privacyidea_server, &s.client,
                             &s.user_agent, &s.policies, &s.thread_id}) {
    *field = sql::Text(row, i++);
  }
  s.duration_us = sql::Int(row, i++);
  s.kid = sql::Text(row, i++);
  s.prev = sql::Text(row, i++);
  s.mac = sql::Text(row, i++);
  return s;
}

std::optional<Checkpoint> ReadCheckpoint(soci::session& s) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT CAST(upto_id AS BIGINT), mac, CAST(deleted AS BIGINT), "
                    "CAST(created AS BIGINT), kid, seal FROM mfa_audit_checkpoint "
                    "WHERE id = 1");
  for (const soci::row& r : rows) {
    Checkpoint c;
    c.upto_id = sql::Int(r, 0);
    c.mac = sql::Text(r, 1);
    c.deleted = sql::Int(r, 2);
    c.created_us = sql::Int(r, 3);
    c.kid = sql::Text(r, 4);
    c.seal = sql::Text(r, 5);
    return c;
  }
  return std::nullopt;
}

}  // namespace osprey::mfa::audit::internal
