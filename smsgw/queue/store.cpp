// Enqueueing and leases. Claiming is in store_claim.cpp, outcomes and recovery in store_outcome.cpp, reads in
// store_folders.cpp.
#include "smsgw/queue/store.hpp"

#include <time.h>

#include "smsgw/queue/sql_rows.hpp"

namespace osprey::smsgw::queue {
namespace {

using internal::Exec;

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

// Inserts messages and their parts. The statements are prepared once per transaction and executed per row,
// when there are enough rows to pay for the preparation: SQLite then parses each statement once instead of
// once per row; PostgreSQL pays a PREPARE and a DEALLOCATE round trip, so it prepares only for larger
// batches (group commit) and otherwise sends one-time queries.
class Inserter {
 public:
  // `prepare`: compile the two INSERTs once and reuse them (for a batch, or when kept per connection with
  // Database::SessionLocal); otherwise each runs as a one-off statement. `engine` for ResetStatement.
  Inserter(soci::session& s, bool prepare, sql::Engine engine) : s_(s), engine_(engine) {
    if (!prepare) return;
    message_.emplace((s.prepare << kInsertMessage, soci::use(owner_), soci::use(number_), soci::use(norm_),
                      soci::use(text_), soci::use(coding_), soci::use(priority_), soci::use(now_ms_),
                      soci::use(now_ms_), soci::use(due_ms_), soci::use(after_, after_i_),
                      soci::use(before_, before_i_), soci::use(validity_), soci::use(vp_),
                      soci::use(expires_, expires_i_), soci::use(flash_), soci::use(oid_, oid_i_),
                      soci::use(modem_, modem_i_), soci::use(report_), soci::use(total_), soci::into(id_)));
    part_.emplace((s.prepare << kInsertPart, soci::use(id_), soci::use(seq_), soci::use(part_text_)));
  }

  std::int64_t Insert(const NewMessage& m, Clock::TimePoint now) {
    Bind(m, now);
    if (message_) {
      message_->execute(true);
      sql::ResetStatement(*message_, engine_);  // RETURNING stopped at its row: release it
    } else {
      s_ << kInsertMessage, soci::use(owner_), soci::use(number_), soci::use(norm_), soci::use(text_),
          soci::use(coding_), soci::use(priority_), soci::use(now_ms_), soci::use(now_ms_),
          soci::use(due_ms_), soci::use(after_, after_i_), soci::use(before_, before_i_),
          soci::use(validity_), soci::use(vp_), soci::use(expires_, expires_i_), soci::use(flash_),
          soci::use(oid_, oid_i_), soci::use(modem_, modem_i_), soci::use(report_), soci::use(total_),
          soci::into(id_);
    }
    for (seq_ = 1; seq_ <= total_; ++seq_) {
      part_text_ = m.parts[seq_ - 1];
      if (part_) {
        part_->execute(true);
        sql::ResetStatement(*part_, engine_);
      } else {
        Exec(s_, kInsertPart, id_, seq_, part_text_);
      }
    }
    return id_;
  }

 private:
  static constexpr const char* kInsertMessage =
      "INSERT INTO smsgw_messages (owner_id, number, number_normalized, text, coding, priority, insert_date,"
      " update_date, not_before, send_after, send_before, validity, validity_vp, expires_at, flash, oid,"
      " modem_no, report_requested, status, attempts, total_parts) VALUES (:o, :num, :norm, :t, :c, :p, :i,"
      " :u, :nb, :sa, :sb, :v, :vp, :e, :f, :oid, :mn, :r, 'reserved', 0, :tot) RETURNING id";
  static constexpr const char* kInsertPart =
      "INSERT INTO smsgw_message_parts (message_id, seq, text, state) VALUES (:id, :s, :t, 'queued')";

  void Bind(const NewMessage& m, Clock::TimePoint now) {
    const Validity validity = *ParseValidity(m.validity);
    const Clock::TimePoint due = std::max(now, m.not_before.value_or(now));
    const auto lifetime = ValidityDuration(validity);
    text_.clear();
    for (const auto& p : m.parts) text_ += p;
    owner_ = m.owner_id;
    now_ms_ = ToUnixMillis(now);
    due_ms_ = ToUnixMillis(due);
    expires_ = lifetime ? ToUnixMillis(due + *lifetime) : 0;
    after_ = m.send_after.value_or(0);
    before_ = m.send_before.value_or(0);
    modem_ = m.modem_no.value_or(0);
    flash_ = m.flash;
    report_ = m.report_requested;
    priority_ = m.priority;
    total_ = int(m.parts.size());
    vp_ = validity.vp;
    validity_ = validity.name;
    oid_ = m.oid.value_or("");
    number_ = m.number;
    norm_ = internal::NormalizeNumber(m.number);
    coding_ = m.coding;
    after_i_ = m.send_after ? soci::i_ok : soci::i_null;
    before_i_ = m.send_before ? soci::i_ok : soci::i_null;
    expires_i_ = lifetime ? soci::i_ok : soci::i_null;
    oid_i_ = m.oid ? soci::i_ok : soci::i_null;
    modem_i_ = m.modem_no ? soci::i_ok : soci::i_null;
  }

  soci::session& s_;
  const sql::Engine engine_;
  // The bound values: the prepared statements refer to these members.
  long long owner_ = 0, now_ms_ = 0, due_ms_ = 0, expires_ = 0, id_ = 0;
  int after_ = 0, before_ = 0, modem_ = 0, flash_ = 0, report_ = 0, priority_ = 0, total_ = 0, vp_ = 0;
  int seq_ = 0;
  std::string number_, norm_, text_, coding_, validity_, oid_, part_text_;
  soci::indicator after_i_ = soci::i_ok, before_i_ = soci::i_ok, expires_i_ = soci::i_ok, oid_i_ = soci::i_ok,
                  modem_i_ = soci::i_ok;
  std::optional<soci::statement> message_, part_;
};

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
  out.concat_ref = static_cast<int>(id & 0xFF);
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
    // SQLite: the two INSERTs are compiled once per pooled connection; PostgreSQL: once per batch.
    static const char kInserterKey = 0;
    const sql::Engine engine = db_.engine();
    Inserter* kept = db_.SessionLocal<Inserter>(s, &kInserterKey, [&](soci::session& session) {
      return std::make_unique<Inserter>(session, true, engine);
    });
    std::optional<Inserter> local;
    Inserter& inserter = kept != nullptr ? *kept : local.emplace(s, messages.size() >= 4u, engine);
    for (const auto& m : messages) ids.push_back(inserter.Insert(m, now));
  });
  if (!st.ok()) return st.error();
  return ids;
}

Result<bool> Store::RenewLease(const ClaimedMessage& message, Clock::TimePoint now) {
  long long until = ToUnixMillis(now + options_.lease_duration), id = message.id;
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

namespace {

constexpr const char* kMarkSubmitting =
    "UPDATE smsgw_message_parts SET state = 'submitting', modem_no = :m WHERE message_id = :id"
    " AND seq = :s AND state = 'queued' AND EXISTS (SELECT 1 FROM smsgw_messages m"
    " WHERE m.id = :mid AND m.lease_owner = :o AND m.status = 'reserved')";

// SQLite: MarkSubmitting's UPDATE compiled once per pooled connection, and the values it is bound to.
struct KeptMark {
  explicit KeptMark(soci::session& s) : st(s) {
    st.exchange(soci::use(modem_no));
    st.exchange(soci::use(id));
    st.exchange(soci::use(seq));
    st.exchange(soci::use(id));
    st.exchange(soci::use(owner));
    internal::PrepareKept(st, kMarkSubmitting);
  }
  soci::statement st;
  long long id = 0;
  int seq = 0, modem_no = 0;
  std::string owner;
};

}  // namespace

Result<bool> Store::MarkSubmitting(const ClaimedMessage& message, int seq, int modem_no) {
  // One autocommitted statement keeps this per-part write cheap; the Dispatcher's lease keeper renews.
  long long id = message.id;
  bool marked = false;
  Status st = internal::Read(db_, "mark submitting", [&](soci::session& s) {
    static const char kMarkKey = 0;
    KeptMark* kept = db_.SessionLocal<KeptMark>(
        s, &kMarkKey, [](soci::session& session) { return std::make_unique<KeptMark>(session); });
    if (kept != nullptr) {
      kept->id = id;
      kept->seq = seq;
      kept->modem_no = modem_no;
      kept->owner = message.lease_owner;
      marked = internal::ExecKept(kept->st) == 1;
      return;
    }
    marked = Exec(s, kMarkSubmitting, modem_no, id, seq, id, message.lease_owner) == 1;
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
