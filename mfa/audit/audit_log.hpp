// AuditLog: privacyIDEA's audit trail (GET /audit/), tamper-evident. Every entry carries
// mac = HMAC-SHA256(chain key, previous entry's mac | canonical encoding of this entry's fields), so
// removing, reordering or editing a row breaks the chain from that row on. Chain keys are derived from the
// hash KeyRing (HMAC-SHA256(hash key, "osprey mfa audit chain v1")); each row records the key id it was
// chained under, so a key rotation keeps old rows verifiable while the old key stays in the ring. The keys
// live in the key file, not in the database: someone with database access alone cannot re-chain edited rows.
//
// Retention (Rotate) deletes the oldest rows in bounded batches (by id range, never a full-table scan) and
// records a checkpoint (the id and mac of the newest deleted row) in the same transaction, so Verify starts
// at the checkpoint and still proves the rest of the chain.
//
// Appends made inside a caller's transaction (AppendIn) read the chain head in that transaction, so
// concurrent writers (the server and the CLI) serialize through the database: SQLite's write lock; on
// PostgreSQL a table lock that AppendIn takes first (LOCK TABLE, no snapshot), plus the serializable retry.
// On PostgreSQL, call AppendIn before the transaction's first query when you can: a transaction whose
// snapshot predates another appender's commit fails with a serialization error (WithTransaction runs it
// again).
//
// Stored form: text fields are made valid UTF-8 without NUL (invalid bytes become U+FFFD) and cut to 1024
// bytes; dates and durations are kept in microseconds. Verify names the first entry that fails: "entry 17
// altered" (its own mac), "entry 19: the entry before it is missing or out of order" (its link), an unknown
// key id, or a forged/altered checkpoint. Deleting the newest entries (the tail) is not detectable.
//
// Errors: kUnavailable/kInternal (database). Nothing secret is ever put in an entry by this class; callers
// must not pass PINs, OTP values or seeds in `info`. Ownership: refers to db and clock; derives its own keys.
// Thread rule: any thread, any member.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/core/key_ring.hpp"
#include "osprey/core/result.hpp"
#include "osprey/core/secret.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::audit {

const sql::MigrationSet& AuditMigrations();

// Field names follow privacyIDEA's audit columns.
struct AuditEntry {
  std::int64_t number = 0;  // id, set when read
  Clock::TimePoint date{};  // set by Append when zero
  std::string action;       // "POST /validate/check"
  bool success = false;
  std::string serial, token_type, user, realm, resolver;
  std::string administrator;  // admin name for admin requests
  std::string action_detail, info;
  std::string client;  // client IP
  std::string user_agent;
  std::string policies;        // comma-separated names of policies that decided
  std::string authentication;  // ACCEPT / REJECT / CHALLENGE / ""
  std::string thread_id;
  double duration = 0;             // seconds
  std::string privacyidea_server;  // the server that handled the request (privacyIDEA's column)

  // Set by Query, ignored by Append: whether the entry's own mac verifies (privacyIDEA's `sig_check`) and
  // whether it links to the entry before it or the checkpoint (privacyIDEA's `missing_line`).
  bool sig_ok = false;
  bool link_ok = false;
};

struct AuditFilter {
  // Exact or '*'-wildcard per column name (privacyIDEA's GET /audit/ parameters: action, success, serial,
  // token_type, user, realm, resolver, administrator, client, info, action_detail, policies, authentication,
  // privacyidea_server, user_agent, thread_id), as privacyIDEA 3.13 filters: a leading '!' negates, a value
  // that is empty or only '*' is no filter, success compares with 1/0, unknown keys are ignored.
  std::map<std::string, std::string> columns;
  // Exact matches on the same column names, no wildcard or '!' interpreted (a user JWT's own name and realm).
  std::map<std::string, std::string> exact;
  std::optional<Clock::TimePoint> since;  // privacyIDEA `timelimit` (e.g. "2d") becomes now - limit
  std::string sortorder = "desc";         // by number
  int page = 1, page_size = 15;           // clamped to >= 1 and 1..10000
};
struct AuditPage {
  std::vector<AuditEntry> entries;
  std::int64_t count = 0;
};

struct VerifyReport {
  bool ok = true;
  std::int64_t checked = 0;
  std::int64_t first_bad = 0;  // number of the first entry that does not verify (0 when ok)
  std::string problem;         // human-readable, e.g. "entry 17 altered" / "entry 18 missing before 19"
};

struct RetentionOptions {
  std::optional<std::chrono::seconds> max_age;
  std::optional<std::int64_t> max_rows;
  std::int64_t batch = 10000;  // rows per delete transaction
  // Asked between batches; true ends Rotate early, reporting what it did (AuditRotator's prompt stop).
  std::function<bool()> stop;
};
struct RotateReport {
  std::int64_t deleted = 0;
  int batches = 0;
};

class AuditLog {
 public:
  AuditLog(sql::Database& db, const Clock& clock, const crypto::KeyRing& hash_keys);
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  Status Append(const AuditEntry& entry);
  // Appends inside the caller's transaction, the entries in order. Inside Database::WithTransaction the lock
  // and the head read are once per transaction: later calls in the same transaction continue from the
  // entry the previous one wrote.
  void AppendIn(soci::session& s, std::span<const AuditEntry> entries) const;
  // Takes the appenders' lock now (PostgreSQL; a no-op on SQLite), once per transaction. Call it as the first
  // statement of a transaction that will AppendIn after other queries, so its snapshot is not older than the
  // chain head (else PostgreSQL's serializable isolation aborts it, and concurrent writers exhaust retries).
  void LockIn(soci::session& s) const;

  Result<AuditPage> Query(const AuditFilter& filter) const;
  Result<VerifyReport> Verify() const;
  Result<RotateReport> Rotate(const RetentionOptions& options);

 private:
  sql::Database& db_;
  const Clock& clock_;
  crypto::KeyRing chain_keys_;  // derived, same ids as the hash ring
};

}  // namespace osprey::mfa::audit
