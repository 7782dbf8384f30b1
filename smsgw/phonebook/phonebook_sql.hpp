// SQL helpers of the phonebook (internal to osprey_smsgw_phonebook): the scope clauses, row reading that
// works on both engines, and the mapping of exceptions to Result errors.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"
#include "osprey/sql/rows.hpp"
#include "smsgw/phonebook/phonebook.hpp"

namespace osprey::smsgw::phonebook::internal {

// Bound values for the scope clauses below: `all` is 1 for an all-resources viewer.
struct Scope {
  int all = 0;
  long long user = 0;
};
inline Scope ScopeFor(Viewer viewer) { return {viewer ? 0 : 1, viewer.value_or(0)}; }

// "AND (...)" clauses over a table aliased `t`; bind Scope::all then Scope::user.
inline constexpr char kReadable[] = " AND (:all = 1 OR t.owner_id = :user OR t.is_public = TRUE)";
inline constexpr char kWritable[] = " AND (:all = 1 OR t.owner_id = :user)";

// Column lists (aliased `t`) that Contact / Group rows are read from; 64-bit values cast for SQLite.
inline constexpr char kContactColumns[] =
    "CAST(t.id AS BIGINT), CAST(t.owner_id AS BIGINT), t.name, t.number,"
    " CASE WHEN t.is_public THEN 1 ELSE 0 END";
inline constexpr char kGroupColumns[] =
    "CAST(t.id AS BIGINT), CAST(t.owner_id AS BIGINT), t.name, CASE WHEN t.is_public THEN 1 ELSE 0 END";

// Engine-neutral column readers (osprey/sql/rows.hpp): Int throws std::runtime_error on a null.
using sql::Int;
using sql::Text;
Contact ContactFrom(const soci::row& row);
Group GroupFrom(const soci::row& row);

// Runs `sql` with positional `binds` and calls `each` for every row.
template <typename F, typename... A>
void ForEachRow(soci::session& s, const std::string& sql, const F& each, const A&... binds) {
  soci::rowset<soci::row> rows = ((s.prepare << sql), ..., soci::use(binds));
  for (const soci::row& row : rows) each(row);
}

// Executes `sql` with positional `binds`; returns the number of rows changed.
using sql::Exec;

// `work` in a transaction / on a leased session; exceptions become kInternal naming `what`.
Status Transact(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work);
Status Read(sql::Database& db, std::string_view what, const std::function<void(soci::session&)>& work);

}  // namespace osprey::smsgw::phonebook::internal
