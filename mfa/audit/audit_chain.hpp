// Internal to the audit module: the stored form of an entry, its canonical encoding and mac, the checkpoint
// seal, and the SQL row mapping shared by the writer (audit_log.cpp) and the readers (audit_read.cpp).
//
// Canonical encoding (v1): the tag "osprey-audit-v1", then every covered field in a fixed order, each as a
// 4-byte big-endian length followed by its bytes (integers as 8-byte big-endian two's complement), so no two
// different entries encode alike. Covered: date, action, success, authentication, serial, token_type, user,
// realm, resolver, administrator, action_detail, info, privacyidea_server, client, user_agent, policies,
// thread_id, duration, kid and prev (the previous entry's mac). Not covered: id (the chain fixes the order;
// ids from a sequence may have gaps) and the mac itself.
//
// Thread rule: pure functions, any thread.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mfa/audit/audit_log.hpp"
#include "osprey/core/clock.hpp"
#include "osprey/core/key_ring.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::mfa::audit::internal {

// Longest stored text field in bytes; longer values are cut at a UTF-8 character boundary.
inline constexpr std::size_t kMaxFieldBytes = 1024;

// Valid UTF-8 without NUL (PostgreSQL rejects both), at most kMaxFieldBytes: invalid bytes and NUL become
// U+FFFD.
std::string SanitizeField(std::string_view text);

std::int64_t ToMicros(Clock::TimePoint t);
Clock::TimePoint FromMicros(std::int64_t us);

struct StoredEntry {
  std::int64_t id = 0;
  std::int64_t date_us = 0;
  std::string action;
  std::int64_t success = 0;
  std::string authentication, serial, token_type, user, realm, resolver, administrator, action_detail, info,
      privacyidea_server, client, user_agent, policies, thread_id;
  std::int64_t duration_us = 0;
  std::string kid, prev, mac;  // prev and mac: lower-case hex of HMAC-SHA256; prev "" for the first entry
};

// The sanitized stored form of `entry`; its date is `now` when entry.date is zero. kid/prev/mac stay empty.
StoredEntry ToStored(const AuditEntry& entry, Clock::TimePoint now);
AuditEntry ToEntry(const StoredEntry& stored);

std::string Canonical(const StoredEntry& e);
// Lower-case hex HMAC-SHA256(key, Canonical(e)).
std::string EntryMac(const Secret& key, const StoredEntry& e);

// The retention checkpoint: rows up to `upto_id` were deleted; `mac` is the mac of entry `upto_id`, the
// `prev` of the oldest remaining entry. `seal` = HMAC(chain key `kid`, all other fields), so a checkpoint
// cannot be forged without the key.
struct Checkpoint {
  std::int64_t upto_id = 0;
  std::string mac;
  std::int64_t deleted = 0;  // rows deleted by all rotations so far
  std::int64_t created_us = 0;
  std::string kid, seal;
};
std::string CheckpointSeal(const Secret& key, const Checkpoint& c);

// Chain keys: HMAC-SHA256(hash key, "osprey mfa audit chain v1") under the same ids, same active key.
// Throws std::invalid_argument for an empty ring.
crypto::KeyRing DeriveChainKeys(const crypto::KeyRing& hash_keys);

// The columns ReadStored expects, in order (64-bit values cast for SQLite), for table alias `a`.
extern const char* const kEntryColumns;
inline constexpr std::size_t kEntryColumnCount = 22;
StoredEntry ReadStored(const soci::row& row);

// Serializes appenders on PostgreSQL (see audit_log.cpp); a no-op on SQLite.
void LockChain(soci::session& s, sql::Engine engine);

// The checkpoint row, if any.
std::optional<Checkpoint> ReadCheckpoint(soci::session& s);

}  // namespace osprey::mfa::audit::internal
