// AuditLog::Query (GET /audit/) and AuditLog::Verify (osprey audit verify).
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

#include "mfa/audit/audit_chain.hpp"
#include "mfa/audit/audit_log.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/sql/rows.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::audit {
namespace {

using internal::Checkpoint;
using internal::StoredEntry;

constexpr std::int64_t kVerifyPage = 1000;
constexpr int kVerifyAttempts = 5;
constexpr int kMaxPageSize = 10000;

// privacyIDEA's filter names → columns of mfa_audit ("success" is handled apart).
const std::map<std::string, std::string, std::less<>>& FilterColumns() {
  static const std::map<std::string, std::string, std::less<>> kColumns{
      {"action", "action"},
      {"action_detail", "action_detail"},
      {"administrator", "administrator"},
      {"authentication", "authentication"},
      {"client", "client"},
      {"info", "info"},
      {"policies", "policies"},
      {"privacyidea_server", "privacyidea_server"},
      {"realm", "realm"},
      {"resolver", "resolver"},
      {"serial", "serial"},
      {"thread_id", "thread_id"},
      {"token_type", "token_type"},
      {"user", "username"},
      {"user_agent", "user_agent"},
  };
  return kColumns;
}

std::string Strip(std::string_view s, std::string_view chars) {
  const auto first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(chars);
  return std::string(s.substr(first, last - first + 1));
}

bool IsTrue(const std::string& v) { return v == "1" || v == "true" || v == "True" || v == "TRUE"; }

// '*' → '%'; literal '%', '_' and the escape character itself are escaped with '\'.
std::string LikePattern(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '*') {
      out.push_back('%');
      continue;
    }
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

struct Where {
  std::string sql = " WHERE 1 = 1";
  std::vector<std::string> text_binds;
};

// privacyIDEA 3.13's sqlaudit._create_filter: empty or '*'-only values are no filter; a leading '!'
// negates; a value with '*' is a LIKE pattern; success compares with 1/0. Unknown keys are ignored.
Where BuildWhere(const AuditFilter& filter) {
  Where w;
  for (const auto& [key, raw] : filter.columns) {
    const std::string trimmed = Strip(raw, " \t\r\n");
    if (trimmed.empty() || Strip(trimmed, "*").empty()) continue;
    if (key == "success") {
      w.sql += IsTrue(Strip(trimmed, "*")) ? " AND a.success = 1" : " AND a.success = 0";
      continue;
    }
    auto column = FilterColumns().find(key);
    if (column == FilterColumns().end()) continue;
    std::string value = raw;
    const bool negate = !value.empty() && value[0] == '!';
    if (negate) value.erase(0, 1);
    if (value.find('*') != std::string::npos) {
      w.sql += " AND a." + column->second + (negate ? " NOT LIKE :f" : " LIKE :f") +
               std::to_string(w.text_binds.size()) + " ESCAPE '\\'";
      w.text_binds.push_back(LikePattern(value));
    } else {
      w.sql +=
          " AND a." + column->second + (negate ? " <> :f" : " = :f") + std::to_string(w.text_binds.size());
      w.text_binds.push_back(value);
    }
  }
  for (const auto& [key, value] : filter.exact) {
    auto column = FilterColumns().find(key);
    if (column == FilterColumns().end()) continue;
    w.sql += " AND a." + column->second + " = :f" + std::to_string(w.text_binds.size());
    w.text_binds.push_back(value);
  }
  if (filter.since) w.sql += " AND a.date >= " + std::to_string(internal::ToMicros(*filter.since));
  return w;
}

void ForEachRow(soci::session& s, const std::string& sql, const std::vector<std::string>& binds,
                const std::function<void(const soci::row&)>& each) {
  soci::details::prepare_temp_type query = (s.prepare << sql);
  for (const std::string& value : binds) query, soci::use(value);
  soci::rowset<soci::row> rows(query);
  for (const soci::row& r : rows) each(r);
}

// A checkpoint whose seal verifies under the key it names, else nullopt (also when there is none).
std::optional<Checkpoint> SealedCheckpoint(const std::optional<Checkpoint>& c, const crypto::KeyRing& keys) {
  if (!c) return std::nullopt;
  const Secret* key = keys.Find(c->kid);
  if (key == nullptr || !crypto::ConstantTimeEquals(internal::CheckpointSeal(*key, *c), c->seal))
    return std::nullopt;
  return c;
}

}  // namespace

Result<AuditPage> AuditLog::Query(const AuditFilter& filter) const {
  const Where where = BuildWhere(filter);
  const long long page = std::max(1, filter.page);
  const long long size = std::clamp(filter.page_size, 1, kMaxPageSize);
  const bool asc = filter.sortorder == "asc";
  AuditPage result;
  Status st = sql::RunRead(db_, "audit query", [&](soci::session& s) {
    result = AuditPage{};
    ForEachRow(s, "SELECT CAST(COUNT(*) AS BIGINT) FROM mfa_audit a" + where.sql, where.text_binds,
               [&](const soci::row& r) { result.count = sql::Int(r, 0); });
    const std::optional<Checkpoint> checkpoint = SealedCheckpoint(internal::ReadCheckpoint(s), chain_keys_);
    const std::string sql = std::string("SELECT ") + internal::kEntryColumns +
                            ", (SELECT b.mac FROM mfa_audit b WHERE b.id < a.id ORDER BY b.id DESC LIMIT 1)"
                            " FROM mfa_audit a" +
                            where.sql + " ORDER BY a.id " + (asc ? "ASC" : "DESC") + " LIMIT " +
                            std::to_string(size) + " OFFSET " + std::to_string((page - 1) * size);
    ForEachRow(s, sql, where.text_binds, [&](const soci::row& r) {
      const StoredEntry stored = internal::ReadStored(r);
      const std::optional<std::string> before = sql::OptText(r, internal::kEntryColumnCount);
      AuditEntry entry = internal::ToEntry(stored);
      const Secret* key = chain_keys_.Find(stored.kid);
      entry.sig_ok =
          key != nullptr && crypto::ConstantTimeEquals(internal::EntryMac(*key, stored), stored.mac);
      const std::string expected_prev = before ? *before : checkpoint ? checkpoint->mac : std::string();
      entry.link_ok = stored.prev == expected_prev;
      result.entries.push_back(std::move(entry));
    });
  });
  if (!st.ok()) return st.error();
  return result;
}

namespace {

struct VerifyRun {
  VerifyReport report;
  std::int64_t checkpoint_id = 0;  // upto_id of the checkpoint the run started from
};

// One pass from the checkpoint to the newest entry, a page at a time (bounded memory, no long transaction).
Result<VerifyRun> VerifyPass(sql::Database& db, const crypto::KeyRing& keys) {
  VerifyRun run;
  VerifyReport& report = run.report;
  std::optional<Checkpoint> checkpoint;
  Status st =
      sql::RunRead(db, "audit verify", [&](soci::session& s) { checkpoint = internal::ReadCheckpoint(s); });
  if (!st.ok()) return st.error();
  std::string prev;
  std::int64_t pos = 0;
  if (checkpoint) {
    if (!SealedCheckpoint(checkpoint, keys)) {
      report.ok = false;
      report.problem = "the retention checkpoint (entries up to " + std::to_string(checkpoint->upto_id) +
                       ") is forged or altered";
      return run;
    }
    prev = checkpoint->mac;
    pos = run.checkpoint_id = checkpoint->upto_id;
  }
  for (bool more = true; more && report.ok;) {
    std::vector<StoredEntry> rows;
    const long long after = pos;
    st = sql::RunRead(db, "audit verify", [&](soci::session& s) {
      rows.clear();
      ForEachRow(s,
                 std::string("SELECT ") + internal::kEntryColumns + " FROM mfa_audit a WHERE a.id > " +
                     std::to_string(after) + " ORDER BY a.id LIMIT " + std::to_string(kVerifyPage),
                 {}, [&](const soci::row& r) { rows.push_back(internal::ReadStored(r)); });
    });
    if (!st.ok()) return st.error();
    more = static_cast<std::int64_t>(rows.size()) == kVerifyPage;
    for (const StoredEntry& row : rows) {
      const Secret* key = keys.Find(row.kid);
      std::string problem;
      if (key == nullptr) {
        problem = "entry " + std::to_string(row.id) + " is chained under unknown key id '" + row.kid + "'";
      } else if (!crypto::ConstantTimeEquals(internal::EntryMac(*key, row), row.mac)) {
        problem = "entry " + std::to_string(row.id) + " altered";
      } else if (row.prev != prev) {
        problem =
            "entry " + std::to_string(row.id) + ": the entry before it is missing or out of order" +
            (pos > 0 ? " (previous entry " + std::to_string(pos) + ")" : std::string(" (it is the first)"));
      }
      if (!problem.empty()) {
        report.ok = false;
        report.first_bad = row.id;
        report.problem = problem;
        break;
      }
      prev = row.mac;
      pos = row.id;
      ++report.checked;
    }
  }
  return run;
}

}  // namespace

Result<VerifyReport> AuditLog::Verify() const {
  for (int attempt = 1;; ++attempt) {
    auto run = VerifyPass(db_, chain_keys_);
    if (!run.ok()) return run.error();
    if (run->report.ok || attempt == kVerifyAttempts) return run->report;
    // A rotation may have deleted entries under the pass: if the checkpoint moved, verify again from it.
    std::optional<Checkpoint> now;
    Status st =
        sql::RunRead(db_, "audit verify", [&](soci::session& s) { now = internal::ReadCheckpoint(s); });
    if (!st.ok()) return st.error();
    if ((now ? now->upto_id : 0) == run->checkpoint_id) return run->report;
  }
}

}  // namespace osprey::mfa::audit
