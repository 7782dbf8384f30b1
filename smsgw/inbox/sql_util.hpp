// SQL helpers of the inbox library (internal to it): statements with positional binds (osprey/sql/rows.hpp)
// and row iteration. Stored times are milliseconds since the epoch (ToUnixMillis / FromUnixMillis,
// osprey/core/clock.hpp). Thread rule: as the session passed in (one thread).
#pragma once

#include <soci/soci.h>

#include <functional>
#include <string>
#include <vector>

#include "osprey/core/clock.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::smsgw::inbox::internal {

// Executes `sql` with positional `binds` (one per placeholder, in order); returns the rows it changed.
using sql::Exec;

// Runs `sql` with the text `binds` in placeholder order and calls `each` for every row.
inline void ForEachRow(soci::session& s, const std::string& sql, const std::vector<std::string>& binds,
                       const std::function<void(const soci::row&)>& each) {
  soci::details::prepare_temp_type query = (s.prepare << sql);
  for (const std::string& value : binds) query, soci::use(value);
  soci::rowset<soci::row> rows(query);
  for (const soci::row& r : rows) each(r);
}

}  // namespace osprey::smsgw::inbox::internal
