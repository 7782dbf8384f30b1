// Folder reads, counts, the status endpoint's view, deletion and modem reassignment.
#include <functional>
#include <string>
#include <vector>

#include "smsgw/queue/sql_rows.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {
namespace {

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

// The WHERE clause for `filter`. Numbers are formatted in (they are integers we own); the strings (phone
// number, sender name) are appended to `binds` in the order of their placeholders.
std::string Where(Folder folder, const MessageFilter& f, std::vector<std::string>& binds) {
  std::string w = " WHERE " + FolderPredicate(folder);
  const std::string date_col = folder == Folder::kOutbox ? "insert_date" : "sending_date";
  if (f.owner_id) w += " AND owner_id = " + std::to_string(*f.owner_id);
  if (f.id_from) w += " AND id >= " + std::to_string(*f.id_from);
  if (f.id_to) w += " AND id <= " + std::to_string(*f.id_to);
  if (f.date_from) w += " AND " + date_col + " >= " + std::to_string(ToUnixMillis(*f.date_from));
  if (f.date_to) w += " AND " + date_col + " <= " + std::to_string(ToUnixMillis(*f.date_to));
  if (f.modem_no) w += " AND COALESCE(modem_used, modem_no) = " + std::to_string(*f.modem_no);
  if (f.number) {
    w += " AND number_normalized = :num";
    binds.push_back(internal::NormalizeNumber(*f.number));
  }
  if (f.sender_name) {
    w += " AND owner_id IN (SELECT id FROM gateway_users WHERE username = :sender)";
    binds.push_back(*f.sender_name);
  }
  return w;
}

// Runs `sql` with `binds` in placeholder order and calls `each` for every row.
void ForEachRow(soci::session& s, const std::string& sql, const std::vector<std::string>& binds,
                const std::function<void(const soci::row&)>& each) {
  soci::details::prepare_temp_type query = (s.prepare << sql);
  for (const std::string& value : binds) query, soci::use(value);
  soci::rowset<soci::row> rows(query);
  for (const soci::row& r : rows) each(r);
}

std::optional<Clock::TimePoint> OptTime(const soci::row& r, std::size_t i) {
  auto v = internal::OptInt(r, i);
  if (!v) return std::nullopt;
  return FromUnixMillis(*v);
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
  m.insert_date = FromUnixMillis(internal::Int(r, 13));
  m.update_date = FromUnixMillis(internal::Int(r, 14));
  m.sending_date = OptTime(r, 15);
  m.delivery_date = OptTime(r, 16);
  m.attempts = static_cast<int>(internal::Int(r, 17));
  m.total_parts = static_cast<int>(internal::Int(r, 18));
  return m;
}

}  // namespace

Result<std::vector<MessageRecord>> Store::List(Folder folder, const MessageFilter& filter) {
  std::vector<std::string> binds;
  std::string sql =
      "SELECT CAST(id AS BIGINT), CAST(owner_id AS BIGINT), number, text, coding, priority, validity,"
      " CASE WHEN flash THEN 1 ELSE 0 END, oid, COALESCE(modem_used, modem_no), status, error_code, "
      "error_reason,"
      " CAST(insert_date AS BIGINT), CAST(update_date AS BIGINT), CAST(sending_date AS BIGINT),"
      " CAST(delivery_date AS BIGINT), attempts, total_parts FROM smsgw_messages" +
      Where(folder, filter, binds) + " ORDER BY id";
  if (filter.limit) sql += " LIMIT " + std::to_string(std::max(0, *filter.limit));
  std::vector<MessageRecord> out;
  Status st = internal::Read(db_, "list messages", [&](soci::session& s) {
    out.clear();
    ForEachRow(s, sql, binds, [&](const soci::row& r) { out.push_back(ToRecord(r)); });
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::int64_t> Store::Count(Folder folder, const MessageFilter& filter) {
  std::vector<std::string> binds;
  const std::string sql =
      "SELECT CAST(COUNT(*) AS BIGINT) FROM smsgw_messages" + Where(folder, filter, binds);
  std::int64_t count = 0;
  Status st = internal::Read(db_, "count messages", [&](soci::session& s) {
    ForEachRow(s, sql, binds, [&](const soci::row& r) { count = internal::Int(r, 0); });
  });
  if (!st.ok()) return st.error();
  return count;
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
  std::vector<std::string> no_binds;
  const std::string where = Where(folder, filter, no_binds);
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

Result<int> Store::ReassignOutboxModem(int current_modem_no, int new_modem_no,
                                       std::optional<std::int64_t> owner_id) {
  const std::string owner = owner_id ? " AND owner_id = " + std::to_string(*owner_id) : "";
  long long changed = 0;
  Status st = internal::Transact(db_, "reassign modem", [&](soci::session& s) {
    changed =
        internal::Exec(s,
                       "UPDATE smsgw_messages SET modem_no = :n WHERE status = 'reserved' AND modem_no = :c"
                       " AND modem_used IS NULL AND NOT EXISTS (SELECT 1 FROM smsgw_message_parts p"
                       " WHERE p.message_id = smsgw_messages.id AND p.state <> 'queued')" +
                           owner,
                       new_modem_no, current_modem_no);
  });
  if (!st.ok()) return st.error();
  return static_cast<int>(changed);
}

Result<std::map<std::int64_t, std::string>> Store::OwnerNames(std::span<const std::int64_t> owner_ids) {
  std::map<std::int64_t, std::string> names;
  if (owner_ids.empty()) return names;
  std::string ids;
  for (std::int64_t id : owner_ids) {
    if (!ids.empty()) ids += ',';
    ids += std::to_string(id);
  }
  const std::string sql = "SELECT CAST(id AS BIGINT), username FROM gateway_users WHERE id IN (" + ids + ")";
  Status st = internal::Read(db_, "owner names", [&](soci::session& s) {
    names.clear();
    ForEachRow(s, sql, {}, [&](const soci::row& r) { names[internal::Int(r, 0)] = internal::Text(r, 1); });
  });
  if (!st.ok()) return st.error();
  return names;
}

}  // namespace osprey::smsgw::queue
