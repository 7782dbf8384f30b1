// Folder reads, counts, the status endpoint's view, deletion and modem reassignment.
#include <string>

#include "smsgw/queue/sql_rows.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {
namespace {

using internal::ToMillis;

std::string FolderPredicate(Folder folder) {
  switch (folder) {
    case Folder::kOutbox: return "status = 'reserved'";
    case Folder::kError: return "status IN ('sending_error', 'error')";
    case Folder::kDelivered: return "status = 'delivery_ok'";
    case Folder::kSent: break;
  }
  return "status IN ('sending_ok_no_report', 'sending_ok', 'delivery_ok', 'delivery_failed',"
         " 'delivery_pending', 'delivery_unknown')";
}

// The WHERE clause for `filter`. Numbers are formatted in (they are integers we own); the phone number is the
// only bound value, and `bind_number` says whether it is present.
std::string Where(Folder folder, const MessageFilter& f, bool& bind_number) {
  std::string w = " WHERE " + FolderPredicate(folder);
  const std::string date_col = folder == Folder::kOutbox ? "insert_date" : "sending_date";
  if (f.owner_id) w += " AND owner_id = " + std::to_string(*f.owner_id);
  if (f.id_from) w += " AND id >= " + std::to_string(*f.id_from);
  if (f.id_to) w += " AND id <= " + std::to_string(*f.id_to);
  if (f.date_from) w += " AND " + date_col + " >= " + std::to_string(ToMillis(*f.date_from));
  if (f.date_to) w += " AND " + date_col + " <= " + std::to_string(ToMillis(*f.date_to));
  if (f.modem_no) w += " AND COALESCE(modem_used, modem_no) = " + std::to_string(*f.modem_no);
  bind_number = f.number.has_value();
  if (bind_number) w += " AND number_normalized = :num";
  return w;
}

std::optional<Clock::TimePoint> OptTime(const soci::row& r, std::size_t i) {
  auto v = internal::OptInt(r, i);
  if (!v) return std::nullopt;
  return internal::FromMillis(*v);
}

std::optional<int> OptSmall(const soci::row& r, std::size_t i) {
  auto v = internal::OptInt(r, i);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

MessageRecord ToRecord(const soci::row& r) {
  MessageRecord m;
  m.id = internal::Int(r, 0);
  m.owner_id = internal::Int(r, 1);
  m.number = internal::Text(r, 2);
  m.text = internal::Text(r, 3);
  m.coding = internal::Text(r, 4);
  m.priority = static_cast<int>(internal::Int(r, 5));
  m.validity = internal::Text(r, 6);
  m.flash = internal::Int(r, 7) != 0;
  m.oid = internal::OptText(r, 8);
  m.modem_no = OptSmall(r, 9);
  auto status = ParseFolderStatusName(internal::Text(r, 10));
  if (!status.ok()) throw std::runtime_error(status.error().message());
  m.status = *status;
  m.error_code = OptSmall(r, 11);
  m.error_reason = internal::OptText(r, 12);
  m.insert_date = internal::FromMillis(internal::Int(r, 13));
  m.update_date = internal::FromMillis(internal::Int(r, 14));
  m.sending_date = OptTime(r, 15);
  m.delivery_date = OptTime(r, 16);
  m.attempts = static_cast<int>(internal::Int(r, 17));
  m.total_parts = static_cast<int>(internal::Int(r, 18));
  return m;
}

}  // namespace

Result<std::vector<MessageRecord>> Store::List(Folder folder, const MessageFilter& filter) {
  bool bind_number = false;
  std::string sql =
      "SELECT CAST(id AS BIGINT), CAST(owner_id AS BIGINT), number, text, coding, priority, validity,"
      " CASE WHEN flash THEN 1 ELSE 0 END, oid, COALESCE(modem_used, modem_no), status, error_code, "
      "error_reason,"
      " CAST(insert_date AS BIGINT), CAST(update_date AS BIGINT), CAST(sending_date AS BIGINT),"
      " CAST(delivery_date AS BIGINT), attempts, total_parts FROM smsgw_messages" +
      Where(folder, filter, bind_number) + " ORDER BY id";
  if (filter.limit) sql += " LIMIT " + std::to_string(std::max(0, *filter.limit));
  std::vector<MessageRecord> out;
  std::string number = internal::NormalizeNumber(filter.number.value_or(""));
  Status st = internal::Read(db_, "list messages", [&](soci::session& s) {
    out.clear();
    auto read = [&](soci::rowset<soci::row>& rows) {
      for (const soci::row& r : rows) out.push_back(ToRecord(r));
    };
    if (bind_number) {
      soci::rowset<soci::row> rows = (s.prepare << sql, soci::use(number));
      read(rows);
    } else {
      soci::rowset<soci::row> rows = (s.prepare << sql);
      read(rows);
    }
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::int64_t> Store::Count(Folder folder, const MessageFilter& filter) {
  bool bind_number = false;
  const std::string sql = "SELECT COUNT(*) FROM smsgw_messages" + Where(folder, filter, bind_number);
  std::string number = internal::NormalizeNumber(filter.number.value_or(""));
  long long count = 0;
  Status st = internal::Read(db_, "count messages", [&](soci::session& s) {
    if (bind_number) {
      s << sql, soci::use(number), soci::into(count);
    } else {
      s << sql, soci::into(count);
    }
  });
  if (!st.ok()) return st.error();
  return static_cast<std::int64_t>(count);
}

Result<std::optional<StatusView>> Store::StatusOf(std::int64_t id, std::optional<std::int64_t> owner_id) {
  std::string sql = "SELECT status FROM smsgw_messages WHERE id = " + std::to_string(id);
  if (owner_id) sql += " AND owner_id = " + std::to_string(*owner_id);
  std::string status;
  soci::indicator ind = soci::i_null;
  Status st =
      internal::Read(db_, "message status", [&](soci::session& s) { s << sql, soci::into(status, ind); });
  if (!st.ok()) return st.error();
  if (ind != soci::i_ok) return std::optional<StatusView>();
  auto parsed = ParseFolderStatusName(status);
  if (!parsed.ok()) return parsed.error();
  if (*parsed == MessageStatus::kReserved)
    return std::optional<StatusView>(StatusView{id, "queued", "outbox"});
  return std::optional<StatusView>(StatusView{id, std::string(GammuStatusName(*parsed)), "sentitems"});
}

Result<int> Store::Delete(Folder folder, std::int64_t id_from, std::int64_t id_to,
                          std::optional<std::int64_t> owner_id) {
  MessageFilter filter;
  filter.id_from = id_from;
  filter.id_to = id_to;
  filter.owner_id = owner_id;
  bool bind_number = false;
  const std::string where = Where(folder, filter, bind_number);
  long long removed = 0;
  // Removing an outbox row cancels its queued parts: a worker's next MarkSubmitting finds no lease. A part
  // already submitting completes at the modem; its outcome then updates nothing.
  Status st = internal::Transact(db_, "delete messages", [&](soci::session& s) {
    internal::Exec(s, "DELETE FROM smsgw_message_parts WHERE message_id IN (SELECT id FROM smsgw_messages" +
                          where + ")");
    removed = internal::Exec(s, "DELETE FROM smsgw_messages" + where);
  });
  if (!st.ok()) return st.error();
  return static_cast<int>(removed);
}

Result<int> Store::ReassignOutboxModem(int current_modem_no, int new_modem_no) {
  long long changed = 0;
  Status st = internal::Transact(db_, "reassign modem", [&](soci::session& s) {
    changed =
        internal::Exec(s,
                       "UPDATE smsgw_messages SET modem_no = :n WHERE status = 'reserved' AND modem_no = :c"
                       " AND modem_used IS NULL AND NOT EXISTS (SELECT 1 FROM smsgw_message_parts p"
                       " WHERE p.message_id = smsgw_messages.id AND p.state <> 'queued')",
                       new_modem_no, current_modem_no);
  });
  if (!st.ok()) return st.error();
  return static_cast<int>(changed);
}

}  // namespace osprey::smsgw::queue
