// Reading soci::row columns the same way on both engines (internal to the queue library). SOCI types SQLite
// columns by their declared type: INTEGER columns arrive as 32-bit int (so 64-bit values must be selected as
// an expression, e.g. CAST(x AS BIGINT)) and expressions arrive as text. PostgreSQL types by the value's
// type. These helpers accept int, long long and text. Throw std::runtime_error on anything else.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "osprey/core/clock.hpp"

namespace osprey::smsgw::queue::internal {

std::optional<std::int64_t> OptInt(const soci::row& row, std::size_t i);
std::int64_t Int(const soci::row& row, std::size_t i);
std::optional<std::string> OptText(const soci::row& row, std::size_t i);
std::string Text(const soci::row& row, std::size_t i);

// Stored times: milliseconds since the epoch.
inline std::int64_t ToMillis(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline Clock::TimePoint FromMillis(std::int64_t ms) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

// Strips spaces, '-', '.', '/', '(' and ')' and keeps a leading '+' (smseagle-api.md §5).
std::string NormalizeNumber(const std::string& number);

}  // namespace osprey::smsgw::queue::internal

#include <functional>
#include <string_view>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::smsgw::queue::internal {

// Runs `work` in a read-committed transaction (every queue write is a conditional single-row update, so row
// locks suffice and serializable conflicts between workers would only cost retries). Exceptions other than
// the retried conflicts become kInternal naming `what`.
Status Transact(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work);
// Runs `work` on a leased session without a transaction, mapping exceptions likewise.
Status Read(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work);

// Executes `sql` with positional `binds` and returns the number of rows it changed.
template <typename... A>
long long Exec(soci::session& s, const std::string& sql, const A&... binds) {
  soci::statement st(s);
  (st.exchange(soci::use(binds)), ...);
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);  // one round trip on PostgreSQL, no PREPARE/DEALLOCATE
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace osprey::smsgw::queue::internal
