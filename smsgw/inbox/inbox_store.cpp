// Storing received parts: single messages, multipart reassembly, stale flushing and oid matching.
#include "smsgw/inbox/inbox_store.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "osprey/sql/run.hpp"
#include "smsgw/inbox/sql_util.hpp"
#include "smsgw/sms/number.hpp"

namespace osprey::smsgw::inbox {
namespace {

using internal::Exec;
using internal::ForEachRow;

// The multipart key of smsgw_inbox_parts / smsgw_inbox_closed.
struct PartKey {
  int modem_no = 0;
  std::string sender;
  int ref = 0;
  int total = 1;
};

// What a new inbox row is made of.
struct NewMessage {
  int modem_no = 0;
  std::string number;
  std::string text;
  std::string coding;
  int parts = 1;
  bool complete = true;
  std::int64_t receive_ms = 0;
};

std::optional<std::string> OidFor(soci::session& s, const std::string& number) {
  const std::string normalized = NormalizeSender(number);
  std::string oid;
  soci::indicator ind = soci::i_null;
  s << "SELECT oid FROM smsgw_messages WHERE number_normalized = :n AND oid IS NOT NULL AND oid <> ''"
       " ORDER BY id DESC LIMIT 1",
      soci::use(normalized), soci::into(oid, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return oid;
}

void EnqueueNotification(soci::session& s, const char* kind, std::int64_t id, const NewMessage& m,
                         const std::optional<std::string>& oid, std::int64_t now_ms) {
  std::string kind_text = kind, oid_text = oid.value_or("");
  soci::indicator oid_ind = oid ? soci::i_ok : soci::i_null;
  long long message_id = id, receive = m.receive_ms, now = now_ms;
  int modem = m.modem_no;
  s << "INSERT INTO smsgw_notifications (kind, message_id, number, text, modem_no, oid, receive_date, state,"
       " created_at, next_attempt_at, attempts) VALUES (:k, :m, :n, :t, :modem, :oid, :r, 'pending', :c, :d, "
       "0)",
      soci::use(kind_text), soci::use(message_id), soci::use(m.number), soci::use(m.text), soci::use(modem),
      soci::use(oid_text, oid_ind), soci::use(receive), soci::use(now), soci::use(now);
}

// Inserts the message with its oid and enqueues its notifications; returns its id.
std::int64_t InsertMessage(soci::session& s, const NewMessage& m, const InboxOptions& options,
                           std::int64_t now_ms) {
  const std::optional<std::string> oid = OidFor(s, m.number);
  std::string oid_text = oid.value_or(""), normalized = NormalizeSender(m.number);
  soci::indicator oid_ind = oid ? soci::i_ok : soci::i_null;
  const bool notify = options.notify_callback || options.notify_webhook;
  int modem = m.modem_no, parts = m.parts, complete = m.complete ? 1 : 0, processed = notify ? 0 : 1;
  long long receive = m.receive_ms, now = now_ms, id = 0;
  s << "INSERT INTO smsgw_inbox (modem_no, number, number_normalized, text, coding, parts, complete,"
       " receive_date, insert_date, update_date, oid, is_read, processed) VALUES (:modem, :num, :norm, :t,"
       " :c, :p, :complete = 1, :r, :i, :u, :oid, FALSE, :processed = 1) RETURNING id",
      soci::use(modem), soci::use(m.number), soci::use(normalized), soci::use(m.text), soci::use(m.coding),
      soci::use(parts), soci::use(complete), soci::use(receive), soci::use(now), soci::use(now),
      soci::use(oid_text, oid_ind), soci::use(processed), soci::into(id);
  if (options.notify_callback) EnqueueNotification(s, "callback", id, m, oid, now_ms);
  if (options.notify_webhook) EnqueueNotification(s, "webhook", id, m, oid, now_ms);
  return id;
}

// Joins the pending parts of `key` (in seq order) into one message, removes them and closes the key.
std::int64_t JoinParts(soci::session& s, const PartKey& key, const InboxOptions& options,
                       std::int64_t now_ms) {
  NewMessage m;
  m.modem_no = key.modem_no;
  m.number = key.sender;
  m.parts = 0;
  std::int64_t last_ms = 0;
  ForEachRow(
      s,
      "SELECT seq, text, coding, CAST(received_at AS BIGINT) FROM smsgw_inbox_parts WHERE modem_no = " +
          std::to_string(key.modem_no) + " AND sender = :s AND ref = " + std::to_string(key.ref) +
          " AND total = " + std::to_string(key.total) + " ORDER BY seq",
      {key.sender}, [&](const soci::row& r) {
        const std::string coding = sql::Text(r, 2);
        const std::int64_t received = sql::Int(r, 3);
        if (m.parts == 0 || coding == "unicode") m.coding = coding;
        m.receive_ms = m.parts == 0 ? received : std::min(m.receive_ms, received);
        last_ms = std::max(last_ms, received);
        m.text += sql::Text(r, 1);
        ++m.parts;
      });
  m.complete = m.parts == key.total;
  const std::int64_t id = InsertMessage(s, m, options, now_ms);
  Exec(s, "DELETE FROM smsgw_inbox_parts WHERE modem_no = :m AND sender = :s AND ref = :r AND total = :t",
       key.modem_no, key.sender, key.ref, key.total);
  const long long last = last_ms, now = now_ms;
  Exec(s,
       "INSERT INTO smsgw_inbox_closed (modem_no, sender, ref, total, last_received_at, closed_at)"
       " VALUES (:m, :s, :r, :t, :l, :c) ON CONFLICT (modem_no, sender, ref, total) DO UPDATE SET"
       " last_received_at = excluded.last_received_at, closed_at = excluded.closed_at",
       key.modem_no, key.sender, key.ref, key.total, last, now);
  return id;
}

// Whether a part with SC time `received_ms` re-offers a set already joined; forgets the key otherwise.
bool ReofferOfClosed(soci::session& s, const PartKey& key, std::int64_t received_ms) {
  bool closed = false, reoffer = false;
  ForEachRow(s,
             "SELECT CAST(last_received_at AS BIGINT) FROM smsgw_inbox_closed WHERE modem_no = " +
                 std::to_string(key.modem_no) + " AND sender = :s AND ref = " + std::to_string(key.ref) +
                 " AND total = " + std::to_string(key.total),
             {key.sender}, [&](const soci::row& r) {
               closed = true;
               reoffer = received_ms <= sql::Int(r, 0);
             });
  if (closed && !reoffer) {
    Exec(s, "DELETE FROM smsgw_inbox_closed WHERE modem_no = :m AND sender = :s AND ref = :r AND total = :t",
         key.modem_no, key.sender, key.ref, key.total);
  }
  return reoffer;
}

bool SingleAlreadyStored(soci::session& s, const NewMessage& m) {
  long long n = 0;
  long long receive = m.receive_ms;
  int modem = m.modem_no;
  s << "SELECT CAST(COUNT(*) AS BIGINT) FROM smsgw_inbox WHERE modem_no = :m AND number = :n AND"
       " receive_date = :r AND parts = 1 AND text = :t",
      soci::use(modem), soci::use(m.number), soci::use(receive), soci::use(m.text), soci::into(n);
  return n > 0;
}

}  // namespace

std::string NormalizeSender(const std::string& sender) {
  auto normalized = sms::NormalizePhoneNumber(sender);
  return normalized.ok() ? *normalized : sender;
}

InboxStore::InboxStore(sql::Database& db, InboxOptions options) : db_(db), options_(std::move(options)) {}

Result<AddResult> InboxStore::AddPart(const modem::IncomingSms& sms, Clock::TimePoint now) {
  const std::int64_t now_ms = ToUnixMillis(now);
  const std::int64_t received_ms = ToUnixMillis(sms.received_at);
  AddResult out;
  if (!sms.concat || sms.concat->total == 1) {
    NewMessage m{sms.modem_no, sms.sender, sms.text, sms.coding, 1, true, received_ms};
    Status st = sql::RunTransaction(db_, "store incoming sms", [&](soci::session& s) {
      out = {AddOutcome::kDuplicate, std::nullopt};
      if (SingleAlreadyStored(s, m)) return;
      out = {AddOutcome::kMessage, InsertMessage(s, m, options_, now_ms)};
    });
    if (!st.ok()) return st.error();
    return out;
  }
  const modem::IncomingConcat& c = *sms.concat;
  if (c.total < 1 || c.total > 255 || c.seq < 1 || c.seq > c.total || c.ref < 0 || c.ref > 65535) {
    return Error(ErrorCode::kInvalidArgument, "incoming part: concatenation info out of range");
  }
  const PartKey key{sms.modem_no, sms.sender, c.ref, c.total};
  Status st = sql::RunTransaction(db_, "store incoming part", [&](soci::session& s) {
    out = {AddOutcome::kDuplicate, std::nullopt};
    if (ReofferOfClosed(s, key, received_ms)) return;
    const long long received = received_ms, stored = now_ms;
    const long long inserted =
        Exec(s,
             "INSERT INTO smsgw_inbox_parts (modem_no, sender, ref, total, seq, text, coding, received_at,"
             " stored_at) VALUES (:m, :s, :r, :t, :q, :x, :c, :rc, :st) ON CONFLICT DO NOTHING",
             key.modem_no, key.sender, key.ref, key.total, c.seq, sms.text, sms.coding, received, stored);
    if (inserted == 0) return;
    long long have = 0;
    s << "SELECT CAST(COUNT(*) AS BIGINT) FROM smsgw_inbox_parts WHERE modem_no = :m AND sender = :s AND"
         " ref = :r AND total = :t",
        soci::use(key.modem_no), soci::use(key.sender), soci::use(key.ref), soci::use(key.total),
        soci::into(have);
    if (have < key.total) {
      out = {AddOutcome::kPending, std::nullopt};
      return;
    }
    out = {AddOutcome::kMessage, JoinParts(s, key, options_, now_ms)};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<int> InboxStore::FlushStale(Clock::TimePoint now) {
  const std::int64_t now_ms = ToUnixMillis(now);
  const long long cut = ToUnixMillis(now - options_.reassembly_timeout);
  const long long forget = ToUnixMillis(now - options_.closed_key_retention);
  int joined = 0;
  Status st = sql::RunTransaction(db_, "flush stale parts", [&](soci::session& s) {
    joined = 0;
    std::vector<PartKey> stale;
    ForEachRow(
        s,
        "SELECT modem_no, sender, ref, total FROM smsgw_inbox_parts GROUP BY modem_no, sender, ref, total"
        " HAVING MIN(stored_at) <= " +
            std::to_string(cut),
        {}, [&](const soci::row& r) {
          stale.push_back({static_cast<int>(sql::Int(r, 0)), sql::Text(r, 1),
                           static_cast<int>(sql::Int(r, 2)), static_cast<int>(sql::Int(r, 3))});
        });
    for (const PartKey& key : stale) {
      JoinParts(s, key, options_, now_ms);
      ++joined;
    }
    Exec(s, "DELETE FROM smsgw_inbox_closed WHERE closed_at < :f", forget);
  });
  if (!st.ok()) return st.error();
  return joined;
}

Result<std::optional<std::string>> InboxStore::MatchOid(const std::string& number) {
  std::optional<std::string> oid;
  Status st = sql::RunRead(db_, "match oid", [&](soci::session& s) { oid = OidFor(s, number); });
  if (!st.ok()) return st.error();
  return oid;
}

}  // namespace osprey::smsgw::inbox
