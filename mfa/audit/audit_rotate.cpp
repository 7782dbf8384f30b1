// AuditLog::Rotate: retention in bounded batches. Every statement here is an index lookup or an index range
// of at most `batch` (or `max_rows`, once) entries: the table is never scanned or counted as a whole, which
// is what makes rotation usable on audit tables of tens of millions of rows.
#include <algorithm>
#include <optional>

#include "mfa/audit/audit_chain.hpp"
#include "mfa/audit/audit_log.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::audit {
namespace {

// The first column of the first row of `sql` with the integer binds, as an integer; nullopt without a row.
template <typename... A>
std::optional<std::int64_t> FirstInt(soci::session& s, const std::string& sql, const A&... binds) {
  soci::details::prepare_temp_type query = (s.prepare << sql);
  ((query, soci::use(binds)), ...);
  soci::rowset<soci::row> rows(query);
  for (const soci::row& r : rows) return sql::OptInt(r, 0);
  return std::nullopt;
}

// The newest id that retention removes (every id <= it goes), or nullopt when nothing is due.
std::optional<std::int64_t> Boundary(soci::session& s, const RetentionOptions& options,
                                     Clock::TimePoint now) {
  std::optional<std::int64_t> boundary;
  if (options.max_rows) {
    // The newest row beyond the newest max_rows ones: one index range of max_rows entries, no count.
    const long long keep = std::max<std::int64_t>(0, *options.max_rows);
    boundary =
        FirstInt(s, "SELECT CAST(id AS BIGINT) FROM mfa_audit ORDER BY id DESC LIMIT 1 OFFSET :k", keep);
  }
  if (options.max_age) {
    const long long cutoff = internal::ToMicros(now - *options.max_age);
    // Entries are appended in date order (up to concurrent writers' clock skew), so everything before the
    // first entry that is young enough goes.
    auto first_kept = FirstInt(
        s, "SELECT CAST(id AS BIGINT) FROM mfa_audit WHERE date >= :cutoff ORDER BY date, id LIMIT 1",
        cutoff);
    std::optional<std::int64_t> by_age =
        first_kept ? std::optional<std::int64_t>(*first_kept - 1)
                   : FirstInt(s, "SELECT CAST(id AS BIGINT) FROM mfa_audit ORDER BY id DESC LIMIT 1");
    if (by_age && (!boundary || *by_age > *boundary)) boundary = by_age;
  }
  return boundary;
}

// Deletes the oldest entries up to `boundary`, at most `batch` of them, and moves the checkpoint to the
// newest deleted one, in the caller's transaction. Returns the number deleted (0: nothing left).
std::int64_t DeleteBatch(soci::session& s, std::int64_t boundary, std::int64_t batch,
                         const crypto::KeyRing& chain_keys, Clock::TimePoint now) {
  const long long b = boundary, offset = batch - 1;
  auto upto = FirstInt(
      s, "SELECT CAST(id AS BIGINT) FROM mfa_audit WHERE id <= :b ORDER BY id LIMIT 1 OFFSET :o", b, offset);
  if (!upto)
    upto = FirstInt(s, "SELECT CAST(id AS BIGINT) FROM mfa_audit WHERE id <= :b ORDER BY id DESC LIMIT 1", b);
  if (!upto) return 0;
  const long long upto_id = *upto;
  std::string mac;
  s << "SELECT mac FROM mfa_audit WHERE id = :id", soci::use(upto_id), soci::into(mac);
  const long long deleted = sql::Exec(s, "DELETE FROM mfa_audit WHERE id <= :id", upto_id);

  internal::Checkpoint c;
  auto previous = internal::ReadCheckpoint(s);
  c.upto_id = upto_id;
  c.mac = mac;
  c.deleted = (previous ? previous->deleted : 0) + deleted;
  c.created_us = internal::ToMicros(now);
  c.kid = chain_keys.active_id();
  c.seal = internal::CheckpointSeal(chain_keys.active_key(), c);
  const long long total = c.deleted, created = c.created_us;
  const long long updated = sql::Exec(s,
                                      "UPDATE mfa_audit_checkpoint SET upto_id = :u, mac = :m, deleted = :d, "
                                      "created = :c, kid = :k, seal = :s WHERE id = 1",
                                      upto_id, c.mac, total, created, c.kid, c.seal);
  if (updated == 0) {
    sql::Exec(s,
              "INSERT INTO mfa_audit_checkpoint (id, upto_id, mac, deleted, created, kid, seal) "
              "VALUES (1, :u, :m, :d, :c, :k, :s)",
              upto_id, c.mac, total, created, c.kid, c.seal);
  }
  return deleted;
}

}  // namespace

Result<RotateReport> AuditLog::Rotate(const RetentionOptions& options) {
  RotateReport report;
  if (!options.max_age && !options.max_rows) return report;
  const std::int64_t batch = std::max<std::int64_t>(1, options.batch);
  const Clock::TimePoint now = clock_.Now();
  std::optional<std::int64_t> boundary;
  Status st =
      sql::RunRead(db_, "audit rotate", [&](soci::session& s) { boundary = Boundary(s, options, now); });
  if (!st.ok()) return st.error();
  if (!boundary) return report;
  for (;;) {
    std::int64_t deleted = 0;
    st = sql::RunTransaction(db_, "audit rotate", [&](soci::session& s) {
      internal::LockChain(s, db_.engine());
      deleted = DeleteBatch(s, *boundary, batch, chain_keys_, now);
    });
    if (!st.ok()) return st.error();
    if (deleted == 0) break;
    report.deleted += deleted;
    ++report.batches;
    if (deleted < batch || (options.stop && options.stop())) break;
  }
  return report;
}

}  // namespace osprey::mfa::audit
