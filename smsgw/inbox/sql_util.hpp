// SQL helpers of the inbox library (internal to it): stored times, statements with positional binds and row
// iteration. Thread rule: as the session passed in (one thread).
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::smsgw::inbox::internal {

// Stored times: milliseconds since the epoch.
inline std::int64_t ToMillis(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline Clock::TimePoint FromMillis(std::int64_t ms) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

// Executes `sql` with positional `binds` (one per placeholder, in order); returns the rows it changed.
template <typename... A>
long long Exec(soci::session& s, const std::string& sql, const A&... binds) {
  soci::statement st(s);
  (st.exchange(soci::use(binds)), ...);
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

// Runs `sql` with the text `binds` in placeholder order and calls `each` for every row.
inline void ForEachRow(soci::session& s, const std::string& sql, const std::vector<std::string>& binds,
                       const std::function<void(const soci::row&)>& each) {
  soci::details::prepare_temp_type query = (s.prepare << sql);
  for (const std::string& value : binds) query, soci::use(value);
  soci::rowset<soci::row> rows(query);
  for (const soci::row& r : rows) each(r);
}

}  // namespace osprey::smsgw::inbox::internal
