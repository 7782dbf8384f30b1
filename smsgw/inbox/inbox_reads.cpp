// Inbox reads and API maintenance: list, count, delete, mark read.
#include <algorithm>
#include <string>
#include <vector>

#include "osprey/sql/run.hpp"
#include "smsgw/inbox/inbox_store.hpp"
#include "smsgw/inbox/sql_util.hpp"

namespace osprey::smsgw::inbox {
namespace {

using internal::ForEachRow;

// The WHERE clause for `q`. Integers are formatted in; the number is appended to `binds`.
std::string Where(const InboxQuery& q, std::vector<std::string>& binds) {
  const queue::MessageFilter& f = q.filter;
  std::string w = " WHERE 1 = 1";
  if (f.id_from) w += " AND id >= " + std::to_string(*f.id_from);
  if (f.id_to) w += " AND id <= " + std::to_string(*f.id_to);
  if (f.date_from) w += " AND receive_date >= " + std::to_string(ToUnixMillis(*f.date_from));
  if (f.date_to) w += " AND receive_date <= " + std::to_string(ToUnixMillis(*f.date_to));
  if (f.modem_no) w += " AND modem_no = " + std::to_string(*f.modem_no);
  if (q.unread_only) w += " AND is_read = FALSE";
  if (f.sender_name) w += " AND 1 = 0";  // inbound messages have no creating user
  if (f.number) {
    w += " AND number_normalized = :num";
    binds.push_back(NormalizeSender(*f.number));
  }
  return w;
}

InboxMessage ToMessage(const soci::row& r) {
  InboxMessage m;
  m.id = sql::Int(r, 0);
  m.modem_no = static_cast<int>(sql::Int(r, 1));
  m.number = sql::Text(r, 2);
  m.text = sql::Text(r, 3);
  m.coding = sql::Text(r, 4);
  m.parts = static_cast<int>(sql::Int(r, 5));
  m.complete = sql::Int(r, 6) != 0;
  m.receive_date = FromUnixMillis(sql::Int(r, 7));
  m.insert_date = FromUnixMillis(sql::Int(r, 8));
  m.update_date = FromUnixMillis(sql::Int(r, 9));
  m.oid = sql::OptText(r, 10);
  m.read = sql::Int(r, 11) != 0;
  m.processed = sql::Int(r, 12) != 0;
  return m;
}

}  // namespace

Result<std::vector<InboxMessage>> InboxStore::List(const InboxQuery& query) {
  std::vector<std::string> binds;
  std::string sql =
      "SELECT CAST(id AS BIGINT), modem_no, number, text, coding, parts, CASE WHEN complete THEN 1 ELSE 0 "
      "END,"
      " CAST(receive_date AS BIGINT), CAST(insert_date AS BIGINT), CAST(update_date AS BIGINT), oid,"
      " CASE WHEN is_read THEN 1 ELSE 0 END, CASE WHEN processed THEN 1 ELSE 0 END FROM smsgw_inbox" +
      Where(query, binds) + " ORDER BY id";
  if (query.filter.limit) sql += " LIMIT " + std::to_string(std::max(0, *query.filter.limit));
  std::vector<InboxMessage> out;
  Status st = sql::RunRead(db_, "list inbox", [&](soci::session& s) {
    out.clear();
    ForEachRow(s, sql, binds, [&](const soci::row& r) { out.push_back(ToMessage(r)); });
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::int64_t> InboxStore::Count(const InboxQuery& query) {
  std::vector<std::string> binds;
  const std::string sql = "SELECT CAST(COUNT(*) AS BIGINT) FROM smsgw_inbox" + Where(query, binds);
  std::int64_t count = 0;
  Status st = sql::RunRead(db_, "count inbox", [&](soci::session& s) {
    ForEachRow(s, sql, binds, [&](const soci::row& r) { count = sql::Int(r, 0); });
  });
  if (!st.ok()) return st.error();
  return count;
}

Result<int> InboxStore::Delete(std::int64_t id_from, std::int64_t id_to) {
  long long removed = 0;
  Status st = sql::RunTransaction(db_, "delete inbox", [&](soci::session& s) {
    removed = internal::Exec(s, "DELETE FROM smsgw_inbox WHERE id >= :f AND id <= :t",
                             static_cast<long long>(id_from), static_cast<long long>(id_to));
  });
  if (!st.ok()) return st.error();
  return static_cast<int>(removed);
}

Result<int> InboxStore::MarkRead(std::int64_t id_from, std::int64_t id_to, bool read, Clock::TimePoint now) {
  long long changed = 0;
  const int flag = read ? 1 : 0;
  const long long now_ms = ToUnixMillis(now);
  Status st = sql::RunTransaction(db_, "mark inbox read", [&](soci::session& s) {
    changed =
        internal::Exec(s,
                       "UPDATE smsgw_inbox SET is_read = (:r = 1), update_date = :u WHERE id >= :f AND"
                       " id <= :t AND is_read <> (:r2 = 1)",
                       flag, now_ms, static_cast<long long>(id_from), static_cast<long long>(id_to), flag);
  });
  if (!st.ok()) return st.error();
  return static_cast<int>(changed);
}

}  // namespace osprey::smsgw::inbox
