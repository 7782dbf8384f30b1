// Enqueueing and leases. Claiming is in store_claim.cpp, outcomes and recovery in store_outcome.cpp, reads in
// store_folders.cpp.
#include "smsgw/queue/store.hpp"

#include <time.h>

#include "smsgw/queue/sql_rows.hpp"

namespace osprey::smsgw::queue {
namespace {

using internal::Exec;
using internal::ToMillis;

Status Validate(const NewMessage& m) {
  auto fail = [](const std::string& why) { return Error(ErrorCode::kInvalidArgument, why); };
  if (m.parts.empty()) return fail("a message needs at least one part");
  if (m.priority < 0 || m.priority > 9) return fail("priority must be 0..9");
  for (const auto& minute : {m.send_after, m.send_before}) {
    if (minute && (*minute < 0 || *minute > 1439)) return fail("daily window minutes must be 0..1439");
  }
  auto validity = ParseValidity(m.validity);
  if (!validity.ok()) return validity.error();
  return OkStatus();
}

std::int64_t InsertMessage(soci::session& s, const NewMessage& m, Clock::TimePoint now) {
  const Validity validity = *ParseValidity(m.validity);
  const Clock::TimePoint due = std::max(now, m.not_before.value_or(now));
  const auto lifetime = ValidityDuration(validity);
  std::string text;
  for (const auto& p : m.parts) text += p;
  long long owner = m.owner_id, now_ms = ToMillis(now), due_ms = ToMillis(due);
  long long expires = lifetime ? ToMillis(due + *lifetime) : 0;
  int after = m.send_after.value_or(0), before = m.send_before.value_or(0), modem = m.modem_no.value_or(0);
  int flash = m.flash, report = m.report_requested, priority = m.priority, total = int(m.parts.size());
  std::string oid = m.oid.value_or(""), number = internal::NormalizeNumber(m.number);
  soci::indicator after_i = m.send_after ? soci::i_ok : soci::i_null;
  soci::indicator before_i = m.send_before ? soci::i_ok : soci::i_null;
  soci::indicator expires_i = lifetime ? soci::i_ok : soci::i_null;
  soci::indicator oid_i = m.oid ? soci::i_ok : soci::i_null, modem_i = m.modem_no ? soci::i_ok : soci::i_null;
  long long id = 0;
  s << "INSERT INTO smsgw_messages (owner_id, number, number_normalized, text, coding, priority, insert_date,"
       " update_date, not_before, send_after, send_before, validity, validity_vp, expires_at, flash, oid,"
       " modem_no, report_requested, status, attempts, total_parts) VALUES (:o, :num, :norm, :t, :c, :p, :i,"
       " :u, :nb, :sa, :sb, :v, :vp, :e, :f, :oid, :mn, :r, 'reserved', 0, :tot) RETURNING id",
      soci::use(owner), soci::use(m.number), soci::use(number), soci::use(text), soci::use(m.coding),
      soci::use(priority), soci::use(now_ms), soci::use(now_ms), soci::use(due_ms), soci::use(after, after_i),
      soci::use(before, before_i), soci::use(validity.name), soci::use(validity.vp),
      soci::use(expires, expires_i), soci::use(flash), soci::use(oid, oid_i), soci::use(modem, modem_i),
      soci::use(report), soci::use(total), soci::into(id);
  for (int seq = 1; seq <= total; ++seq) {
    Exec(s, "INSERT INTO smsgw_message_parts (message_id, seq, text, state) VALUES (:id, :s, :t, 'queued')",
         id, seq, m.parts[seq - 1]);
  }
  return id;
}

}  // namespace

modem::OutgoingPart ClaimedMessage::ToOutgoing(const ClaimedPart& part) const {
  modem::OutgoingPart out;
  out.message_id = id;
  out.part_no = part.seq;
  out.total_parts = static_cast<int>(parts.size());
  out.number = number;
  out.text = part.text;
  out.coding = coding;
  out.flash = flash;
  out.validity_vp = validity_vp;
  out.request_report = report_requested;
  return out;
}

Store::Store(sql::Database& db, StoreOptions options) : db_(db), options_(std::move(options)) {}

int Store::MinuteOfDay(Clock::TimePoint now) const {
  if (options_.minute_of_day) return options_.minute_of_day(now);
  std::time_t t = Clock::TimePoint::clock::to_time_t(now);
  std::tm local{};
  localtime_r(&t, &local);
  return local.tm_hour * 60 + local.tm_min;
}

Result<std::vector<std::int64_t>> Store::Enqueue(std::span<const NewMessage> messages, Clock::TimePoint now) {
  for (const auto& m : messages) {
    if (Status st = Validate(m); !st.ok()) return st.error();
  }
  std::vector<std::int64_t> ids;
  Status st = internal::Transact(db_, "enqueue", [&](soci::session& s) {
    ids.clear();  // the transaction may run again
    for (const auto& m : messages) ids.push_back(InsertMessage(s, m, now));
  });
  if (!st.ok()) return st.error();
  return ids;
}

Result<bool> Store::RenewLease(const ClaimedMessage& message, Clock::TimePoint now) {
  long long until = ToMillis(now + options_.lease_duration), id = message.id;
  long long changed = 0;
  Status st = internal::Transact(db_, "renew lease", [&](soci::session& s) {
    changed = Exec(s,
                   "UPDATE smsgw_messages SET lease_until = :u WHERE id = :id AND lease_owner = :o"
                   " AND status = 'reserved'",
                   until, id, message.lease_owner);
  });
  if (!st.ok()) return st.error();
  return changed == 1;
}

Result<bool> Store::MarkSubmitting(const ClaimedMessage& message, int seq, int modem_no) {
  // One autocommitted statement keeps this per-part write cheap; the Dispatcher's lease keeper renews.
  long long id = message.id;
  bool marked = false;
  Status st = internal::Read(db_, "mark submitting", [&](soci::session& s) {
    marked = Exec(s,
                  "UPDATE smsgw_message_parts SET state = 'submitting', modem_no = :m WHERE message_id = :id"
                  " AND seq = :s AND state = 'queued' AND EXISTS (SELECT 1 FROM smsgw_messages m"
                  " WHERE m.id = :mid AND m.lease_owner = :o AND m.status = 'reserved')",
                  modem_no, id, seq, id, message.lease_owner) == 1;
  });
  if (!st.ok()) return st.error();
  return marked;
}

Status Store::ReleaseLease(const ClaimedMessage& message) {
  long long id = message.id;
  return internal::Transact(db_, "release lease", [&](soci::session& s) {
    Exec(s,
         "UPDATE smsgw_messages SET lease_until = NULL, lease_owner = NULL WHERE id = :id AND lease_owner = "
         ":o",
         id, message.lease_owner);
  });
}

}  // namespace osprey::smsgw::queue
